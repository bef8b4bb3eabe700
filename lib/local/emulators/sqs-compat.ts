/**
 * Small corrections that make local-aws-sqs behave like SQS for the calls the app makes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Queue } from 'local-aws-sqs/dist/lib/queue';
import type { SqsService } from 'local-aws-sqs/dist/lib/sqsService';

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

/**
 * The package only honours ReceiveMessage's deprecated `AttributeNames`; current SDKs send
 * `MessageSystemAttributeNames` (e.g. for ApproximateReceiveCount). Merge the two before the
 * package parses the request, by handing it a replay of the patched JSON body.
 */
export function withSystemAttributeNames(handler: Handler): Handler {
  return async (req, res) => {
    if (req.headers['x-amz-target'] !== 'AmazonSQS.ReceiveMessage') return handler(req, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let text = Buffer.concat(chunks).toString('utf8');
    try {
      const body = JSON.parse(text);
      if (Array.isArray(body.MessageSystemAttributeNames)) {
        body.AttributeNames = [...new Set([...(body.AttributeNames ?? []), ...body.MessageSystemAttributeNames])];
        text = JSON.stringify(body);
      }
    } catch {
      // Not JSON: let the package answer it as it would.
    }
    const replay = Object.assign(Readable.from([Buffer.from(text)]), {
      headers: req.headers,
      method: req.method,
      url: req.url,
    });
    return handler(replay as unknown as IncomingMessage, res);
  };
}
