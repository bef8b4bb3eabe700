// Review round 25 (fixer d): the local Scheduler stand-in reads at() times on the campaign clock.
/**
 * A schedule's `at()` is a campaign time (shared/adapters/step-timers.ts sets the due time as it
 * is). The stand-in given the runtime's campaign clock fires it when campaign time reaches it: a
 * schedule two campaign hours ahead fires within seconds at TIME_SCALE=3600, and one stored by an
 * earlier run (another scale) fires at its campaign time under the clock of the run that restarts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';
import {
  LOCAL_SCHEDULER_ROLE_ARN,
  type LocalSchedulerServer,
  startSchedulerServer,
} from '../../lib/local/scheduler-server';
import { atExpression } from '../../shared/adapters/step-timers';
import { type Clock, scaledClock } from '../../shared/clock';

const GROUP = 'unite-hub-local-campaign-steps';
const HOUR = 3_600_000;

describe('the local Scheduler stand-in on a scaled campaign clock (r25d fix)', () => {
  let dataDir: string;
  let sqsEmulator: SqsEmulator;
  let sqs: SQSClient;
  let queue: { url: string; arn: string };
  let server: LocalSchedulerServer | undefined;

  const start = async (clock: Clock) => {
    await server?.stop();
    server = await startSchedulerServer({
      dataDir,
      sqs,
      queueUrls: { [queue.arn]: queue.url },
      groups: [GROUP],
      clock,
      log: () => undefined,
    });
    return new SchedulerClient(localClientConfig(server.endpoint));
  };
  const create = (name: string, at: Date) =>
    new CreateScheduleCommand({
      Name: name,
      GroupName: GROUP,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: queue.arn, RoleArn: LOCAL_SCHEDULER_ROLE_ARN, Input: JSON.stringify({ name }) },
    });
  const receive = async (seconds: number) => {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }));
      if (out.Messages?.length) return out.Messages[0]?.Body;
    }
    return undefined;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'r25d-fix-sched-'));
    sqsEmulator = await startSqs({
      file: path.join(dataDir, 'sqs.json'),
      host: '127.0.0.1',
      port: 0,
      snapshotIntervalMs: 60_000,
      log: () => undefined,
    });
    sqs = new SQSClient(localClientConfig(sqsEmulator.endpoint));
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'r25d-fix-steps' }))).QueueUrl as string;
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    queue = { url, arn: attrs.Attributes?.QueueArn as string };
  });

  afterAll(async () => {
    await server?.stop();
    sqs?.destroy();
    await sqsEmulator?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires a schedule two campaign hours ahead within seconds at 3600x, not two real hours later', async () => {
    // Prepare
    const clock = scaledClock(3600, { realMs: Date.now(), clockMs: Date.now() });
    const client = await start(clock);
    const dueAt = new Date(clock.now().getTime() + 2 * HOUR);
    // Act
    await client.send(create('two-hours', dueAt));
    const body = await receive(8);
    // Assess
    expect(body).toBe(JSON.stringify({ name: 'two-hours' }));
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Math.floor(dueAt.getTime() / 1000) * 1000);
    client.destroy();
  }, 20_000);

  it('fires a schedule stored at real speed when the faster run that restarts reaches its campaign time', async () => {
    // Prepare: set at scale 1, due 2 campaign hours ahead; the stand-in stops before it is due.
    const originMs = Date.now();
    const slow = await start(scaledClock(1, { realMs: originMs, clockMs: originMs }));
    const dueAt = new Date(originMs + 2 * HOUR);
    await slow.send(create('across-restart', dueAt));
    slow.destroy();
    // Act: a restart at 3600x, carrying campaign time on from where the first run was.
    const fast = scaledClock(3600, { realMs: Date.now(), clockMs: Date.now() });
    const client = await start(fast);
    const early = await receive(1);
    const body = early ?? (await receive(8));
    // Assess: not before campaign time reached it (the first second is under 1 campaign hour), then within seconds.
    expect(early).toBeUndefined();
    expect(body).toBe(JSON.stringify({ name: 'across-restart' }));
    client.destroy();
  }, 30_000);
});
