/**
 * The local stand-in for a Lambda SQS event source mapping: long-polls a queue, invokes
 * the consumer with a real SQS batch event and deletes only the records that succeeded
 * (`batchItemFailures`, as with `ReportBatchItemFailures`). Failed records stay on the
 * queue, reappear after the visibility timeout, and the queue's redrive policy moves
 * them to the dead-letter queue after maxReceiveCount receives.
 */
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
  /** Long-poll wait; short so that stop() returns quickly. */
  waitSeconds?: number;
  /**
   * Batches in flight at once (the event source's `maxConcurrency`; default 1). Lambda runs
   * concurrent batches on separate instances; here they share the process, each with its own
   * receive loop, as the event source's pollers do.
   */
  concurrency?: number;
}

export function startSqsPoller(opts: PollerOptions): { stop: () => Promise<void> } {
  let running = true;
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
        );
        if (out.Messages && out.Messages.length > 0) await deliver(opts, out.Messages);
      } catch (error) {
        if (!running) break;
        opts.log(`[sqs] polling ${opts.queueArn} failed: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  const loops = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, poll);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

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
