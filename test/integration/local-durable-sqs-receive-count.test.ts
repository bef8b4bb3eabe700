// Review round 16: this test failed at 5bc3520.
// Defect: the SQS emulator journaled sends and deletes but not receives: a runtime killed right
// after a receive came back with the message's receive count of the last snapshot (up to 2 s old).
/**
 * A poison message (one whose handling kills the runtime: a native crash, an out-of-memory abort)
 * is received, the runtime dies before the next snapshot, and the restart puts the message back
 * with the receive count it had before that receive. So it is received, and kills the runtime,
 * forever: it never reaches its dead-letter queue, and every restart dies again. In AWS, each
 * receive counts, and after maxReceiveCount receives the message moves to the DLQ.
 *
 * Correct: a receive is journaled (the message's new receive count) before it is answered, so
 * after maxReceiveCount crashes the message is in the DLQ, and the counts seen go 1, 2, 3.
 *
 * The emulator runs in a child process (local-durable-child.ts) with the runtime's 2 s snapshot
 * interval, killed with SIGKILL right after each receive is answered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type Child, startChild } from './local-durable-support';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-durable-sqs-'));
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await c.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const MAX_RECEIVE_COUNT = 3;

/** The emulator in a child process on `dataDir`, and a client for it. */
async function emulator(): Promise<{ child: Child; sqs: SQSClient; url: (name: string) => string }> {
  const child = startChild('sqs', dataDir);
  children.push(child);
  const { endpoint } = (await child.ready) as { endpoint: string };
  const sqs = new SQSClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  return { child, sqs, url: (name) => `${endpoint}/000000000000/${name}` };
}

describe('receive counts of the local SQS emulator across crashes (review 16)', () => {
  it('moves a message that kills the runtime at each receive to its DLQ after maxReceiveCount crashes', async () => {
    // Prepare: a queue with its DLQ, and the poison message.
    const first = await emulator();
    const dlq = await first.sqs.send(new CreateQueueCommand({ QueueName: 'poison-dlq' }));
    const dlqArn = (
      await first.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const queue = await first.sqs.send(
      new CreateQueueCommand({
        QueueName: 'poison',
        Attributes: {
          VisibilityTimeout: '30',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
        },
      }),
    );
    await first.sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: 'poison' }));
    first.sqs.destroy();
    await first.child.kill();

    // Act: each start receives the message and dies at once (before the next 2 s snapshot).
    const counts: string[] = [];
    for (let crash = 0; crash < MAX_RECEIVE_COUNT; crash++) {
      const run = await emulator();
      const out = await run.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: run.url('poison'),
          WaitTimeSeconds: 2,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      counts.push(out.Messages?.[0]?.Attributes?.ApproximateReceiveCount ?? 'not received');
      run.sqs.destroy();
      await run.child.kill();
    }

    // Assess: each crash counted, and the next start finds the message in the DLQ, not the queue.
    expect(counts).toEqual(['1', '2', '3']);
    const last = await emulator();
    const fromQueue = await last.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: last.url('poison'), WaitTimeSeconds: 1 }),
    );
    const fromDlq = await last.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: last.url('poison-dlq'), WaitTimeSeconds: 2 }),
    );
    expect(fromQueue.Messages ?? []).toEqual([]);
    expect(fromDlq.Messages?.map((m) => m.Body)).toEqual(['poison']);
    last.sqs.destroy();
  }, 90_000);
});
