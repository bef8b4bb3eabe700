/**
 * Review round 23 (c), the fix: a launch is a chain of executions of the campaign-launch machine,
 * each of at most PAGES_PER_EXECUTION pages, the next started by the one before through the
 * `states:startExecution` integration (continue-as-new). Here the chain runs on the local Step
 * Functions endpoint (lib/local/step-functions.ts, the deployed ASL file) with the real page task
 * over in-memory records: every contact is enrolled once, each link is an execution of its own,
 * named from the launch and its place in the chain, a link started twice is refused by its name
 * (nothing enrolled twice), and a launch's outcome is read along the chain (sfnLaunchExecutions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { stateMachines } from '../../../lib/definition';
import { localClientConfig } from '../../../lib/local/emulators/local-aws';
import type { FunctionHost } from '../../../lib/local/function-host';
import {
  type Execution,
  FINISHED_KEPT,
  finishedBeyond,
  type LocalStepFunctions,
  localStateMachineArn,
  startStepFunctions,
} from '../../../lib/local/step-functions';
import { sfnLaunchExecutions, sfnLaunchStarter } from '../../../shared/adapters/sfn-launch-starter';
import { runLaunchTask } from '../../../shared/campaigns/enrol-audience-page';
import { launchExecutionName, PAGES_PER_EXECUTION } from '../../../shared/campaigns/launch-chain';
import type { LaunchPageRecord, LaunchProgress, LaunchRecords } from '../../../shared/campaigns/ports';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MACHINE = localStateMachineArn('campaign-launch');
const started: LocalStepFunctions[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** One launch's record and page markers, in memory, as dynamo-launches keeps them. */
function memoryLaunches() {
  let record: (LaunchProgress & { chunk?: number }) | undefined;
  const decided = new Map<string, LaunchPageRecord>();
  const launches: LaunchRecords = {
    begin: async (_ws, campaignId, launchId, at) => {
      record ??= { launchId, campaignId, status: 'running', queued: 0, suppressed: 0, startedAt: at };
    },
    page: async (_ws, launchId, pageKey) => decided.get(`${launchId}#${pageKey}`),
    recordPage: async (_ws, launchId, pageKey, decision) => {
      const key = `${launchId}#${pageKey}`;
      if (!decided.has(key)) decided.set(key, { ...decision, counted: false });
      return decided.get(key) as LaunchPageRecord;
    },
    addPage: async (_ws, launchId, pageKey, counts, done, at, chunk) => {
      const key = `${launchId}#${pageKey}`;
      const page = decided.get(key);
      if (!page || page.counted || !record) return;
      decided.set(key, { ...page, counted: true });
      record = {
        ...record,
        queued: record.queued + counts.queued,
        updatedAt: at,
        ...(chunk ? { chunk } : {}),
        ...(done ? { status: 'done', finishedAt: at } : {}),
      };
    },
    fail: async () => undefined,
    resume: async () => undefined,
    failAttempt: async () => undefined,
    finish: async () => undefined,
    get: async () => record,
  };
  return { launches, record: () => record };
}

/** An audience of `size` contacts paged by offset, the launch task over it, and what it queued. */
function launchWorld(size: number) {
  const memory = memoryLaunches();
  const queued: string[] = [];
  const deps = {
    launches: memory.launches,
    audience: {
      page: async (_ws: string, _f: unknown, pageSize: number, cursor?: string) => {
        const from = cursor ? Number(cursor) : 0;
        const to = Math.min(size, from + pageSize);
        const contactIds = Array.from({ length: to - from }, (_, i) => `c${from + i}`);
        return to < size ? { contactIds, cursor: String(to) } : { contactIds };
      },
    },
    queue: {
      sendAll: async (messages: readonly unknown[]) => {
        for (const m of messages) queued.push((m as { contactId: string }).contactId);
      },
    },
    suppressions: { reasonsFor: async () => [] },
    contacts: { get: async (_ws: string, id: string) => ({ email: `${id}@example.com` }) },
    now: () => new Date('2026-12-06T10:00:00.000Z'),
  };
  const inputs: unknown[] = [];
  const functions = {
    invoke: async (_name: string, input: unknown) => {
      inputs.push(input);
      return runLaunchTask(input, deps);
    },
  } as unknown as FunctionHost;
  return { memory, queued, inputs, functions };
}

async function localSfn(functions: FunctionHost) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'r23c-chain-'));
  dirs.push(dataDir);
  const sfn = await startStepFunctions({ root: ROOT, dataDir, declarations: stateMachines, functions, log: () => {} });
  started.push(sfn);
  return { sfn, client: new SFNClient(localClientConfig(sfn.endpoint)) };
}

const arnOf = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;

