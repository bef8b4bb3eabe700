/**
 * Small corrections that make local-aws-sqs behave like SQS for the calls the app makes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Queue } from 'local-aws-sqs/dist/lib/queue';
import type { SqsService } from 'local-aws-sqs/dist/lib/sqsService';
import { SQS_ALLOWED_CHARACTERS, sqsRefusedCodePoint } from '../../../shared/aws/sqs-message-text';

/** Calls `onQueue` for every existing queue and, synchronously, for every queue created later. */
export function watchQueues(service: SqsService, onQueue: (queue: Queue) => void): void {
  for (const queue of service.Queues) onQueue(queue);
  const queues = service.Queues;
  const push = queues.push;
  queues.push = (...added: Queue[]) => {
    for (const queue of added) onQueue(queue);
    return push.apply(queues, added);
  };
}

/**
 * The package's long poll only returns early once MaxNumberOfMessages are available, so one
 * message waits out the whole WaitTimeSeconds (up to 20 s). SQS returns as soon as any message
 * is available: emulate that with short polls (~40 ms each) until messages or the deadline.
 */
export function returnOnFirstMessage(queue: Queue): void {
  const receive = queue.receive;
  queue.receive = async (params: { WaitTimeSeconds?: number | string; [name: string]: unknown }) => {
    const waitSeconds = Number(params.WaitTimeSeconds ?? queue.ReceiveMessageWaitTimeSeconds) || 0;
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const messages = await receive.call(queue, { ...params, WaitTimeSeconds: 0 });
      if (messages.length || Date.now() >= deadline) return messages;
    }
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function textOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The request again, with `text` for its body (the package reads the body from the request). */
const replayOf = (req: IncomingMessage, text: string): IncomingMessage =>
  Object.assign(Readable.from([Buffer.from(text)]), {
    headers: req.headers,
    method: req.method,
    url: req.url,
  }) as unknown as IncomingMessage;

/**
 * The package only honours ReceiveMessage's deprecated `AttributeNames`; current SDKs send
 * `MessageSystemAttributeNames` (e.g. for ApproximateReceiveCount). Merge the two before the
 * package parses the request, by handing it a replay of the patched JSON body.
 */
export function withSystemAttributeNames(handler: Handler): Handler {
  return async (req, res) => {
    if (req.headers['x-amz-target'] !== 'AmazonSQS.ReceiveMessage') return handler(req, res);
    let text = await textOf(req);
    try {
      const body = JSON.parse(text);
      if (Array.isArray(body.MessageSystemAttributeNames)) {
        body.AttributeNames = [...new Set([...(body.AttributeNames ?? []), ...body.MessageSystemAttributeNames])];
        text = JSON.stringify(body);
      }
    } catch {
      // Not JSON: let the package answer it as it would.
    }
    return handler(replayOf(req, text), res);
  };
}

const JSON_PROTOCOL = 'application/x-amz-json-1.0';

/** SQS's words when a body holds `codePoint` (e.g. `#xFFFF`). */
const invalidContents = (codePoint: number) =>
  `Invalid binary character '#x${codePoint.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is ${SQS_ALLOWED_CHARACTERS}`;

/** SQS's words when a message passes its queue's MaximumMessageSize (shared/aws/sqs-message-text.ts `isSqsSizeRefusal`). */
const tooLong = (maxBytes: number) =>
  `One or more parameters are invalid. Reason: Message must be shorter than ${maxBytes} bytes.`;

/** The most a SendMessageBatch's messages may weigh together, as SQS documents it. */
const BATCH_MAX_BYTES = 1_048_576;

type Attributes = Record<string, { DataType?: unknown; StringValue?: unknown; BinaryValue?: unknown }>;
type BatchEntry = { Id?: unknown; MessageBody?: unknown; MessageAttributes?: unknown };

/**
 * A message's size as SQS counts it against MaximumMessageSize: the UTF-8 bytes it received of the
 * body and of each attribute's name, type and value (a binary value in its bytes, sent as base64).
 * local-aws-sqs counts UTF-16 units instead, so a body of three-byte characters passed at a third
 * of its weight.
 */
function receivedBytes(entry: BatchEntry): number {
  const utf8 = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
  let bytes = utf8(entry.MessageBody);
  const attributes = entry.MessageAttributes;
  if (attributes && typeof attributes === 'object') {
    for (const [name, value] of Object.entries(attributes as Attributes)) {
      bytes += utf8(name) + utf8(value?.DataType) + utf8(value?.StringValue);
      if (typeof value?.BinaryValue === 'string') bytes += Buffer.from(value.BinaryValue, 'base64').length;
    }
  }
  return bytes;
}

/** Why SQS refuses one message, if it does: its characters, else its size. */
type Refusal = { readonly code: 'InvalidMessageContents' | 'InvalidParameterValue'; readonly message: string };

/**
 * SQS refuses a message body holding a character outside XML's Char set
 * (shared/aws/sqs-message-text.ts), and a message larger than its queue's MaximumMessageSize
 * counted in UTF-8 bytes; local-aws-sqs takes any character and counts UTF-16 units. As SQS does,
 * over the JSON protocol (the SDK's): a SendMessage so refused answers `InvalidMessageContents` or
 * `InvalidParameterValue` ("Message must be shorter than N bytes"; 400, sender's fault); in a
 * SendMessageBatch each such entry is answered in `Failed` with that code and the others are sent,
 * and a batch whose messages weigh more than 1 MiB together is refused whole
 * (`BatchRequestTooLong`). A batch the package would refuse whole (not 1-10 entries, ids not
 * distinct) goes to it unchanged, so it answers that first, as SQS does; so does a call naming a
 * queue it does not hold. `maxBytesOf` answers a queue's MaximumMessageSize from its URL. The Query
 * protocol passes as it is.
 */
export function withMessageBodyRules(handler: Handler, maxBytesOf: (queueUrl: unknown) => number | undefined): Handler {
  return async (req, res) => {
    const target = req.headers['x-amz-target'];
    if (target !== 'AmazonSQS.SendMessage' && target !== 'AmazonSQS.SendMessageBatch') return handler(req, res);
    const text = await textOf(req);
    let body: { QueueUrl?: unknown; MessageBody?: unknown; Entries?: unknown; MessageAttributes?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return handler(replayOf(req, text), res);
    }
    const maxBytes = maxBytesOf(body.QueueUrl);
    if (maxBytes === undefined) return handler(replayOf(req, text), res);
    const refusalOf = (entry: BatchEntry | undefined): Refusal | undefined => {
      if (typeof entry?.MessageBody !== 'string') return undefined;
      const refused = sqsRefusedCodePoint(entry.MessageBody);
      if (refused !== undefined) return { code: 'InvalidMessageContents', message: invalidContents(refused) };
      if (receivedBytes(entry) > maxBytes) return { code: 'InvalidParameterValue', message: tooLong(maxBytes) };
      return undefined;
    };
    const answer = (status: number, payload: unknown, queryError?: string) => {
      res.statusCode = status;
      res.setHeader('Content-Type', JSON_PROTOCOL);
      res.setHeader('x-amzn-requestid', randomUUID());
      if (queryError) res.setHeader('x-amzn-query-error', queryError);
      res.end(JSON.stringify(payload));
    };
    if (target === 'AmazonSQS.SendMessage') {
      const refusal = refusalOf(body);
      if (refusal === undefined) return handler(replayOf(req, text), res);
      const type =
        refusal.code === 'InvalidMessageContents'
          ? 'com.amazonaws.sqs#InvalidMessageContents'
          : 'com.amazon.coral.service#InvalidParameterValueException';
      return answer(400, { __type: type, message: refusal.message }, `${refusal.code};Sender`);
    }
    const entries = Array.isArray(body.Entries) ? (body.Entries as BatchEntry[]) : [];
    const ids = entries.map((e) => e?.Id);
    const wellFormed = entries.length >= 1 && entries.length <= 10 && new Set(ids).size === ids.length;
    if (!wellFormed) return handler(replayOf(req, text), res);
    const total = entries.reduce((sum, entry) => sum + receivedBytes(entry), 0);
    if (total > BATCH_MAX_BYTES) {
      return answer(
        400,
        {
          __type: 'com.amazonaws.sqs#BatchRequestTooLong',
          message: `Batch requests cannot be longer than ${BATCH_MAX_BYTES} bytes. You have sent ${total} bytes.`,
        },
        'AWS.SimpleQueueService.BatchRequestTooLong;Sender',
      );
    }
    const failed = entries.flatMap((entry) => {
      const refusal = refusalOf(entry);
      return refusal === undefined
        ? []
        : [{ Id: entry.Id, Code: refusal.code, Message: refusal.message, SenderFault: true }];
    });
    if (failed.length === 0) return handler(replayOf(req, text), res);
    const kept = entries.filter((entry) => refusalOf(entry) === undefined);
    if (kept.length === 0) return answer(200, { Failed: failed });
    // The others go to the package; its answer gets the refused entries added to `Failed`.
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (res.statusCode === 200 && typeof chunk === 'string') {
        try {
          const out = JSON.parse(chunk) as { Failed?: unknown[] };
          return end(JSON.stringify({ ...out, Failed: [...(out.Failed ?? []), ...failed] }), ...rest);
        } catch {
          // Not the JSON answer expected: passed on as it is.
        }
      }
      return end(chunk, ...rest);
    }) as typeof res.end;
    return handler(replayOf(req, JSON.stringify({ ...body, Entries: kept })), res);
  };
}
