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
import path from 'node:path';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import { queueWithDlq, sqsImagesForFile } from '../support/sqs-images';

const { root, start, imageOf } = sqsImagesForFile('r16y-sqs-stale-');

const visibleIn = async (sqs: SQSClient, url: string) =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] })))
      .Attributes?.ApproximateNumberOfMessages,
  );

describe('a stale-handle delete and the DLQ across a crash (review 16)', () => {
  it('keeps the dead-lettered message in the DLQ after a kill', async () => {
    const live = path.join(root, 'live');
    const sqs = await start(live);
    const { queue, dlq } = await queueWithDlq(sqs, 'stale', 1);
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
    const image = imageOf(live, 'image');
    const again = await start(image);
    expect(await visibleIn(again, dlq), 'the dead-lettered message vanished from the DLQ after the restart').toBe(1);
  }, 30_000);
});
