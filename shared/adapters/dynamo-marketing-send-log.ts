/**
 * The marketing mail each contact was queued, kept 8 days (a week's cap plus a day): one item
 * per send in the contact's interaction partition, keyed by the send's key, so a replayed send
 * counts once.
 *
 * The records of one drip-steps batch log their sends together: the entries logged while a write
 * is in flight go in the next BatchWriteItem (25 a call), instead of one PutItem each. A batch
 * write cannot be conditional, so a replay of a send (its step message delivered again) rewrites
 * the entry with the replay's time: still one send, counted from a moment later, which can only
 * defer a capped send a little more, never let one more through.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MarketingSendLog } from '../campaigns/campaign-mailer';
import { batchPut, groupedRounds } from './dynamo/batch';
import { epochSeconds, type Item } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { interactionPk, MARKETING_SEND_PREFIX, marketingSendSk } from './keys';

const KEEP_MS = 8 * 86_400_000;

export function dynamoMarketingSendLog(db: DynamoDBDocumentClient, table: string): MarketingSendLog {
  const write = groupedRounds<Item>(
    () => table,
    async (items) => {
      // One entry per key (a send delivered twice in one round): the earliest.
      const byKey = new Map<string, Item>();
      for (const item of items) {
        const key = `${item.pk}\u0000${item.sk}`;
        const seen = byKey.get(key);
        if (!seen || Number(item.atMs) < Number(seen.atMs)) byKey.set(key, item);
      }
      await batchPut(db, table, [...byKey.values()]);
    },
  );
  return {
    async record(workspaceId, contactId, atMs, key) {
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
      await write({
        pk: interactionPk(workspaceId, contactId),
        sk: marketingSendSk(hash),
        type: 'marketing-send',
        atMs,
        expiresAt: epochSeconds(new Date(atMs + KEEP_MS)),
      });
    },
    async since(workspaceId, contactId, sinceMs) {
      // Small by construction (8 days of one contact's marketing mail).
      const items = await queryAll(db, {
        ...prefixQuery(table, interactionPk(workspaceId, contactId), MARKETING_SEND_PREFIX),
        ProjectionExpression: 'atMs',
      });
      // TTL deletes late ("within two days"): expired entries are filtered by time, not trusted gone.
      return items.map((i) => Number(i.atMs)).filter((t) => t >= sinceMs);
    },
  };
}
