/**
 * The SQS emulator's write-ahead journal: a message the caller saw accepted, and a delete the
 * caller saw done, survive the process dying before the next snapshot (`kill -9`). Simulated
 * here by reading the data dir as a restart would while the emulator still runs (no stop, so no
 * final snapshot), then by a real restart from that state.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../lib/local/emulators/json-file';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { replayJournals } from '../../lib/local/emulators/sqs-journal';
import { startSqs } from '../../lib/local/emulators/sqs-server';
import type { SqsSnapshot } from '../../lib/local/emulators/sqs-state';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sqs-journal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const start = () =>
  // A snapshot interval far longer than the test: only the journal can carry the changes.
  startSqs({ file: join(dir, 'sqs.json'), host: '127.0.0.1', port: 0, snapshotIntervalMs: 3_600_000, log: () => {} });

describe('SQS write-ahead journal', () => {
  it('keeps every accepted send and delete across a crash before the next snapshot', async () => {
    const first = await start();
    const sqs = new SQSClient(localClientConfig(first.endpoint));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'journaled' }));
    for (let i = 0; i < 5; i += 1) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}`, DelaySeconds: i === 4 ? 2 : 0 }));
    }
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    const deleted = got.Messages?.[0];
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: deleted?.ReceiptHandle }));

    // What a restart after `kill -9` would read: the baseline snapshot (empty) plus the journal.
    const onDisk = await readJsonFile<SqsSnapshot & { journalFrom?: number }>(join(dir, 'sqs.json'));
    const replay = replayJournals(dir, onDisk);
    const bodies = replay.snapshot.queues
      .find((q) => q.QueueName === 'journaled')
      ?.messages.map((m) => String(m.record.Body ?? m.record.MessageBody))
      .sort();
    expect(bodies).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'].filter((b) => b !== deleted?.Body));
    sqs.destroy();

    // A second emulator on the same data dir (the first never wrote its final snapshot).
    const second = await start();
    const again = new SQSClient(localClientConfig(second.endpoint));
    const received: string[] = [];
    const deadline = Date.now() + 10_000;
    while (received.length < 4 && Date.now() < deadline) {
      const out = await again.send(
        new ReceiveMessageCommand({
          QueueUrl: QueueUrl?.replace(first.endpoint, second.endpoint),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      for (const m of out.Messages ?? []) received.push(m.Body as string);
    }
    expect(received.sort()).toEqual(bodies);
    again.destroy();
    await second.stop();
    await first.stop();
  });
});
