/**
 * Review round 23 (c), the fix: a launch's run is a chain of executions (launch-chain.ts). Its
 * execution names are deterministic per link; a page at the end of a full execution hands the rest
 * on (`continueAs`); a silent launch is read where its last page ran and along the chain from there
 * (`readLaunch`, `sfnLaunchExecutions`), and the API never shows the record's place in the chain.
 */
import { type DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { sfnLaunchExecutions } from '../../../shared/adapters/sfn-launch-starter';
import { enrolAudiencePage } from '../../../shared/campaigns/enrol-audience-page';
import { continuedAs, launchExecutionName, PAGES_PER_EXECUTION } from '../../../shared/campaigns/launch-chain';
import type { AudiencePage } from '../../../shared/campaigns/messages';
import type { LaunchExecutions, LaunchRecords, LaunchState } from '../../../shared/campaigns/ports';
import { LAUNCH_SILENCE_MS, readLaunch } from '../../../shared/campaigns/resume-launch';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:campaign-launch';
const execution = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:campaign-launch:${name}`;

describe('the names of a launch chain', () => {
  it('names each link from the launch, its run and its place, within 80 characters', () => {
    expect(launchExecutionName('l')).toBe('l');
    expect(launchExecutionName('l', 2)).toBe('l-r2');
    expect(launchExecutionName('l', 0, 3)).toBe('l-c3');
    expect(launchExecutionName('l', 2, 3)).toBe('l-r2-c3');
    const long = 'x'.repeat(128);
    // A resume's name as it always was: 72 characters of the id.
    expect(launchExecutionName(long, 1)).toBe(`${'x'.repeat(72)}-r1`);
    expect(launchExecutionName(long)).toHaveLength(80);
    expect(launchExecutionName(long, 12, 345)).toHaveLength(80);
    expect(launchExecutionName(long, 12, 345).endsWith('-r12-c345')).toBe(true);
  });

  it('reads the next name from an output that continued, and nothing from one that did not', () => {
    expect(continuedAs(JSON.stringify({ done: false, continueAs: { name: 'l-c1', input: {} } }))).toBe('l-c1');
    expect(continuedAs(JSON.stringify({ done: true }))).toBeUndefined();
    expect(continuedAs('not json')).toBeUndefined();
    expect(continuedAs(undefined)).toBeUndefined();
  });
});

describe('a page at the end of a full execution', () => {
  const deps = (next: string | undefined) => ({
    audience: { page: async () => ({ contactIds: ['c1'], ...(next ? { cursor: next } : {}) }) },
    queue: { sendAll: async () => undefined },
    suppressions: { reasonsFor: async () => [] },
    contacts: { get: async () => ({ email: 'c1@example.com' }) },
    launches: {
      begin: async () => undefined,
      page: async () => undefined,
      recordPage: async (_w: string, _l: string, _k: string, decision: object) => ({ ...decision, counted: false }),
      addPage: async () => undefined,
    } as unknown as LaunchRecords,
    now: () => new Date('2026-12-06T10:00:00.000Z'),
  });
  const page: AudiencePage = {
    workspaceId: 'ws1',
    campaignId: 'cmp1',
    launchId: 'l',
    cursor: 'c-1',
    enrolled: 5,
    pageSize: 100,
    attempt: 2,
    chunk: 1,
    filter: { tag: 'vip' } as AudiencePage['filter'],
  };

  it('hands the rest on to the next link of its run, at the next page, with the count so far', async () => {
    const out = await enrolAudiencePage({ ...page, pages: PAGES_PER_EXECUTION - 1 }, deps('c-2'));
    expect(out).toMatchObject({ done: false, pages: PAGES_PER_EXECUTION, cursor: 'c-2', enrolled: 6 });
    expect(out.continueAs).toEqual({
      name: 'l-r2-c2',
      input: {
        workspaceId: 'ws1',
        campaignId: 'cmp1',
        launchId: 'l',
        attempt: 2,
        chunk: 2,
        filter: { tag: 'vip' },
        cursor: 'c-2',
        enrolled: 6,
        pageSize: 100,
      },
    });
  });

  it('hands nothing on before the execution is full, nor after the last page', async () => {
    const early = await enrolAudiencePage({ ...page, pages: PAGES_PER_EXECUTION - 2 }, deps('c-2'));
    expect(early).toMatchObject({ done: false, pages: PAGES_PER_EXECUTION - 1 });
    expect(early).not.toHaveProperty('continueAs');
    const last = await enrolAudiencePage({ ...page, pages: PAGES_PER_EXECUTION - 1 }, deps(undefined));
    expect(last.done).toBe(true);
    expect(last).not.toHaveProperty('continueAs');
  });
});

describe('a launch read along its chain', () => {
  function client(answers: Record<string, unknown>) {
    const asked: string[] = [];
    const sfn = {
      async send(command: DescribeExecutionCommand) {
        const arn = String(command.input.executionArn);
        asked.push(arn);
        const answer = answers[arn];
        if (!answer) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
        return answer;
      },
    } as unknown as SFNClient;
    return { sfn, asked };
  }
  const continued = (name: string) => ({
    status: 'SUCCEEDED',
    output: JSON.stringify({ done: false, continueAs: { name, input: {} } }),
  });

  it('starts at the link it is given and follows every execution that continued as new', async () => {
    const { sfn, asked } = client({
      [execution('l-r1-c2')]: continued('l-r1-c3'),
      [execution('l-r1-c3')]: { status: 'FAILED', error: 'States.Timeout' },
    });
    expect(await sfnLaunchExecutions(sfn, MACHINE).outcome('l', 1, 2)).toEqual({
      status: 'failed',
      error: 'States.Timeout',
    });
    expect(asked).toEqual([execution('l-r1-c2'), execution('l-r1-c3')]);
  });

  it('answers missing when the next link was never started, and succeeded only at the end of the chain', async () => {
    const broken = client({ [execution('l')]: continued('l-c1') });
    expect(await sfnLaunchExecutions(broken.sfn, MACHINE).outcome('l', 0)).toEqual({ status: 'missing' });
    const whole = client({
      [execution('l')]: continued('l-c1'),
      [execution('l-c1')]: { status: 'SUCCEEDED', output: JSON.stringify({ done: true }) },
    });
    expect(await sfnLaunchExecutions(whole.sfn, MACHINE).outcome('l', 0)).toEqual({ status: 'succeeded' });
  });

  it('asks for the execution where the last page ran, and answers without that place', async () => {
    // Prepare: a launch silent for longer than LAUNCH_SILENCE_MS, its last page in link 4 of run 1.
    const record: LaunchState = {
      launchId: 'l',
      campaignId: 'cmp1',
      status: 'running',
      queued: 400_000,
      suppressed: 0,
      startedAt: '2026-12-06T08:00:00.000Z',
      updatedAt: '2026-12-06T09:00:00.000Z',
      resumed: 1,
      chunk: 4,
    };
    const asked: Array<[string, number, number | undefined]> = [];
    const executions: LaunchExecutions = {
      outcome: async (launchId, attempt, chunk) => {
        asked.push([launchId, attempt, chunk]);
        return { status: 'running' };
      },
    };
    const launches = { get: async () => record } as unknown as LaunchRecords;
    const now = () => new Date(Date.parse(record.updatedAt as string) + LAUNCH_SILENCE_MS + 1);
    // Act
    const shown = await readLaunch(
      { workspaceId: 'ws1', campaignId: 'cmp1', launchId: 'l' },
      { launches, executions, now },
    );
    // Assess
    expect(asked).toEqual([['l', 1, 4]]);
    expect(shown).not.toHaveProperty('chunk');
    expect(shown).toMatchObject({ status: 'running', queued: 400_000 });
  });
});
