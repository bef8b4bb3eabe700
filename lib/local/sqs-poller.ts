/**
 * The local stand-in for a Lambda SQS event source mapping: long-polls a queue, invokes
 * the consumer with a real SQS batch event and deletes only the records that succeeded
 * (`batchItemFailures`, as with `ReportBatchItemFailures`). Failed records stay on the
 * queue, reappear after the visibility timeout, and the queue's redrive policy moves
 * them to the dead-letter queue after maxReceiveCount receives.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionName } from '../definition';
import type { FunctionHost } from './function-host';
import { LOCAL_REGION } from './lambda-context';

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  consumer: FunctionName;
  batchSize: number;
  functions: FunctionHost;
  log: (line: string) => void;
  /** Long-poll wait in seconds; stop() aborts a poll in flight, so it need not be short. */
  waitSeconds?: number;
  /**
   * Batches in flight at once (the event source's `maxConcurrency`; default 1). Lambda runs
   * concurrent batches on separate instances; here they share the process, each with its own
   * receive loop, as the event source's pollers do.
   */
  concurrency?: number;
}

/** How long `stop()` waits for batches already handed to the consumer, by default. */
export const DRAIN_MS = 5000;

export interface SqsPoller {
  /**
   * Stops receiving at once (a long poll in flight is aborted, not waited out) and waits up to
   * `drainMs` for batches the consumer is still working on. A batch that takes longer is left
   * running; its messages were not deleted, so they are received again after their visibility
   * timeout (at least once, as with Lambda).
   */
  stop(drainMs?: number): Promise<void>;
}

export function startSqsPoller(opts: PollerOptions): SqsPoller {
  let running = true;
  const aborter = new AbortController();
  const poll = async () => {
    while (running) {
      try {
        const out = await opts.client.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: Math.min(opts.batchSize, 10),
            WaitTimeSeconds: opts.waitSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: aborter.signal },
        );
        // Received before the stop: delivered and drained, never dropped on the floor.
        if (out.Messages && out.Messages.length > 0) await deliver(opts, out.Messages);
      } catch (error) {
        if (!running) break;
        opts.log(`[sqs] polling ${opts.queueArn} failed: ${(error as Error).message}`);
        await sleep(1000, aborter.signal);
      }
    }
  };
  const loops = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, poll);
  return {
    stop: async (drainMs = DRAIN_MS) => {
      running = false;
      aborter.abort();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all(loops).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), drainMs);
        }),
      ]);
      clearTimeout(timer);
      if (!drained) {
        opts.log(`[sqs] ${opts.consumer}: a batch still running after ${drainMs} ms is left; its messages come back`);
      }
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

async function deliver(opts: PollerOptions, messages: Message[]): Promise<void> {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, opts.queueArn)) };
  let failed: Set<string>;
  try {
    const response = (await opts.functions.invoke(opts.consumer, event)) as SQSBatchResponse | undefined;
    failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    // A thrown handler fails the whole batch, exactly as the Lambda event source does.
    opts.log(`[sqs] ${opts.consumer} failed a batch of ${messages.length}: ${(error as Error).message}`);
    return;
  }
  const done = messages.filter((m) => !failed.has(m.MessageId as string));
  if (failed.size > 0) opts.log(`[sqs] ${opts.consumer}: ${failed.size} of ${messages.length} records will be retried`);
  if (done.length === 0) return;
  await opts.client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: opts.queueUrl,
      Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
    }),
  );
}

function toRecord(m: Message, queueArn: string): SQSRecord {
  const attrs = m.Attributes ?? {};
  return {
    messageId: m.MessageId as string,
    receiptHandle: m.ReceiptHandle as string,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        { stringValue: v.StringValue, binaryValue: v.BinaryValue?.toString(), dataType: v.DataType ?? 'String' },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}
