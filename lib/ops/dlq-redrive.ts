/**
 * Moving a declared queue's dead letters back to the queue (`npm run dlq:redrive`). In the cloud
 * SQS's own move task does it (StartMessageMoveTask: server side, at its own pace, original
 * attributes kept); locally, and whenever a bounded count is asked for (the move task has no
 * count), messages are received from the DLQ, sent to the queue with their body and attributes,
 * and deleted from the DLQ only once the send succeeded: a crash between the two leaves a
 * duplicate, never a loss (the consumers are idempotent).
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { type QueueDeclaration, queues } from '../definition';

export class UnknownQueueError extends Error {
  constructor(name: string, options?: ErrorOptions) {
    super(`Unknown queue "${name}". Declared queues: ${queues.map((q) => q.name).join(', ')}`, options);
    this.name = 'UnknownQueueError';
  }
}

/** The declaration of `name`, or an error listing the declared ones. */
export function declaredQueue(name: string): QueueDeclaration {
  const found = queues.find((q) => q.name === name);
  if (!found) throw new UnknownQueueError(name);
  return found;
}

export interface QueuePair {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

/** URLs and ARNs of a queue and its DLQ, by their physical names. */
export async function resolvePair(sqs: SQSClient, queueName: string, dlqName: string): Promise<QueuePair> {
  const one = async (QueueName: string) => {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl as string;
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    return { url, arn: attrs.Attributes?.QueueArn as string };
  };
  const [queue, dlq] = await Promise.all([one(queueName), one(dlqName)]);
  return { queueUrl: queue.url, queueArn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
}

/** Messages a queue holds (visible, in flight, delayed), as SQS approximates them. */
export async function depth(
  sqs: SQSClient,
  url: string,
): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const a =
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      )
    ).Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

export interface MoveResult {
  readonly moved: number;
  /** Received but not sent (they stay in the DLQ and become visible again). */
  readonly failed: number;
}

/**
 * Receive -> send -> delete, ten at a time, until the DLQ answers empty twice or `max` moved.
 * Received messages are hidden for `visibilitySeconds`, so a message is not seen twice in one run.
 */
export async function moveByMessages(
  sqs: SQSClient,
  pair: Pick<QueuePair, 'queueUrl' | 'dlqUrl'>,
  opts: { max?: number; waitSeconds?: number; visibilitySeconds?: number } = {},
): Promise<MoveResult> {
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  let failed = 0;
  let empty = 0;
  while (moved + failed < max && empty < 2) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - moved - failed),
        WaitTimeSeconds: opts.waitSeconds ?? 0,
        VisibilityTimeout: opts.visibilitySeconds ?? 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const batch = received.Messages ?? [];
    if (batch.length === 0) {
      empty += 1;
      continue;
    }
    empty = 0;
    const byId = new Map(batch.map((m, i) => [String(i), m] as const));
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pair.queueUrl,
        Entries: [...byId].map(([Id, m]) => ({
          Id,
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0
            ? { MessageAttributes: m.MessageAttributes }
            : {}),
        })),
      }),
    );
    const ok = (sent.Successful ?? []).map((s) => byId.get(s.Id as string) as Message);
    failed += sent.Failed?.length ?? 0;
    if (ok.length > 0) {
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: pair.dlqUrl,
          Entries: ok.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
      // Sent but not deleted: it is back on the queue and will show up again in the DLQ view;
      // counted as moved (the consumer dedupes the copy).
      if (deleted.Failed?.length)
        process.stderr.write(`${deleted.Failed.length} moved message(s) not deleted from the DLQ\n`);
    }
    moved += ok.length;
  }
  return { moved, failed };
}

/** Whether the SQS endpoint has no message move tasks (emulators). */
export const isUnsupported = (error: unknown): boolean =>
  error instanceof Error &&
  /UnsupportedOperation|InvalidAction|UnknownOperation|not (implemented|supported)/i.test(
    `${error.name} ${error.message}`,
  );

/**
 * Starts SQS's move task from the DLQ to its queue and follows it until it ends (or `timeoutMs`
 * passes: the task goes on server side). Returns the number moved as SQS reports it.
 */
export async function moveByTask(
  sqs: SQSClient,
  pair: Pick<QueuePair, 'queueArn' | 'dlqArn'>,
  opts: { timeoutMs?: number; pollMs?: number; onProgress?: (moved: number, status: string) => void } = {},
): Promise<{ moved: number; status: string; taskHandle: string }> {
  const started = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: pair.dlqArn, DestinationArn: pair.queueArn }),
  );
  const taskHandle = started.TaskHandle as string;
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: pair.dlqArn, MaxResults: 10 }));
    const task = tasks.Results?.find((t) => t.TaskHandle === taskHandle) ?? tasks.Results?.[0];
    const status = task?.Status ?? 'UNKNOWN';
    const moved = Number(task?.ApproximateNumberOfMessagesMoved ?? 0);
    opts.onProgress?.(moved, status);
    if (status !== 'RUNNING' || Date.now() > deadline) return { moved, status, taskHandle };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2_000));
  }
}
