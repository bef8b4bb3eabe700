/**
 * queueFunction: each record's failure is reported in batchItemFailures, and only its own. The
 * local runtime runs several batches of one consumer at once in one module instance (the
 * queue's maxConcurrency), so batches must not share the processor's state: a failure lost
 * from a response is a failed message deleted instead of retried.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { queueFunction } from '../../../shared/queue/queue-function';

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
  awsRegion: 'us-east-1',
});
const context = { functionName: 'test', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 } as Context;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queueFunction', () => {
  const handler = queueFunction(z.object({ n: z.number(), ms: z.number().default(0) }), async (m) => {
    await pause(m.ms);
    if (m.n < 0) throw new Error('negative');
  });

  it('reports a malformed body, a schema mismatch and a thrown error, and nothing else', async () => {
    const event: SQSEvent = {
      Records: [
        record('ok', '{"n":1}'),
        record('not-json', 'nope'),
        record('bad-shape', '{"n":"x"}'),
        record('throws', '{"n":-1}'),
      ],
    };
    const response = await handler(event, context);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-shape', 'not-json', 'throws']);
  });

  it('keeps each of several batches running at once to its own failures', async () => {
    // Batch A is slow and fails; batch B starts while A is still running and succeeds.
    const a: SQSEvent = { Records: [record('a-fails', '{"n":-1,"ms":50}'), record('a-ok', '{"n":1,"ms":50}')] };
    const b: SQSEvent = { Records: [record('b-ok', '{"n":2,"ms":0}'), record('b-fails', 'not json')] };
    const c: SQSEvent = { Records: [record('c-ok', '{"n":3,"ms":10}')] };
    const [ra, rb, rc] = await Promise.all([
      handler(a, context),
      pause(5).then(() => handler(b, context)),
      pause(8).then(() => handler(c, context)),
    ]);
    expect(ra.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a-fails']);
    expect(rb.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['b-fails']);
    expect(rc.batchItemFailures).toEqual([]);
  });
});
