/**
 * The composition root of every SQS consumer. Each record body is parsed with a zod
 * schema at the edge and handed to the use case as plain data. A record that fails (bad
 * body or a thrown error) is reported in `batchItemFailures`, so SQS retries only that
 * record and, after the queue's maxReceiveCount, moves it to the dead-letter queue.
 * Nothing is swallowed: the reason is logged with the message id, and the batch's failed
 * records are counted (`MessagesFailed`, by function and executed version: the canary of
 * each consumer rolls back on its new version's count, shared/observability/queue-metrics.ts).
 * The handler returns normally even when every record failed (`throwOnFullBatchFailure: false`),
 * so Lambda's `Errors` counts crashes and timeouts only, never failed messages.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import '../zod-locale';
import { ValidationError } from '../errors';
import { logger, metrics } from '../observability/logger';
import { recordMessagesFailed } from '../observability/queue-metrics';

export interface QueueMessageMeta {
  readonly messageId: string;
  /** 1 on first delivery; grows with every redelivery. */
  readonly receiveCount: number;
}

type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function queueFunction<S extends z.ZodMiniType>(
  schema: S,
  processMessage: (message: z.infer<S>, meta: QueueMessageMeta) => Promise<void>,
): QueueHandler {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const meta = { messageId: record.messageId, receiveCount: Number(record.attributes.ApproximateReceiveCount ?? 1) };
    try {
      await processMessage(parseBody(schema, record.body), meta);
    } catch (error) {
      logger.warn('Message failed; it will be retried, then dead-lettered', { ...meta, error: error as Error });
      throw error;
    }
  };

  // A processor per batch: it keeps the batch's records and failures, and the local runtime runs
  // several batches of one consumer at once in one module instance (the queue's maxConcurrency).
  // A shared one let one batch reset another's failures, so a failed message was deleted.
  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
    countFailedMessages(response, context);
    return response;
  };

  return middy(handler).use(injectLambdaContext(logger, { resetKeys: true })) as unknown as QueueHandler;
}

/**
 * Never throws: the response is what keeps the batch's processed records from being received
 * again, so a metric that cannot be written is logged, not allowed to fail the batch.
 */
function countFailedMessages(response: SQSBatchResponse, context: Context): void {
  try {
    recordMessagesFailed(response.batchItemFailures.length, context, metrics);
  } catch (error) {
    logger.warn('Failed messages not counted', { error: error as Error, failed: response.batchItemFailures.length });
  }
}

function parseBody<S extends z.ZodMiniType>(schema: S, body: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new ValidationError('Message body is not JSON', 'MALFORMED_MESSAGE', { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError('Message body does not match its schema', 'INVALID_MESSAGE', {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}
