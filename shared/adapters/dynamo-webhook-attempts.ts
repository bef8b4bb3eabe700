/**
 * The attempts of campaign webhook effects (webhook-action.ts `WebhookAttempts`): one counter item
 * per effect key and round under the workspace, `WS#<ws>` / `WEBHOOKTRY#<key>`, added to in one
 * UpdateItem that answers the new count, so every copy of a step (its redeliveries, a sweep's
 * re-send, a checkpoint's timer) counts against the same total. Expires after
 * {@link WEBHOOK_ATTEMPTS_KEPT_MS}: a step's attempts span minutes to hours.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookAttempts } from '../campaigns/webhook-action';
import { epochSeconds } from './dynamo/item';
import { webhookAttemptsSk, workspacePk } from './keys';

/** How long a webhook effect's count is kept (DynamoDB TTL, `expiresAt`). */
export const WEBHOOK_ATTEMPTS_KEPT_MS = 30 * 86_400_000;

export function dynamoWebhookAttempts(
  db: DynamoDBDocumentClient,
  table: string,
  now: () => Date = () => new Date(),
): WebhookAttempts {
  return {
    async count(workspaceId, key) {
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: webhookAttemptsSk(key) },
          UpdateExpression: 'ADD attempts :one SET #type = :type, expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':type': 'webhookAttempts',
            ':expires': epochSeconds(new Date(now().getTime() + WEBHOOK_ATTEMPTS_KEPT_MS)),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.attempts ?? 1);
    },
  };
}
