/**
 * SendMessage calls of the records of one queue batch, sent together: a client whose `send`
 * gathers plain `SendMessageCommand`s (same queue, no FIFO fields) into `SendMessageBatch`
 * calls of up to 10 entries, in rounds as `withCoalescedGets` gathers reads
 * (shared/adapters/dynamo/batch.ts): the first message goes after the current tick, messages
 * sent while a round is in flight go together in the next.
 *
 * Each caller keeps the outcome of its own message: it resolves when SQS took that entry and
 * rejects with the entry's error code and message when SQS refused it (the other entries of the
 * call stand); a call that fails as a whole fails each of its entries. A message too big to share
 * a call goes alone, as a SendMessage, so it fails (or not) exactly as it would have. Every other
 * command passes through unchanged.
 *
 * Why: a drip step queues its email and its timer with one call each, and each AWS call costs a
 * request in the cloud and ~1-1.5 ms of CPU locally; ten records of a batch, one call.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sqsBodyBytes } from '../../aws/sqs-message-text';

/** SendMessageBatch's limits: 10 entries, and the sum of the payloads at most 256 KiB. */
export const BATCH_ENTRIES = 10;
export const BATCH_PAYLOAD_BYTES = 256 * 1024;

/** An entry SQS refused inside a SendMessageBatch call. */
export class SqsEntryRefusedError extends Error {
  readonly code: string;
  readonly senderFault: boolean;
  constructor(code: string, message: string, senderFault: boolean) {
    super(`SQS refused the message: ${code}${message ? ` (${message})` : ''}`);
    this.name = 'SqsEntryRefusedError';
    this.code = code;
    this.senderFault = senderFault;
  }
}

type Pending = {
  input: SendMessageCommandInput;
  bytes: number;
  resolve: (value: { MessageId?: string; $metadata: object }) => void;
  reject: (error: unknown) => void;
};

/**
 * What a message counts against a batch's payload limit: its body as SQS receives it (`sqsBodyBytes`:
 * the client's middleware escapes U+FFFE/U+FFFF, six bytes each) and its attributes' names, types
 * and values (also lib/ops/dlq-redrive.ts, for received messages, and sqs-queue-sender.ts).
 */
export function messagePayloadBytes(
  body: string | undefined,
  attributes: Readonly<Record<string, { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }>> = {},
): number {
  let bytes = sqsBodyBytes(body ?? '');
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : (value.BinaryValue?.length ?? 0);
  }
  return bytes;
}

/** What an entry counts against the batch's 256 KiB. */
const payloadBytes = (input: SendMessageCommandInput): number =>
  messagePayloadBytes(input.MessageBody, input.MessageAttributes);

const coalescable = (input: SendMessageCommandInput) =>
  input.MessageGroupId === undefined && input.MessageDeduplicationId === undefined && input.QueueUrl !== undefined;

/** Splits one queue's messages into calls within SendMessageBatch's limits. */
export function intoCalls<T extends { bytes: number }>(members: readonly T[]): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const member of members) {
    if (current.length === BATCH_ENTRIES || (current.length > 0 && bytes + member.bytes > BATCH_PAYLOAD_BYTES)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(member);
    bytes += member.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

export function withCoalescedSends(client: SQSClient): SQSClient {
  const direct = (command: unknown, ...rest: unknown[]) =>
    (client.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  let pending: Pending[] = [];
  let running = false;

  async function sendCall(queueUrl: string, members: Pending[]): Promise<void> {
    const only = members[0];
    if (members.length === 1 && only) {
      // Alone (or too big to share): the plain call, with its own answer and its own error (a
      // client that throws instead of rejecting included: the round goes on).
      await Promise.resolve()
        .then(() => direct(new SendMessageCommand(only.input)) as Promise<{ MessageId?: string; $metadata: object }>)
        .then(only.resolve, only.reject);
      return;
    }
    const entries: SendMessageBatchRequestEntry[] = members.map(({ input }, i) => ({
      Id: String(i),
      MessageBody: input.MessageBody,
      ...(input.DelaySeconds !== undefined ? { DelaySeconds: input.DelaySeconds } : {}),
      ...(input.MessageAttributes ? { MessageAttributes: input.MessageAttributes } : {}),
      ...(input.MessageSystemAttributes ? { MessageSystemAttributes: input.MessageSystemAttributes } : {}),
    }));
    let out: {
      $metadata: object;
      Successful?: Array<{ Id?: string; MessageId?: string }>;
      Failed?: Array<{ Id?: string; Code?: string; Message?: string; SenderFault?: boolean }>;
    };
    try {
      out = (await direct(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))) as typeof out;
    } catch (error) {
      for (const m of members) m.reject(error);
      return;
    }
    const ok = new Map((out.Successful ?? []).map((s) => [s.Id, s]));
    const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
    members.forEach((m, i) => {
      const id = String(i);
      const refusal = failed.get(id);
      const success = ok.get(id);
      if (refusal) {
        m.reject(
          new SqsEntryRefusedError(refusal.Code ?? 'Unknown', refusal.Message ?? '', refusal.SenderFault === true),
        );
      } else if (success) {
        m.resolve({ ...(success.MessageId ? { MessageId: success.MessageId } : {}), $metadata: out.$metadata });
      } else {
        // Neither listed: SQS did not say, so the message is not known to be queued.
        m.reject(new SqsEntryRefusedError('NoAnswer', 'the batch answer did not list this entry', false));
      }
    });
  }

  /** One round: its messages grouped by queue and split into calls; every member settled by its call. */
  async function sendRound(round: Pending[]): Promise<void> {
    const byQueue = new Map<string, Pending[]>();
    for (const p of round) {
      const url = String(p.input.QueueUrl);
      byQueue.set(url, [...(byQueue.get(url) ?? []), p]);
    }
    const calls: Array<Promise<void>> = [];
    for (const [url, members] of byQueue) {
      const fits = members.filter((m) => m.bytes <= BATCH_PAYLOAD_BYTES);
      for (const big of members.filter((m) => m.bytes > BATCH_PAYLOAD_BYTES)) calls.push(sendCall(url, [big]));
      for (const call of intoCalls(fits)) calls.push(sendCall(url, call));
    }
    await Promise.all(calls);
  }

  async function rounds(): Promise<void> {
    await Promise.resolve();
    while (pending.length > 0) {
      const round = pending;
      pending = [];
      // sendCall settles its members and does not reject; should anything else throw, the
      // round's members fail (settling twice is a no-op) and the next round still goes.
      await sendRound(round).catch((error: unknown) => {
        for (const p of round) p.reject(error);
      });
    }
    // Cleared in the same turn as the last check of `pending`: a message queued from here on
    // starts a new round.
    running = false;
  }

  const send = (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    if (command instanceof SendMessageCommand && rest.length === 0 && coalescable(command.input)) {
      const input = command.input;
      return new Promise((resolve, reject) => {
        pending.push({ input, bytes: payloadBytes(input), resolve, reject });
        if (!running) {
          running = true;
          void rounds();
        }
      });
    }
    return direct(command, ...rest);
  };
  return new Proxy(client, {
    get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)),
  });
}
