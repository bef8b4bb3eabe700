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
 * last attempt's retry read its own count as "spent") and one failure counts once. A count's token
 * starts with the time it was counted (`<epoch ms>.<random>`): a failure judges the other POSTs
 * still in flight by those times, as a spent count does by `lastAttemptAt`, so a POST whose copy
 * ended without recording its outcome stops counting as in flight after {@link WEBHOOK_SETTLE_MS}.
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
      const mark = `${at}.${ownToken()}`;
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
      return { kind: 'failed', failed, unsettled: unsettledOf(item, attempts, attempts - failed, now().getTime()) };
    },
  };
}

const hasMark = (marks: unknown, mark: string): boolean => marks instanceof Set && marks.has(mark);

/**
 * How many of the `open` POSTs with no outcome recorded (other than the one just failed) may still
 * be in flight: no more than the `attempts` counted within {@link WEBHOOK_SETTLE_MS} of `at`, less
 * this copy's own (a copy ends within the step worker's timeout, well inside it). A failure is not
 * tied to its count, so the failures recorded are taken to be of the older ones: never fewer than
 * may be in flight. A count with no time in its token (or none, counted before the tokens) is taken
 * at `lastAttemptAt`.
 */
function unsettledOf(item: Record<string, unknown>, attempts: number, open: number, at: number): number {
  if (open <= 0) return 0;
  const last = Number(item.lastAttemptAt ?? 0);
  const times = item.tries instanceof Set ? [...item.tries].map((token) => timeOf(String(token)) ?? last) : [];
  while (times.length < attempts) times.push(last);
  const recent = times.filter((counted) => at - counted < WEBHOOK_SETTLE_MS).length;
  return Math.max(0, Math.min(open, recent - 1));
}

/** The time a count's token starts with (`<epoch ms>.<random>`), if it has one. */
function timeOf(token: string): number | undefined {
  const dot = token.indexOf('.');
  const counted = dot > 0 ? Number(token.slice(0, dot)) : Number.NaN;
  return Number.isFinite(counted) ? counted : undefined;
}
