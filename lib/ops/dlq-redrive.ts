/**
 * Moving a declared queue's dead letters back to the queue (`npm run dlq:redrive`). In the cloud
 * SQS's own move task does it (StartMessageMoveTask: server side, at its own pace, original
 * attributes kept); locally, and whenever a bounded count is asked for (the move task has no
 * count), messages are received from the DLQ, sent to the queue with their body and attributes,
 * and deleted from the DLQ only once the send succeeded: a crash between the two leaves a
 * duplicate, never a loss (the consumers are idempotent). Each received batch goes back in calls
 * within SendMessageBatch's payload limit, and only the entries SQS took are deleted; entries it
 * refused on its side are sent again, alone (see `moveCall`).
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
import { intoCalls, messagePayloadBytes } from '../../shared/adapters/sqs/coalesced-sends';
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

/** Tries of an entry a SendMessageBatch refused on SQS's side (`SenderFault` false): the first and 2 more. */
const ENTRY_ATTEMPTS = 3;

/** What a received message counts against SendMessageBatch's payload limit. */
const payloadBytes = (m: Message): number => messagePayloadBytes(m.Body, m.MessageAttributes);

/** A refusal SQS answered (4xx): the call sent nothing. Anything else (no answer, 5xx) may have. */
const refusedByService = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
};

/**
 * Sends one call's messages to the queue, then deletes from the DLQ exactly those SQS took.
 * Entries refused on SQS's side are sent again (only they: what was taken is never sent twice),
 * up to {@link ENTRY_ATTEMPTS} tries; entries refused as the sender's fault, or not answered for,
 * are left in the DLQ, never deleted. A call SQS refuses as a whole (4xx) sent nothing: its
 * messages are left too. A call with no answer (a network failure, a 5xx after the SDK's retries)
 * throws: it may have been taken, so it is neither sent again nor deleted (a later run moves it
 * again: a duplicate at worst, which the consumers absorb, never a loss).
 */
async function moveCall(
  sqs: SQSClient,
  pair: Pick<QueuePair, 'queueUrl' | 'dlqUrl'>,
  messages: readonly Message[],
): Promise<MoveResult> {
  let pending = [...messages];
  const sent: Message[] = [];
  for (let attempt = 1; pending.length > 0 && attempt <= ENTRY_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    const byId = new Map(pending.map((m, i) => [String(i), m] as const));
    let answer: Awaited<ReturnType<typeof sendBatch>>;
    try {
      answer = await sendBatch(sqs, pair.queueUrl, byId);
    } catch (error) {
      if (!refusedByService(error)) {
        await deleteSent(sqs, pair.dlqUrl, sent);
        throw error;
      }
      process.stderr.write(
        `${pending.length} message(s) not moved: ${(error as Error).name}: ${(error as Error).message}\n`,
      );
      break;
    }
    for (const s of answer.Successful ?? []) {
      const m = byId.get(s.Id as string);
      if (m) sent.push(m);
    }
    const retry = (answer.Failed ?? []).filter((f) => f.SenderFault !== true);
    for (const f of answer.Failed ?? []) {
      if (f.SenderFault === true || attempt === ENTRY_ATTEMPTS)
        process.stderr.write(`a message was not moved: ${f.Code ?? 'Unknown'} ${f.Message ?? ''}\n`);
    }
    // Only the entries SQS said it refused go again; one it answered nothing for may be queued.
    pending = retry.map((f) => byId.get(f.Id as string)).filter((m): m is Message => m !== undefined);
  }
  await deleteSent(sqs, pair.dlqUrl, sent);
  return { moved: sent.length, failed: messages.length - sent.length };
}

function sendBatch(sqs: SQSClient, queueUrl: string, byId: ReadonlyMap<string, Message>) {
  return sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: [...byId].map(([Id, m]) => ({
        Id,
        MessageBody: m.Body ?? '',
        ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0
          ? { MessageAttributes: m.MessageAttributes }
          : {}),
      })),
    }),
  );
}

/** Deletes moved messages from the DLQ (ten a call). */
async function deleteSent(sqs: SQSClient, dlqUrl: string, sent: readonly Message[]): Promise<void> {
  for (let i = 0; i < sent.length; i += 10) {
    const chunk = sent.slice(i, i + 10);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
    // Sent but not deleted: it is back on the queue and will show up again in the DLQ view;
    // counted as moved (the consumer dedupes the copy).
    if (deleted.Failed?.length)
      process.stderr.write(`${deleted.Failed.length} moved message(s) not deleted from the DLQ\n`);
  }
}

/**
 * Receive -> send -> delete, ten at a time, until the DLQ answers empty twice or `max` moved.
 * Received messages are hidden for `visibilitySeconds`, so a message is not seen twice in one run.
 * A received batch is sent in calls within SendMessageBatch's payload limit (`intoCalls`: ten
 * small messages in one call, a large one alone): ten messages of up to 1 MiB each could not go
 * in one call (BatchRequestTooLong), and every run stopped at them.
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
    for (const call of intoCalls(batch.map((message) => ({ message, bytes: payloadBytes(message) })))) {
      const out = await moveCall(
        sqs,
        pair,
        call.map((c) => c.message),
      );
      moved += out.moved;
      failed += out.failed;
    }
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
