/** The ai-calls queue over SQS. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AiCallQueue } from '../ai/ai-call';

export function sqsAiCallQueue(client: SQSClient, queueUrl: string): AiCallQueue {
  return {
    async send(message) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
