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
import { runLaunchTask } from '../../../shared/campaigns/enrol-audience-page';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import type {
  LaunchExecutionOutcome,
  LaunchPageRecord,
  LaunchProgress,
  LaunchRecords,
  LaunchResumePoint,
  LaunchStarter,
} from '../../../shared/campaigns/ports';
import { LAUNCH_SILENCE_MS, launchPayload, readLaunch, resumeLaunch } from '../../../shared/campaigns/resume-launch';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:audience';

type Stored = LaunchProgress & { from?: LaunchResumePoint };

function memoryLaunches() {
  const records = new Map<string, Stored>();
  const decided = new Map<string, LaunchPageRecord>();
  const launches: LaunchRecords = {
    async page(_ws, launchId, pageKey) {
      return decided.get(`${launchId}#${pageKey}`);
    },
    async recordPage(_ws, launchId, pageKey, decision) {
      const key = `${launchId}#${pageKey}`;
      if (!decided.has(key)) decided.set(key, { ...decision, counted: false });
      return decided.get(key) as LaunchPageRecord;
    },
    async finish(_ws, launchId, attempt, at) {
      const r = records.get(launchId);
      if (r?.status === 'running' && (r.resumed ?? 0) === attempt)
        records.set(launchId, { ...r, status: 'done', finishedAt: at });
    },
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
        updatedAt: at,
        ...(done ? { status: 'done', finishedAt: at } : {}),
      });
    },
    async fail(_ws, campaignId, launchId, error, at, from) {
      const r = records.get(launchId) ?? {
        launchId,
        campaignId,
        status: 'running' as const,
        queued: 0,
        suppressed: 0,
        startedAt: at,
      };
      if (r.status !== 'done')
        records.set(launchId, { ...r, status: 'failed', failedAt: at, error, ...(from ? { from } : {}) });
    },
    async resume(_ws, launchId) {
      const r = records.get(launchId);
      if (r?.status !== 'failed' || !r.from) return undefined;
      const { failedAt: _f, error: _e, ...rest } = r;
      const attempt = (r.resumed ?? 0) + 1;
      records.set(launchId, { ...rest, status: 'running', resumed: attempt });
      return { attempt, from: r.from };
    },
    async failAttempt(_ws, launchId, attempt, error, at) {
      const r = records.get(launchId);
      if (r?.status === 'running' && (r.resumed ?? 0) === attempt)
        records.set(launchId, { ...r, status: 'failed', failedAt: at, error });
    },
    async get(_ws, launchId) {
      const r = records.get(launchId);
      if (!r) return undefined;
      const { from, ...progress } = r;
      return r.status === 'failed' ? { ...progress, resumable: from !== undefined } : progress;
    },
  };
  return { records, launches };
}

