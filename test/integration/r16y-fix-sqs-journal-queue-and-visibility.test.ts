// Review round 16: this test failed at 8e2e45f (a delete was journaled by MessageId alone, whether
// or not it removed anything, and replay dropped the id from every queue; a ChangeMessageVisibility
// raised ApproximateReceiveCount and was journaled as a receive, so the inflated count survived a kill).
// Replay drops a delete from its own queue only (an entry without a queue keeps the old reading),
// and visibility changes (single and batch) neither count nor journal a receive: after a kill the
// next receive reports the true count and first-receive time, and nothing is dead-lettered early.
import fs from 'node:fs';
import path from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { replayJournals } from '../../lib/local/emulators/sqs-journal';
import type { SavedMessage, SqsSnapshot } from '../../lib/local/emulators/sqs-state';
import { queueWithDlq, sqsImagesForFile } from '../support/sqs-images';

const { root, start, imageOf } = sqsImagesForFile('r16y-fix-sqs-');

const message = (id: string): SavedMessage => ({
  record: { MessageId: id, ReceiptHandle: '', attributes: { SentTimestamp: String(Date.now()) } },
  inFlight: false,
  delayedUntil: 0,
});

function replayOf(name: string, lines: object[]) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'sqs.journal.1.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const snapshot: SqsSnapshot & { journalFrom: number } = {
    version: 1,
    journalFrom: 1,
    queues: [
      { QueueName: 'src', Attributes: {}, tags: {}, messages: [message('a'), message('b')] },
      { QueueName: 'dlq', Attributes: {}, tags: {}, messages: [message('m')] },
    ],
  };
  const ids = (queue: string) =>
    replayJournals(dir, snapshot)
      .snapshot.queues.find((q) => q.QueueName === queue)
      ?.messages.map((m) => m.record.MessageId);
  return { src: ids('src'), dlq: ids('dlq') };
}

describe('SQS journal: deletes by queue (review 16)', () => {
  it('drops a delete from the queue it names only', () => {
    expect(
      replayOf('by-queue', [
        { x: 'm', q: 'src' },
        { x: 'a', q: 'src' },
      ]),
    ).toEqual({ src: ['b'], dlq: ['m'] });
  });

  it('reads an entry written without a queue as before: the id leaves every queue', () => {
    expect(replayOf('legacy', [{ x: 'm' }, { x: 'a' }])).toEqual({ src: ['b'], dlq: [] });
  });
});

describe('SQS visibility changes across a kill (review 16)', () => {
  it('restores the true receive count, not one raised by each visibility change', async () => {
    const live = path.join(root, 'cv');
    const sqs = await start(live);
    const { queue, dlq } = await queueWithDlq(sqs, 'cv', 3);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'work' }));
    const first = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'],
      }),
    );
    const handle = first.Messages?.[0]?.ReceiptHandle as string;
    const firstReceive = first.Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp;
    // Heartbeats: single and batch.
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queue, ReceiptHandle: handle, VisibilityTimeout: 60 }),
    );
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue,
        Entries: [{ Id: '1', ReceiptHandle: handle, VisibilityTimeout: 90 }],
      }),
    );
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queue, ReceiptHandle: handle, VisibilityTimeout: 120 }),
    );

    // kill -9 now: the journal holds the send and the one receive.
    const image = imageOf(live, 'cv-image');
    const again = await start(image);
    const second = await again.send(
      new ReceiveMessageCommand({
        QueueUrl: queue,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'],
      }),
    );
    const inDlq = await again.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 0 }));
    expect({
      counts: second.Messages?.map((m) => m.Attributes?.ApproximateReceiveCount),
      firstReceive: second.Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp,
      inDlq: inDlq.Messages?.length ?? 0,
    }).toEqual({ counts: ['2'], firstReceive, inDlq: 0 });
  }, 30_000);
});
