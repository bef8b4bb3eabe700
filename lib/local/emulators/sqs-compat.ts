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

type BatchEntry = { Id?: unknown; MessageBody?: unknown };

/**
 * SQS refuses a message body holding a character outside XML's Char set
 * (shared/aws/sqs-message-text.ts); local-aws-sqs takes any. As SQS does, over the JSON protocol
 * (the SDK's): a SendMessage with such a body answers `InvalidMessageContents` (400, sender's
 * fault); in a SendMessageBatch each such entry is answered in `Failed` with that code and the
 * others are sent. A batch the package would refuse whole (not 1-10 entries, ids not distinct)
 * goes to it unchanged, so it answers that first, as SQS does. The Query protocol passes as it is.
 */
export function withMessageContentsRule(handler: Handler): Handler {
  return async (req, res) => {
    const target = req.headers['x-amz-target'];
    if (target !== 'AmazonSQS.SendMessage' && target !== 'AmazonSQS.SendMessageBatch') return handler(req, res);
    const text = await textOf(req);
    let body: { MessageBody?: unknown; Entries?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return handler(replayOf(req, text), res);
    }
    const refusedIn = (entry: BatchEntry | undefined) =>
      typeof entry?.MessageBody === 'string' ? sqsRefusedCodePoint(entry.MessageBody) : undefined;
    const answer = (status: number, payload: unknown, queryError?: string) => {
      res.statusCode = status;
      res.setHeader('Content-Type', JSON_PROTOCOL);
      res.setHeader('x-amzn-requestid', randomUUID());
      if (queryError) res.setHeader('x-amzn-query-error', queryError);
      res.end(JSON.stringify(payload));
    };
    if (target === 'AmazonSQS.SendMessage') {
      const refused = refusedIn(body);
      if (refused === undefined) return handler(replayOf(req, text), res);
      return answer(
        400,
        { __type: 'com.amazonaws.sqs#InvalidMessageContents', message: invalidContents(refused) },
        'InvalidMessageContents;Sender',
      );
    }
    const entries = Array.isArray(body.Entries) ? (body.Entries as BatchEntry[]) : [];
    const ids = entries.map((e) => e?.Id);
    const wellFormed = entries.length >= 1 && entries.length <= 10 && new Set(ids).size === ids.length;
    const failed = entries.flatMap((entry) => {
      const refused = refusedIn(entry);
      return refused === undefined
        ? []
        : [{ Id: entry.Id, Code: 'InvalidMessageContents', Message: invalidContents(refused), SenderFault: true }];
    });
    if (!wellFormed || failed.length === 0) return handler(replayOf(req, text), res);
    const kept = entries.filter((entry) => refusedIn(entry) === undefined);
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
