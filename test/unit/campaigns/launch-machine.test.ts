/**
 * The campaign-launch state machine (lib/definition/campaign-launch.asl.json) run by the same
 * interpreter as the local runtime, its task bound to the launch use cases over in-memory
 * records: a page that keeps failing ends with the launch recorded as failed, with why, instead
 * of a launch that reads as running for good.
 */
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../../lib/cdk/repo-paths';
import { enrolAudiencePage, recordLaunchFailure } from '../../../shared/campaigns/enrol-audience-page';
import { audiencePage, launchFailure } from '../../../shared/campaigns/messages';
import type { LaunchProgress, LaunchRecords } from '../../../shared/campaigns/ports';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:audience';

function memoryLaunches() {
  const records = new Map<string, LaunchProgress>();
  const launches: LaunchRecords = {
    async begin(_ws, campaignId, launchId, at) {
      if (!records.has(launchId))
        records.set(launchId, { launchId, campaignId, status: 'running', queued: 0, suppressed: 0, startedAt: at });
    },
    async addPage(_ws, launchId, _page, counts, done, at) {
      const r = records.get(launchId);
      if (!r) throw new Error('no record');
      records.set(launchId, {
        ...r,
        queued: r.queued + counts.queued,
        suppressed: r.suppressed + counts.suppressed,
        ...(done ? { status: 'done', finishedAt: at } : {}),
      });
    },
    async fail(_ws, campaignId, launchId, error, at) {
      const r = records.get(launchId) ?? {
        launchId,
        campaignId,
        status: 'running' as const,
        queued: 0,
        suppressed: 0,
        startedAt: at,
      };
      if (r.status !== 'done') records.set(launchId, { ...r, status: 'failed', failedAt: at, error });
    },
    async get(_ws, launchId) {
      return records.get(launchId);
    },
  };
  return { records, launches };
}

/** The machine with its task bound to the audience function's dispatch (functions/campaign-audience.ts). */
function launchMachine(pages: (cursor: string | undefined) => Promise<{ contactIds: string[]; cursor?: string }>) {
  const { records, launches } = memoryLaunches();
  const deps = {
    launches,
    audience: { page: (_ws: string, _f: unknown, _size: number, cursor?: string) => pages(cursor) },
    queue: { sendAll: async () => undefined },
    suppressions: { reasonsFor: async () => [] },
    emailOf: async (_ws: string, id: string) => `${id}@example.com`,
    now: () => new Date('2026-12-06T10:00:00.000Z'),
  };
  const task = async (event: unknown) => {
    const failed = launchFailure.safeParse(event);
    if (failed.success) return recordLaunchFailure(failed.data, deps);
    return enrolAudiencePage(audiencePage.parse(event), deps);
  };
  const definition = JSON.parse(
    readFileSync(fromRoot('lib/definition/campaign-launch.asl.json'), 'utf8').replaceAll(
      `\${EnrolAudiencePageFunction}`,
      ARN,
    ),
  );
  const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  let calls = 0;
  const counted = async (i: unknown) => {
    calls += 1;
    return task(i);
  };
  const run = (input: Record<string, string | number>) =>
    machine.run(input, {
      overrides: {
        taskResourceLocalHandlers: {
          EnrolAudiencePage: counted,
          RecordFailure: counted,
        },
        retryIntervalOverrides: { EnrolAudiencePage: 0, RecordFailure: 0 },
      },
    } as never).result;
  return { records, run, calls: () => calls };
}

const START = { workspaceId: 'ws1', campaignId: 'cmp1', launchId: 'launch-1' };

describe('the campaign-launch state machine', () => {
  it('pages to the end and records the launch done, creating its record when no starter did', async () => {
    const m = launchMachine(async (cursor) =>
      cursor ? { contactIds: ['c3'] } : { contactIds: ['c1', 'c2'], cursor: 'p2' },
    );
    await m.run(START);
    expect(m.records.get('launch-1')).toMatchObject({ status: 'done', queued: 3, campaignId: 'cmp1' });
  });

  it('records a page that keeps failing as a failed launch, with its error, and fails the execution', async () => {
    const m = launchMachine(async (cursor) => {
      if (cursor) throw new TypeError('the contacts table is unreachable');
      return { contactIds: ['c1', 'c2'], cursor: 'p2' };
    });
    await expect(m.run(START)).rejects.toThrow(/kept failing/);
    const record = m.records.get('launch-1');
    expect(record).toMatchObject({ status: 'failed', queued: 2, failedAt: '2026-12-06T10:00:00.000Z' });
    expect(record?.error).toMatch(/the contacts table is unreachable/);
    // The first page, the failing page with its 3 retries, then the record of the failure.
    expect(m.calls()).toBe(1 + 4 + 1);
  });

  it('records a malformed start as failed too, without retrying it', async () => {
    const m = launchMachine(async () => ({ contactIds: [] }));
    await expect(m.run({ ...START, pageSize: 0 })).rejects.toThrow(/kept failing/);
    expect(m.records.get('launch-1')).toMatchObject({ status: 'failed', campaignId: 'cmp1' });
    expect(m.calls()).toBe(2);
  });
});
