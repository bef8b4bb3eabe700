/**
 * The attempts of campaign webhook effects (webhook-action.ts `WebhookAttempts`): one item per
 * effect key and round under the workspace, `WS#<ws>` / `WEBHOOKTRY#<key>`, that every copy of a
 * step (its redeliveries, a sweep's re-send, a checkpoint's timer) reads and writes:
 * - `attempts`: POSTs counted, each by one conditional UpdateItem before it is sent, only while the
 *   effect is not done and fewer than {@link WEBHOOK_ATTEMPTS} were counted (so racing copies never
 *   send more), `lastAttemptAt` (epoch ms) the time of the latest;
 * - `done`: set by one UpdateItem after a 2xx (the one write a success adds): later copies find
 *   it in their count's refusal and send nothing;
 * - `failed`: failures recorded, each by one UpdateItem made only while the effect is not done.
 * A refused count reads the item from the refusal (DynamoDB returns it; the local emulator does
 * not: then one consistent read). Expires after {@link WEBHOOK_ATTEMPTS_KEPT_MS}: a step's attempts
 * span minutes to hours.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { WEBHOOK_ATTEMPTS, WEBHOOK_SETTLE_MS, type WebhookAttempts } from '../campaigns/webhook-action';
import { isConditionFailure } from './dynamo/conditions';
import { epochSeconds, getItem } from './dynamo/item';
import { refusedItem } from './dynamo/own-write';
import { webhookAttemptsSk, workspacePk } from './keys';

/** How long a webhook effect's count is kept (DynamoDB TTL, `expiresAt`). */
export const WEBHOOK_ATTEMPTS_KEPT_MS = 30 * 86_400_000;

export function dynamoWebhookAttempts(
  db: DynamoDBDocumentClient,
  table: string,
  now: () => Date = () => new Date(),
): WebhookAttempts {
  const keyOf = (workspaceId: string, key: string) => ({ pk: workspacePk(workspaceId), sk: webhookAttemptsSk(key) });
  const kept = () => ({
    ':type': 'webhookAttempts',
    ':expires': epochSeconds(new Date(now().getTime() + WEBHOOK_ATTEMPTS_KEPT_MS)),
  });
  const SET_KEPT = '#type = :type, expiresAt = if_not_exists(expiresAt, :expires)';

  return {
    async begin(workspaceId, key) {
      const at = now().getTime();
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: `ADD #attempts :one SET ${SET_KEPT}, #last = :at`,
            ConditionExpression:
              'attribute_not_exists(#done) AND (attribute_not_exists(#attempts) OR #attempts < :max)',
            ExpressionAttributeNames: {
              '#attempts': 'attempts',
              '#done': 'done',
              '#last': 'lastAttemptAt',
              '#type': 'type',
            },
            ExpressionAttributeValues: { ':one': 1, ':at': at, ':max': WEBHOOK_ATTEMPTS, ...kept() },
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'counted', attempt: Number(out.Attributes?.attempts ?? 1) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const item = refusedItem(error) ?? (await getItem(db, table, keyOf(workspaceId, key), { consistent: true }));
        if (!item) throw new Error(`The webhook attempts of ${key} were refused, then not found`);
        if (item.done !== undefined) return { kind: 'done' };
        const attempts = Number(item.attempts ?? 0);
        const failed = Number(item.failed ?? 0);
        const last = Number(item.lastAttemptAt ?? 0);
        return { kind: 'spent', failed, unsettled: attempts > failed && at - last < WEBHOOK_SETTLE_MS };
      }
    },

    async succeeded(workspaceId, key) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: keyOf(workspaceId, key),
          UpdateExpression: `SET #done = :done, ${SET_KEPT}`,
          ExpressionAttributeNames: { '#done': 'done', '#type': 'type' },
          ExpressionAttributeValues: { ':done': now().toISOString(), ...kept() },
        }),
      );
    },

    async failed(workspaceId, key) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: `ADD #failed :one SET ${SET_KEPT}`,
            ConditionExpression: 'attribute_not_exists(#done)',
            ExpressionAttributeNames: { '#failed': 'failed', '#done': 'done', '#type': 'type' },
            ExpressionAttributeValues: { ':one': 1, ...kept() },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const failed = Number(out.Attributes?.failed ?? 1);
        const attempts = Math.min(Number(out.Attributes?.attempts ?? 0), WEBHOOK_ATTEMPTS);
        return { kind: 'failed', failed, unsettled: Math.max(0, attempts - failed) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return { kind: 'done' };
      }
    },
  };
}