describe('a launch as a chain of executions on the local runtime (review round 23)', () => {
  it('continues as new every PAGES_PER_EXECUTION pages and enrols every contact once', async () => {
    // Prepare: pages of one contact, so 2 full executions and 1 page in a third.
    const size = 2 * PAGES_PER_EXECUTION + 1;
    const world = launchWorld(size);
    const { sfn, client } = await localSfn(world.functions);

    // Act: the launch as the enrol route starts it.
    await sfnLaunchStarter(client, MACHINE).start({
      workspaceId: 'ws1',
      campaignId: 'cmp1',
      launchId: 'launch-1',
      filter: {},
      from: { enrolled: 0, pageSize: 1 },
    });
    await sfn.idle();

    // Assess: every contact once, the launch done, each link an execution of its own that succeeded.
    expect(world.queued).toHaveLength(size);
    expect(new Set(world.queued).size).toBe(size);
    expect(world.memory.record()).toMatchObject({ status: 'done', queued: size, chunk: 2 });
    const names = ['launch-1', 'launch-1-c1', 'launch-1-c2'];
    expect(names.map((n) => launchExecutionName('launch-1', 0, names.indexOf(n)))).toEqual(names);
    for (const name of names) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn: arnOf(name) }));
      expect(described.status, name).toBe('SUCCEEDED');
    }
    const second = await client.send(new DescribeExecutionCommand({ executionArn: arnOf('launch-1-c1') }));
    expect(JSON.parse(second.input ?? '{}')).toMatchObject({ chunk: 1, cursor: String(PAGES_PER_EXECUTION) });
    // Each execution ran at most PAGES_PER_EXECUTION pages (its input's `pages` never reached it).
    const pagesSeen = world.inputs.map((i) => (i as { pages?: number }).pages ?? 0);
    expect(Math.max(...pagesSeen)).toBe(PAGES_PER_EXECUTION - 1);
    // The outcome is read along the chain: from the first link, or from where the record says.
    const executions = sfnLaunchExecutions(client, MACHINE);
    expect(await executions.outcome('launch-1', 0)).toEqual({ status: 'succeeded' });
    expect(await executions.outcome('launch-1', 0, 2)).toEqual({ status: 'succeeded' });
    client.destroy();
  });

  it('refuses a second start of a link by its name: the chain ends there, nothing is enrolled twice', async () => {
    // Prepare: the launch's second link already ran (a duplicate start, an earlier try).
    const size = PAGES_PER_EXECUTION + 5;
    const world = launchWorld(size);
    const { sfn, client } = await localSfn(world.functions);
    await client.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE,
        name: 'launch-2-c1',
        input: JSON.stringify({
          workspaceId: 'ws1',
          campaignId: 'cmp1',
          launchId: 'launch-2',
          cursor: 'x',
          done: true,
        }),
      }),
    );
    await sfn.idle();
    const before = world.inputs.length;

    // Act
    await sfnLaunchStarter(client, MACHINE).start({
      workspaceId: 'ws1',
      campaignId: 'cmp1',
      launchId: 'launch-2',
      filter: {},
      from: { enrolled: 0, pageSize: 1 },
    });
    await sfn.idle();

    // Assess: the first link enrolled its pages and ended (its continuation refused as already
    // started); the existing link did not run again.
    const first = await client.send(new DescribeExecutionCommand({ executionArn: arnOf('launch-2') }));
    expect(first.status).toBe('SUCCEEDED');
    expect(JSON.parse(first.output ?? '{}').continued).toMatchObject({
      Error: 'StepFunctions.ExecutionAlreadyExistsException',
    });
    expect(world.queued).toHaveLength(PAGES_PER_EXECUTION);
    expect(world.inputs.length - before).toBe(PAGES_PER_EXECUTION);
    client.destroy();
  });
});

describe('the local record keeps every running execution (review round 23)', () => {
  const execution = (name: string, status: Execution['status'], startDate: number, stopDate?: number) =>
    ({
      executionArn: arnOf(name),
      stateMachineArn: MACHINE,
      name,
      status,
      startDate,
      stopDate,
      input: '{}',
    }) as Execution;

  it('drops only finished executions, those that ended first, past FINISHED_KEPT', () => {
    const old = execution('old-running', 'RUNNING', 1);
    const longRun = execution('long-run', 'SUCCEEDED', 2, 5_000);
    const finished = Array.from({ length: FINISHED_KEPT }, (_, i) => execution(`f${i}`, 'FAILED', 10 + i, 10 + i));
    const dropped = finishedBeyond([old, longRun, ...finished], FINISHED_KEPT);
    // The RUNNING one stays however old; the long run that ended last stays; the first to end goes.
    expect(dropped.map((e) => e.name)).toEqual(['f0']);
    expect(finishedBeyond([old, ...finished], FINISHED_KEPT)).toEqual([]);
  });
});
