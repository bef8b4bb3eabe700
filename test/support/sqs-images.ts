/**
 * SQS emulators of one test file on data directories under one scratch root, for crash tests: a
 * "kill -9" is the data directory copied as it is (`image`) and an emulator started on the copy
 * (no timing involved). Every emulator started is stopped, and the root removed, after the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';

export function sqsImagesForFile(prefix: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const running: { emulator: SqsEmulator; sqs: SQSClient }[] = [];
  afterAll(async () => {
    for (const r of running) {
      r.sqs.destroy();
      await r.emulator.stop();
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  return {
    /** The scratch root: data directories go under it. */
    root,
    /** An emulator on `dir` (snapshots far apart: what it keeps is in its journal), and a client of it (no retries). */
    async start(dir: string): Promise<SQSClient> {
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
    },
    /** The data directory `dir` copied as it is now, to `name` under the root (the state a kill -9 leaves). */
    imageOf(dir: string, name: string): string {
      const copy = path.join(root, name);
      fs.cpSync(dir, copy, { recursive: true });
      return copy;
    },
  };
}

/** Queue `name` whose messages go to its dead-letter queue `<name>-dlq` after `maxReceiveCount` receives. */
export async function queueWithDlq(
  sqs: SQSClient,
  name: string,
  maxReceiveCount: number,
): Promise<{ queue: string; dlq: string }> {
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl as string;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn;
  const queue = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }) },
      }),
    )
  ).QueueUrl as string;
  return { queue, dlq };
}
