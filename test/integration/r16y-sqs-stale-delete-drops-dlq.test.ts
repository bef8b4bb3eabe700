// Review round 16: this test failed at 8e2e45f.
/**
 * Defect: a DeleteMessage with a stale receipt handle (the message's visibility ran out at
 * maxReceiveCount and the emulator moved it to the DLQ; the slow consumer then deletes with the
 * handle it holds) deletes nothing, yet it is journaled as a delete of the MessageId, and replay
 * drops that id from EVERY queue: after a kill before the next snapshot the dead-lettered message
 * is gone from the DLQ (a message lost; exactly the one an operator needs to inspect/redrive).
 * Severity: MEDIUM (data loss of a DLQ message after a crash; a slow handler on its last receive).
 * Root cause: lib/local/emulators/sqs-state.ts:SqsStateTracker.track (the `delete` wrapper reports
 * `removed(id)` whatever the package did) together with lib/local/emulators/sqs-journal.ts
 * replayJournals (`drop` removes the id from all queues, not from the queue it was deleted from).
 * Correct: only a delete that removed a message is journaled, and replay drops it from its queue
 * only; the DLQ copy survives the crash.
 *
 * The crash is taken as an image: the data directory (snapshot + journals) is copied right after
 * the delete is answered, and a second emulator starts on the copy (no timing involved).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'r16y-sqs-stale-'));
const running: { emulator: SqsEmulator; sqs: SQSClient }[] = [];
afterAll(async () => {
  for (const r of running) {
    r.sqs.destroy();
    await r.emulator.stop();
  }
  fs.rmSync(root, { recursive: true, force: true });
});

async function start(dir: string) {
  const emulator = await startSqs({
    file: path.join(dir, 'sqs.json'),
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs: 600_000,
    log: () => undefined,
  });
  const sqs = new SQSClient({ ...localClientConfig(emulator.endpoint), maxAttempts: 1 });
  running.push({ emulator, sqs });
  return sqs;
}

const visibleIn = async (sqs: SQSClient, url: string) =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] })))
      .Attributes?.ApproximateNumberOfMessages,
  );

describe('a stale-handle delete and the DLQ across a crash (review 16)', () => {
  it('keeps the dead-lettered message in the DLQ after a kill', async () => {
    const live = path.join(root, 'live');
    const sqs = await start(live);
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'stale-dlq' }))).QueueUrl as string;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn;
    const queue = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'stale',
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
        }),
      )
    ).QueueUrl as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'slow work' }));
    // The last allowed receive; the handler outlives the visibility timeout, the message is dead-lettered.
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue, VisibilityTimeout: 1 }));
    const handle = got.Messages?.[0]?.ReceiptHandle as string;
    expect(handle).toBeTruthy();
    await vi.waitFor(async () => expect(await visibleIn(sqs, dlq)).toBe(1), { timeout: 10_000, interval: 100 });
    // The slow handler finishes and deletes with the handle it holds: nothing is deleted.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue, ReceiptHandle: handle }));
    expect(await visibleIn(sqs, dlq)).toBe(1);

    // kill -9 now: the data directory as it is, started again.
    const image = path.join(root, 'image');
    fs.cpSync(live, image, { recursive: true });
    const again = await start(image);
    expect(await visibleIn(again, dlq), 'the dead-lettered message vanished from the DLQ after the restart').toBe(1);
  }, 30_000);
});
