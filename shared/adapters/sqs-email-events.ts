/** The email-events queue over SQS: one provider event envelope per message. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventQueue } from '../email/sending-status';

export function sqsEmailEvents(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(envelope) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(envelope) }));
    },
  };
}
