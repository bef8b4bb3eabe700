// Review round 25 (reviewer d): campaign step timers across a restart under another TIME_SCALE.
/**
 * DEFECT (MEDIUM), fails at 679faf6: a step timer past 15 minutes is a one-time schedule whose
 * `at()` is the due time converted to *real* time with the scale of the run that set it
 * (shared/adapters/step-timers.ts `fireAt = Date.now() + delayMs`), and the local Scheduler stand-in
 * fires it on the wall clock (lib/local/scheduler-server.ts `dueAtMs <= Date.now()`). The walkthrough
 * (docs/WALKTHROUGH.md section 8) has the user stop `npm start` and start `TIME_SCALE=3600 npm start`
 * on the same data: every wait set before the restart keeps its real-time instant (a 2-hour wait
 * still fires 2 real hours later, a 2-day wait 2 real days later), while campaign time reaches the
 * due time within seconds. Only the sweep rescues such a step, 2 real minutes (5 campaign days at
 * 3600x) to 7 real minutes after it fell due, so the journey's waits silently become days to weeks
 * of campaign time longer ("A start with another TIME_SCALE carries on from that campaign time at
 * the new scale", docs/CAMPAIGNS.md "The local clock"; README: TIME_SCALE accelerates "waits,
 * schedules and windows").
 * How a user reaches it: enrol contacts in a journey with a wait at scale 1, Ctrl-C, then
 * `TIME_SCALE=3600 npm start` as the walkthrough says.
 * Root cause: the local timer's instant is fixed in real time at set time; neither the stand-in nor
 * the start re-reads it on the campaign clock of the current run.
 *
 * Each run is its own process (config is read once per process, as with `npm start`). The timer is
 * set through the product's adapter (stepTimers over the runtime's SQS and Scheduler endpoints,
 * with the functions' campaign clock), aimed at a probe queue no consumer reads.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r25d-timer-'));

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const imp = (file: string) => JSON.stringify(path.join(ROOT, file));

/** One run of the runtime in a child process; `body` runs with `rt`, `sqs`, `probe` and `clock` in scope. */
async function run(env: Record<string, string | undefined>, body: string): Promise<Record<string, unknown>> {
  const code = `
    const { startRuntime } = await import(${imp('lib/local/runtime.ts')});
    const { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } = await import('@aws-sdk/client-sqs');
    const { SchedulerClient } = await import('@aws-sdk/client-scheduler');
    const { localClientConfig } = await import(${imp('lib/local/emulators/local-aws.ts')});
    const rt = await startRuntime({ port: 0, dataDir: process.env.DATA_DIR, seed: false, emulators: 'in-process',
      pollWaitSeconds: 1, log: (l) => process.stderr.write(l + '\\n') });
    const { campaignClock } = await import(${imp('shared/config.ts')});
    const { stepTimers } = await import(${imp('shared/adapters/step-timers.ts')});
    const clock = campaignClock();
    const sqs = new SQSClient(localClientConfig(rt.endpoints.sqs));
    const probeUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'r25d-probe' }))).QueueUrl;
    const probeArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: probeUrl, AttributeNames: ['QueueArn'] }))).Attributes.QueueArn;
    const timers = stepTimers({
      sqs, queueUrl: probeUrl,
      scheduler: new SchedulerClient(localClientConfig(rt.endpoints.scheduler)),
      target: { group: process.env.STEP_SCHEDULE_GROUP, roleArn: process.env.STEP_SCHEDULER_ROLE_ARN, queueArn: probeArn },
      clock,
    });
    const result = {};
    ${body}
    await rt.stop();
    process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
    process.exit(0);
  `;
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, LOG_LEVEL: 'ERROR', DATA_DIR: dataDir, ...env })) {
    if (v !== undefined) childEnv[k] = v;
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
  await new Promise((resolve) => proc.once('exit', resolve));
  clearTimeout(timer);
  const line = /RESULT (\{.*\})/.exec(out)?.[1];
  if (!line) throw new Error(`the runtime child did not report:\n${out.slice(-3000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('a step timer set at one TIME_SCALE, due after a restart at another (r25d)', () => {
  it('fires when campaign time reaches its due time, not at the real instant the first run computed', async () => {
    // Prepare: at real speed, a 20-hour wait (past SQS's 15 minutes: a one-time schedule); clean stop.
    // 20 campaign hours are 20 real seconds after the restart: room for a slow start on a loaded
    // machine (a 2-hour wait left 2 s, and a start under load overran it).
    const first = await run(
      { TIME_SCALE: undefined, CLOCK_ORIGIN: undefined },
      `
      const dueAt = new Date(clock.now().getTime() + 20 * 3600_000);
      await timers.set({ kind: 'step', workspaceId: 'ws', campaignId: 'c', contactId: 'k', run: 1, step: 1 }, dueAt);
      result.dueAt = dueAt.getTime();
    `,
    );

    // Act: the walkthrough's restart, an hour of campaign time per second; wait up to 45 real
    // seconds (45 campaign hours, over twice the wait) for the timer's message.
    const second = await run(
      { TIME_SCALE: '3600', CLOCK_ORIGIN: undefined },
      `
      result.startedAt = clock.now().getTime();
      const until = Date.now() + 45_000;
      while (Date.now() < until && result.arrivedAt === undefined) {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: probeUrl, WaitTimeSeconds: 1 }));
        if (got.Messages?.length) result.arrivedAt = clock.now().getTime();
      }
      result.endedAt = clock.now().getTime();
    `,
    );

    // Assess
    const dueAt = first.dueAt as number;
    expect(second.startedAt as number, 'the restart carried campaign time on').toBeLessThan(dueAt);
    expect(second.endedAt as number, 'campaign time passed the due time during the wait').toBeGreaterThan(dueAt);
    expect(
      second.arrivedAt,
      `no timer by campaign time ${new Date(second.endedAt as number).toISOString()}, ` +
        `${Math.round(((second.endedAt as number) - dueAt) / 3600_000)} campaign hours past its due time ${new Date(dueAt).toISOString()}`,
    ).toBeDefined();
  }, 180_000);
});
