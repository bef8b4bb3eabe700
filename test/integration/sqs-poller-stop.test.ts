/**
 * Stopping the local event source (what Ctrl-C of `npm start` waits for): a long poll in flight
 * is aborted rather than waited out, a batch the consumer is working on is finished and deleted
 * first, and a batch that never finishes holds the stop only for the drain bound.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type GetQueueAttributesCommandOutput,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, localClientConfig, startEmulators } from '../../lib/local/emulators';
import type { FunctionHost } from '../../lib/local/function-host';
import { startSqsPoller } from '../../lib/local/sqs-poller';

let dataDir: string;
let emulators: Emulators;
let sqs: SQSClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'poller-stop-'));
  emulators = await startEmulators({ dataDir });
  sqs = new SQSClient(localClientConfig(emulators.sqs.endpoint));
});

afterAll(async () => {
  sqs?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const newQueue = async (visibilitySeconds = 30) =>
  (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `stop-${randomUUID().slice(0, 8)}`,
        Attributes: { VisibilityTimeout: String(visibilitySeconds) },
      }),
    )
  ).QueueUrl as string;

/** Messages still on the queue, visible or received and not yet deleted. */
const messagesIn = async (QueueUrl: string) => {
  const out: GetQueueAttributesCommandOutput = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    received: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
};

const until = async (done: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const poller = (queueUrl: string, invoke: () => Promise<unknown>, log: (line: string) => void = () => {}) =>
  startSqsPoller({
    client: sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:stop',
    consumer: 'email-sender',
    batchSize: 10,
    concurrency: 2,
    functions: { invoke } as unknown as FunctionHost,
    log,
    // As long as SQS allows: a stop that waited out the poll would take 20 s.
    waitSeconds: 20,
  });

describe('stopping the local event source', () => {
  it('aborts the long polls in flight instead of waiting them out', async () => {
    const idle = poller(await newQueue(), async () => ({ batchItemFailures: [] }));
    await new Promise((r) => setTimeout(r, 300)); // both receive loops are inside their long poll

    const started = Date.now();
    await idle.stop();

    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('finishes and deletes a batch the consumer is working on before it returns', async () => {
    const queueUrl = await newQueue();
    let running = 0;
    let finished = 0;
    const busy = poller(queueUrl, async () => {
      running += 1;
      await new Promise((r) => setTimeout(r, 500));
      finished += 1;
      return { batchItemFailures: [] };
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"n":1}' }));
    await until(() => running === 1);

    await busy.stop();

    expect(finished).toBe(1);
    expect(await messagesIn(queueUrl)).toEqual({ visible: 0, received: 0 });
  });

  it('waits for a batch that never finishes only up to the drain bound, and says so', async () => {
    const queueUrl = await newQueue(1);
    const lines: string[] = [];
    let running = 0;
    const stuck = poller(
      queueUrl,
      () => {
        running += 1;
        return new Promise(() => {});
      },
      (line) => lines.push(line),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"n":1}' }));
    await until(() => running === 1);

    const started = Date.now();
    await stuck.stop(300);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines).toEqual([expect.stringContaining('still running after 300 ms')]);
    // Not deleted: it comes back after its visibility timeout.
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    expect(again.Messages?.map((m) => m.Body)).toEqual(['{"n":1}']);
  });
});