/** The machine with its task bound to the audience function's dispatch (functions/campaign-audience.ts). */
function launchMachine(
  pages: (cursor: string | undefined) => Promise<{ contactIds: string[]; cursor?: string }>,
  options: { failureRecordBroken?: boolean } = {},
) {
  const memory = memoryLaunches();
  const { records } = memory;
  const launches: LaunchRecords = options.failureRecordBroken
    ? { ...memory.launches, fail: async () => Promise.reject(new Error('the core table is unreachable')) }
    : memory.launches;
  const sent: DripStepMessage[] = [];
  const deps = {
    launches,
    audience: { page: (_ws: string, _f: unknown, _size: number, cursor?: string) => pages(cursor) },
    queue: { sendAll: async (m: readonly DripStepMessage[]) => void sent.push(...m) },
    suppressions: { reasonsFor: async () => [] },
    contacts: { get: async (_ws: string, id: string) => ({ email: `${id}@example.com` }) },
    now: () => new Date('2026-12-06T10:00:00.000Z'),
  };
  const task = (event: unknown) => runLaunchTask(event, deps);
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
  const run = (input: Record<string, unknown>) =>
    machine.run(
      input as never,
      {
        overrides: {
          taskResourceLocalHandlers: {
            EnrolAudiencePage: counted,
            RecordFailure: counted,
          },
          retryIntervalOverrides: { EnrolAudiencePage: 0, RecordFailure: 0 },
        },
      } as never,
    ).result;
  return { records, launches: memory.launches, run, calls: () => calls, sent };
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

  it('resumes a failed launch at the page that failed, once, and not a running or finished one', async () => {
    let broken = true;
    const m = launchMachine(async (cursor) => {
      if (cursor === 'p2' && broken) throw new Error('throttled');
      if (cursor === 'p2') return { contactIds: ['c3'], cursor: 'p3' };
      if (cursor === 'p3') return { contactIds: ['c4'] };
      return { contactIds: ['c1', 'c2'], cursor: 'p2' };
    });
    await expect(m.run({ ...START, filter: { tag: 'vip' } })).rejects.toThrow(/kept failing/);
    expect(await m.launches.get('ws1', 'launch-1')).toMatchObject({ status: 'failed', queued: 2, resumable: true });

    broken = false;
    const runs: Promise<unknown>[] = [];
    const starter: LaunchStarter = {
      start: async ({ attempt: _a, ...input }) => void runs.push(m.run(launchPayload(input))),
    };
    const deps = { launches: m.launches, starter, now: () => new Date('2026-12-06T11:00:00.000Z') };
    const both = await Promise.allSettled([resumeLaunch(START, deps), resumeLaunch(START, deps)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(runs).toHaveLength(1);
    await Promise.all(runs);
    expect(await m.launches.get('ws1', 'launch-1')).toMatchObject({ status: 'done', queued: 4, resumed: 1 });
    // Pages before the failed one were not read again; the filter went with the resume.
    expect(m.sent.map((msg) => (msg.kind === 'enrol' ? msg.contactId : msg.kind))).toEqual(['c1', 'c2', 'c3', 'c4']);
    await expect(resumeLaunch(START, deps)).rejects.toMatchObject({ code: 'LAUNCH_NOT_FAILED' });
    await expect(resumeLaunch({ ...START, campaignId: 'other' }, deps)).rejects.toMatchObject({
      code: 'LAUNCH_NOT_FOUND',
    });
  });

  it('puts a resume whose execution cannot start back to failed, and refuses one without a resume point', async () => {
    const m = launchMachine(async (cursor) => {
      if (cursor) throw new Error('throttled');
      return { contactIds: ['c1'], cursor: 'p2' };
    });
    await expect(m.run(START)).rejects.toThrow(/kept failing/);
    const deps = {
      launches: m.launches,
      starter: { start: async () => Promise.reject(new Error('StartExecution throttled')) },
      now: () => new Date('2026-12-06T11:00:00.000Z'),
    };
    await expect(resumeLaunch(START, deps)).rejects.toThrow(/StartExecution throttled/);
    expect(await m.launches.get('ws1', 'launch-1')).toMatchObject({
      status: 'failed',
      resumable: true,
      error: 'The resume could not start: StartExecution throttled',
    });

    const malformed = launchMachine(async () => ({ contactIds: [] }));
    await expect(malformed.run({ ...START, pageSize: 0 })).rejects.toThrow(/kept failing/);
    await expect(resumeLaunch(START, { ...deps, launches: malformed.launches })).rejects.toMatchObject({
      code: 'LAUNCH_NOT_RESUMABLE',
    });
  });

  it('reads a launch whose execution ended without recording why as failed, once it has been silent a while', async () => {
    const m = launchMachine(
      async (cursor) => {
        if (cursor) throw new Error('throttled');
        return { contactIds: ['c1', 'c2'], cursor: 'p2' };
      },
      { failureRecordBroken: true },
    );
    // The page keeps failing and so does the failure record: the execution fails, the record says running.
    const ended = await m.run(START).then(
      (): LaunchExecutionOutcome => ({ status: 'succeeded' }),
      (e: Error): LaunchExecutionOutcome => ({ status: 'failed', error: e.name }),
    );
    expect(ended.status).toBe('failed');
    expect(m.records.get('launch-1')).toMatchObject({ status: 'running', queued: 2 });

    const asked: [string, number][] = [];
    let clock = Date.parse('2026-12-06T10:00:00.000Z');
    const deps = {
      launches: m.launches,
      executions: {
        outcome: async (id: string, attempt: number) => {
          asked.push([id, attempt]);
          return ended;
        },
      },
      now: () => new Date(clock),
    };
    // Within the silence allowed to a live launch the record stands, and the service is not asked.
    clock += LAUNCH_SILENCE_MS - 1;
    expect(await readLaunch(START, deps)).toMatchObject({ status: 'running' });
    expect(asked).toEqual([]);
    clock += 1;
    const read = await readLaunch(START, deps);
    expect(read).toMatchObject({ status: 'failed', queued: 2, resumable: false });
    expect(read.error).toMatch(/ended failed .*without recording/);
    expect(asked).toEqual([['launch-1', 0]]);
    // Failed now: read again without asking.
    await readLaunch(START, deps);
    expect(asked).toHaveLength(1);
    await expect(readLaunch({ ...START, campaignId: 'other' }, deps)).rejects.toMatchObject({
      code: 'LAUNCH_NOT_FOUND',
    });
  });

  it('keeps a silent launch running while its execution runs, or when the service cannot say', async () => {
    const m = launchMachine(async () => ({ contactIds: ['c1'], cursor: 'p2' }));
    await m.launches.begin('ws1', 'cmp1', 'launch-1', '2026-12-06T10:00:00.000Z');
    const later = () => new Date(Date.parse('2026-12-06T10:00:00.000Z') + 2 * LAUNCH_SILENCE_MS);
    const running = { outcome: async () => ({ status: 'running' as const }) };
    expect(await readLaunch(START, { launches: m.launches, executions: running, now: later })).toMatchObject({
      status: 'running',
    });
    const throttled = { outcome: async () => Promise.reject(new Error('ThrottlingException')) };
    expect(await readLaunch(START, { launches: m.launches, executions: throttled, now: later })).toMatchObject({
      status: 'running',
    });
    // Never started (StartExecution failed after the record was written): failed, enrol again.
    const missing = { outcome: async () => ({ status: 'missing' as const }) };
    expect(await readLaunch(START, { launches: m.launches, executions: missing, now: later })).toMatchObject({
      status: 'failed',
      resumable: false,
      error: 'The launch execution was never started or no longer exists',
    });
  });
});
