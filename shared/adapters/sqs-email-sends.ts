/** The email-sends queue over SQS. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isSqsContentRefusal, isSqsSizeRefusal, SQS_ALLOWED_CHARACTERS } from '../aws/sqs-message-text';
import {
  type EmailSendQueue,
  MAX_DELAY_SECONDS,
  SEND_MESSAGE_MAX_BYTES,
  UnqueueableSendError,
} from '../email/send-request';

export function sqsEmailSends(client: SQSClient, queueUrl: string): EmailSendQueue {
  return {
    async send(message, delaySeconds = 0) {
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify(message),
            ...(delaySeconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) } : {}),
          }),
        );
      } catch (error) {
        // A send the queue refuses for its characters (the client escapes those JSON can hold, so
        // only a body it could not) or for its size (sendMessageOf measures it as SQS does, so only
        // one built otherwise) would be refused again on every retry: unqueueable, as a message its
        // schema refuses (a broadcast or a campaign step skips the contact, the API answers 400).
        if ('sendId' in message) {
          if (isSqsContentRefusal(error)) {
            throw new UnqueueableSendError(
              `message: holds characters the queue refuses (it takes ${SQS_ALLOWED_CHARACTERS})`,
            );
          }
          if (isSqsSizeRefusal(error)) {
            throw new UnqueueableSendError(
              `message: more than the ${SEND_MESSAGE_MAX_BYTES / 1024} KiB a send can carry`,
            );
          }
        }
        throw error;
      }
    },
  };
}
