/**
 * The composition root of every SQS consumer. Each record body is parsed with a zod
 * schema at the edge and handed to the use case as plain data. A record that fails (bad
 * body or a thrown error) is reported in `batchItemFailures`, so SQS retries only that
 * record and, after the queue's maxReceiveCount, moves it to the dead-letter queue.
 * Nothing is swallowed: the reason is logged with the message id.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import '../zod-locale';
import { ValidationError } from '../errors';
import { logger } from '../observability/logger';

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
  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });

  return middy(handler).use(injectLambdaContext(logger, { resetKeys: true })) as unknown as QueueHandler;
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
