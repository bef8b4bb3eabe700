/**
 * The queue calls of the domain-event fallback (fallback-events.ts) over SQS. A module of its own so
 * a function loads the SQS client only when the bus failed (`import()` of this module,
 * request-events.ts): the contacts function sends to no queue otherwise.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqs } from '../aws/sqs';
import type { QueueSender } from './fallback-events';
import { BATCH_ENTRIES, BATCH_PAYLOAD_BYTES, messagePayloadBytes } from './sqs/coalesced-sends';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * SendMessageBatch calls of up to 10 entries within the batch's payload limit (256 KiB); a larger
 * message alone, as a SendMessage. A refused entry or a failed call names its bodies as failed.
 */
export function sqsQueueSender(client: SQSClient): QueueSender {
  return {
    async sendAll(queueUrl, bodies) {
      const failed: number[] = [];
      const errors: string[] = [];
      let i = 0;
      while (i < bodies.length) {
        const start = i;
        let bytes = 0;
        while (i < bodies.length && i - start < BATCH_ENTRIES) {
          const size = messagePayloadBytes(bodies[i]);
          if (i > start && bytes + size > BATCH_PAYLOAD_BYTES) break;
          bytes += size;
          i += 1;
        }
        const indexes = Array.from({ length: i - start }, (_, j) => start + j);
        try {
          if (bytes > BATCH_PAYLOAD_BYTES) {
            await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodies[start] }));
            continue;
          }
          const out = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: indexes.map((index) => ({ Id: String(index), MessageBody: bodies[index] })),
            }),
          );
          for (const refused of out.Failed ?? []) {
            failed.push(Number(refused.Id));
            errors.push(`${refused.Code}${refused.Message ? `: ${refused.Message}` : ''}`);
          }
        } catch (error) {
          failed.push(...indexes);
          errors.push(messageOf(error));
        }
      }
      return { failed, errors };
    },
  };
}

/** The process's SQS client as a {@link QueueSender}. */
export const processQueueSender: QueueSender = sqsQueueSender(sqs);
