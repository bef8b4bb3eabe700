/**
 * The local EventBridge Scheduler stand-in against the real `@aws-sdk/client-scheduler`, with
 * the SQS emulator as the target: a one-time schedule delivers its Input to the queue when due
 * (and not before), a deleted one never does, names conflict as in the service, schedules
 * survive a restart of the stand-in (one due while it was down fires at the next start), and a
 * failed delivery is retried until it goes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';
import {
  LOCAL_SCHEDULER_ROLE_ARN,
  type LocalSchedulerServer,
  localScheduleArn,
  startSchedulerServer,
} from '../../lib/local/scheduler-server';
import { atExpression } from '../../shared/adapters/step-timers';

const GROUP = 'unite-hub-local-campaign-steps';

describe('local EventBridge Scheduler with the real SDK clients', () => {
  const run = Date.now().toString(36);
  let dataDir: string;
  let sqsEmulator: SqsEmulator;
  let sqs: SQSClient;
  let queue: { url: string; arn: string };
  let server: LocalSchedulerServer;
  let client: SchedulerClient;
  const logs: string[] = [];

  const start = async () => {
    server = await startSchedulerServer({
      dataDir,
      sqs,
      queueUrls: { [queue.arn]: queue.url },
      groups: [GROUP],
      log: (line) => logs.push(line),
    });
    client?.destroy();
    client = new SchedulerClient(localClientConfig(server.endpoint));
  };

  const createQueue = async (name: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    return { url, arn: attributes.Attributes?.QueueArn as string };
  };

  /** A step-timer-like schedule due `inMs` from now on the test queue. */
  const schedule = (name: string, inMs: number, extra: Partial<CreateScheduleCommandInput> = {}) =>
    new CreateScheduleCommand({
      Name: `${name}-${run}`,
      GroupName: GROUP,
      ScheduleExpression: atExpression(new Date(Date.now() + inMs)),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: queue.arn, RoleArn: LOCAL_SCHEDULER_ROLE_ARN, Input: JSON.stringify({ step: name, run }) },
      ...extra,
    });

  /** Bodies received from `url` within `seconds` (long polls until at least `count` arrived). */
  const receive = async (url: string, seconds: number, count = 1): Promise<Array<{ body: string; at: number }>> => {
    const got: Array<{ body: string; at: number }> = [];
    const until = Date.now() + seconds * 1000;
    while (got.length < count && Date.now() < until) {
      const wait = Math.max(0, Math.min(20, Math.ceil((until - Date.now()) / 1000)));
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: wait, MaxNumberOfMessages: 10 }),
      );
      for (const m of out.Messages ?? []) got.push({ body: m.Body as string, at: Date.now() });
    }
    return got;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scheduler-int-'));
    sqsEmulator = await startSqs({
      file: path.join(dataDir, 'sqs.json'),
      host: '127.0.0.1',
      port: 0,
      snapshotIntervalMs: 60_000,
      log: () => undefined,
    });
    sqs = new SQSClient(localClientConfig(sqsEmulator.endpoint));
    queue = await createQueue(`drip-steps-${run}`);
    await start();
  });

  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    sqs?.destroy();
    await sqsEmulator?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the Input to the queue when the schedule is due, not before, then deletes it (DELETE)', async () => {
    // Prepare: `at()` is to the second, so the due instant is the expression's.
    const command = schedule('fires', 1500);
    const dueAt = Date.parse(`${(command.input.ScheduleExpression as string).slice(3, -1)}Z`);
    // Act
    const created = await client.send(command);
    const stored = await client.send(new GetScheduleCommand({ Name: `fires-${run}`, GroupName: GROUP }));
    const messages = await receive(queue.url, 6);
    // Assess
    expect(created.ScheduleArn).toBe(localScheduleArn(GROUP, `fires-${run}`));
    expect(stored).toMatchObject({
      Name: `fires-${run}`,
      GroupName: GROUP,
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: queue.arn, RoleArn: LOCAL_SCHEDULER_ROLE_ARN },
    });
    expect(stored.CreationDate).toBeInstanceOf(Date);
    expect(messages.map((m) => JSON.parse(m.body))).toEqual([{ step: 'fires', run }]);
    expect(messages[0]?.at).toBeGreaterThanOrEqual(dueAt);
    await expect(
      client.send(new GetScheduleCommand({ Name: `fires-${run}`, GroupName: GROUP })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('never fires a schedule deleted before it was due', async () => {
    // Prepare
    await client.send(schedule('cancelled', 1500));
    // Act
    await client.send(new DeleteScheduleCommand({ Name: `cancelled-${run}`, GroupName: GROUP }));
    const messages = await receive(queue.url, 3.5);
    // Assess
    expect(messages).toEqual([]);
    expect(server.pendingDeliveries()).toBe(0);
  });

  it('refuses a second schedule of the same name (ConflictException), and answers a retried create with its own', async () => {
    // Prepare
    const first = schedule('twice', 3_600_000, { ClientToken: `token-${run}` });
    await client.send(first);
    // Act
    const retried = await client.send(schedule('twice', 3_600_000, { ClientToken: `token-${run}` }));
    const again = client.send(schedule('twice', 3_600_000));
    // Assess
    expect(retried.ScheduleArn).toBe(localScheduleArn(GROUP, `twice-${run}`));
    await expect(again).rejects.toBeInstanceOf(ConflictException);
    await expect(again).rejects.toThrow(`Schedule twice-${run} already exists.`);
  });

  it('refuses recurring expressions, bad dates, unknown groups and non-queue targets as the SDK expects', async () => {
    await expect(client.send(schedule('rate', 0, { ScheduleExpression: 'rate(5 minutes)' }))).rejects.toThrow(
      /not supported by the local EventBridge Scheduler/,
    );
    await expect(client.send(schedule('cron', 0, { ScheduleExpression: 'cron(0 9 * * ? *)' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(
      client.send(schedule('feb', 0, { ScheduleExpression: 'at(2030-02-31T10:00:00)' })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(schedule('nogroup', 0, { GroupName: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      client.send(
        schedule('lambda', 0, {
          Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:x', RoleArn: LOCAL_SCHEDULER_ROLE_ARN },
        }),
      ),
    ).rejects.toThrow(/SQS queues only/);
    await expect(
      client.send(new DeleteScheduleCommand({ Name: `nothing-${run}`, GroupName: GROUP })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('reads at() in the given time zone', async () => {
    // Act: 12:00 in Paris in January is 11:00 UTC; far ahead, so it stays put.
    await client.send(
      schedule('paris', 0, {
        ScheduleExpression: 'at(2099-01-15T12:00:00)',
        ScheduleExpressionTimezone: 'Europe/Paris',
      }),
    );
    // Assess
    const stored = server.schedules().find((s) => s.Name === `paris-${run}`);
    expect(stored?.dueAtMs).toBe(Date.UTC(2099, 0, 15, 11, 0, 0));
  });

  it('lists schedules by group and prefix, in pages', async () => {
    // Prepare
    for (const i of [1, 2, 3]) await client.send(schedule(`page${i}`, 3_600_000));
    // Act
    const first = await client.send(new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: 'page', MaxResults: 2 }));
    const second = await client.send(
      new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: 'page', MaxResults: 2, NextToken: first.NextToken }),
    );
    // Assess
    expect(first.Schedules?.map((s) => s.Name)).toEqual([`page1-${run}`, `page2-${run}`]);
    expect(second.Schedules?.map((s) => s.Name)).toEqual([`page3-${run}`]);
    expect(second.NextToken).toBeUndefined();
    expect(first.Schedules?.[0]).toMatchObject({ GroupName: GROUP, State: 'ENABLED', Target: { Arn: queue.arn } });
  });

  it('keeps schedules across a restart and fires one that came due while it was down', async () => {
    // Prepare: one due in ~1.5 s (ActionAfterCompletion NONE: it stays, completed), one in an hour.
    await client.send(schedule('restart', 1500, { ActionAfterCompletion: 'NONE' }));
    // Act: stopped before it is due, started after.
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await start();
    const messages = await receive(queue.url, 5);
    // Assess
    expect(messages.map((m) => JSON.parse(m.body))).toEqual([{ step: 'restart', run }]);
    const kept = await client.send(new GetScheduleCommand({ Name: `restart-${run}`, GroupName: GROUP }));
    expect(kept.ActionAfterCompletion).toBe('NONE');
    expect(server.schedules().map((s) => s.Name)).toEqual(expect.arrayContaining([`twice-${run}`, `paris-${run}`]));
    // A completed NONE schedule does not fire again on the next start.
    await server.stop();
    await start();
    expect(await receive(queue.url, 2)).toEqual([]);
  });

  it('retries a failed delivery with backoff, logged, until the queue can take it', async () => {
    // Prepare: a target queue that does not exist yet.
    const late = `late-${run}`;
    const arn = queue.arn.replace(/[^:]+$/, late);
    await client.send(
      schedule('retry', 0, { Target: { Arn: arn, RoleArn: LOCAL_SCHEDULER_ROLE_ARN, Input: '{"late":true}' } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Act
    const created = await createQueue(late);
    const messages = await receive(created.url, 10);
    // Assess
    expect(logs.some((l) => l.includes(`retry-${run}`) && l.includes('failed (attempt 1'))).toBe(true);
    expect(messages.map((m) => m.body)).toEqual(['{"late":true}']);
    expect(server.pendingDeliveries()).toBe(0);
  });
});
