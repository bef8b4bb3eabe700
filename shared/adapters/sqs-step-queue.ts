/** The drip-steps queue over SQS: batches of 10 (the API's limit), all or throw. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DripStepMessage } from '../campaigns/messages';
import type { StepQueue } from '../campaigns/ports';

export function sqsStepQueue(client: SQSClient, queueUrl: string): StepQueue {
  return {
    async sendAll(messages: readonly DripStepMessage[], options?: { readonly delaySeconds?: number }) {
      const delay = options?.delaySeconds === undefined ? {} : { DelaySeconds: options.delaySeconds };
      for (let i = 0; i < messages.length; i += 10) {
        const chunk = messages.slice(i, i + 10);
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m), ...delay })),
          }),
        );
        if (out.Failed && out.Failed.length > 0) {
          // The caller retries the page; the consumer's idempotency makes the resend harmless.
          const codes = out.Failed.map((f) => f.Code).join(', ');
          throw new Error(`SQS refused ${out.Failed.length} of ${chunk.length} messages: ${codes}`);
        }
      }
    },
  };
}
