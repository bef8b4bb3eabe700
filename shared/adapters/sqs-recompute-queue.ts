/** The score-recompute queue over SQS. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RecomputeQueue } from '../crm/scoring/ports';

export function sqsRecomputeQueue(client: SQSClient, queueUrl: string): RecomputeQueue {
  return {
    async send(message) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
