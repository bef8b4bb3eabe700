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
 * Each count and each failure carries a token of its own, kept in the item (`tries`, `failures`:
 * string sets, at most {@link WEBHOOK_ATTEMPTS} each) and written only while absent: the SDK retries
 * a write whose answer was lost, and a retry DynamoDB had applied is refused by its own token and
 * read as written (own-write.ts), so one POST spends one attempt (a plain ADD spent two, and the
 * last attempt's retry read its own count as "spent") and one failure counts once.
 * A refused count reads the item from the refusal (DynamoDB and the local emulator return it; when
 * there is none, one consistent read). Expires after {@link WEBHOOK_ATTEMPTS_KEPT_MS}: a step's
 * attempts span minutes to hours.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { WEBHOOK_ATTEMPTS, WEBHOOK_SETTLE_MS, type WebhookAttempts } from '../campaigns/webhook-action';
import { epochSeconds, getItem } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
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
      const mark = ownToken();
      const counted = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: `ADD #attempts :one, #tries :mark SET ${SET_KEPT}, #last = :at`,
            ConditionExpression:
              'attribute_not_exists(#done) AND (attribute_not_exists(#attempts) OR #attempts < :max) ' +
              'AND NOT contains(#tries, :token)',
            ExpressionAttributeNames: {
              '#attempts': 'attempts',
              '#tries': 'tries',
              '#done': 'done',
              '#last': 'lastAttemptAt',
              '#type': 'type',
            },
            ExpressionAttributeValues: {
              ':one': 1,
              ':mark': new Set([mark]),
              ':token': mark,
              ':at': at,
              ':max': WEBHOOK_ATTEMPTS,
              ...kept(),
            },
            ReturnValues: 'UPDATED_NEW',
          },
        },
        (item) => hasMark(item.tries, mark),
      );
      if (counted.written) {
        // Counted by its own earlier try: its number is the count then, unless other copies counted since.
        const attempts = 'again' in counted ? counted.item.attempts : counted.attributes?.attempts;
        return { kind: 'counted', attempt: Math.min(Number(attempts ?? 1), WEBHOOK_ATTEMPTS) };
      }
      const item = counted.item ?? (await getItem(db, table, keyOf(workspaceId, key), { consistent: true }));
      if (!item) throw new Error(`The webhook attempts of ${key} were refused, then not found`);
      if (item.done !== undefined) return { kind: 'done' };
      const attempts = Number(item.attempts ?? 0);
      const failed = Number(item.failed ?? 0);
      const last = Number(item.lastAttemptAt ?? 0);
      return { kind: 'spent', failed, unsettled: attempts > failed && at - last < WEBHOOK_SETTLE_MS };
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
      const mark = ownToken();
      const recorded = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: `ADD #failed :one, #failures :mark SET ${SET_KEPT}`,
            ConditionExpression: 'attribute_not_exists(#done) AND NOT contains(#failures, :token)',
            ExpressionAttributeNames: {
              '#failed': 'failed',
              '#failures': 'failures',
              '#done': 'done',
              '#type': 'type',
            },
            ExpressionAttributeValues: { ':one': 1, ':mark': new Set([mark]), ':token': mark, ...kept() },
            ReturnValues: 'ALL_NEW',
          },
        },
        (item) => hasMark(item.failures, mark),
      );
      // Refused: another copy's POST succeeded meanwhile.
      if (!recorded.written) return { kind: 'done' };
      const item = ('again' in recorded ? recorded.item : recorded.attributes) ?? {};
      const failed = Number(item.failed ?? 1);
      const attempts = Math.min(Number(item.attempts ?? 0), WEBHOOK_ATTEMPTS);
      return { kind: 'failed', failed, unsettled: Math.max(0, attempts - failed) };
    },
  };
}

const hasMark = (marks: unknown, mark: string): boolean => marks instanceof Set && marks.has(mark);
