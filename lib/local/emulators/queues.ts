/** Creates the declared SQS queues and their dead-letter queues in the local emulator. */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QUEUE_MAX_MESSAGE_BYTES } from '../../definition/queues';
import type { QueueDeclaration } from '../../definition/types';
import { localResourceName } from './local-aws';

export interface LocalQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Creates every declared queue and its dead-letter queue `<name>-dlq` (physical names are
 * prefixed with `namePrefix`): the DLQ keeps messages `dlqRetentionDays`, the queue has the
 * declared VisibilityTimeout, MessageRetentionPeriod and a RedrivePolicy with `maxReceiveCount`.
 * Existing queues keep their messages and get the declared attributes re-applied, so a changed
 * declaration takes effect on the next start.
 *
 * @returns declared queue name -> URLs and ARNs of the queue and its DLQ.
 */
export async function ensureQueues(
  client: SQSClient,
  declarations: readonly QueueDeclaration[],
  namePrefix: string,
): Promise<Record<string, LocalQueue>> {
  const result: Record<string, LocalQueue> = {};
  for (const declaration of declarations) {
    const name = localResourceName(namePrefix, declaration.name);
    const dlq = await ensureQueue(client, `${name}-dlq`, {
      MaximumMessageSize: String(QUEUE_MAX_MESSAGE_BYTES),
      MessageRetentionPeriod: String(declaration.dlqRetentionDays * DAY_SECONDS),
    });
    const queue = await ensureQueue(client, name, {
      MaximumMessageSize: String(QUEUE_MAX_MESSAGE_BYTES),
      VisibilityTimeout: String(declaration.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(declaration.retentionDays * DAY_SECONDS),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: declaration.maxReceiveCount }),
    });
    result[declaration.name] = { url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
  }
  return result;
}

async function ensureQueue(
  client: SQSClient,
  QueueName: string,
  Attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await client.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl;
  } catch (error) {
    // CreateQueue is idempotent only for identical attributes; update an existing queue instead.
    if (!['QueueNameExists', 'QueueAlreadyExists'].includes((error as Error).name)) throw error;
    url = (await client.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl;
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes }));
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${QueueName}`);
  const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attributes.Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue ${QueueName}`);
  return { url, arn };
}
