/** The email-sends queue over SQS. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type EmailSendQueue, MAX_DELAY_SECONDS } from '../email/send-request';

export function sqsEmailSends(client: SQSClient, queueUrl: string): EmailSendQueue {
  return {
    async send(message, delaySeconds = 0) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          ...(delaySeconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) } : {}),
        }),
      );
    },
  };
}
