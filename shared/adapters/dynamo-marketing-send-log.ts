/**
 * The marketing mail each contact was queued, kept 8 days (a week's cap plus a day): one item
 * per send in the contact's interaction partition, keyed by the send's key (created once, so
 * a replayed send counts once, at its first time).
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MarketingSendLog } from '../campaigns/campaign-mailer';
import { conditionally } from './dynamo/conditions';
import { epochSeconds } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { interactionPk, MARKETING_SEND_PREFIX, marketingSendSk } from './keys';

const KEEP_MS = 8 * 86_400_000;

export function dynamoMarketingSendLog(db: DynamoDBDocumentClient, table: string): MarketingSendLog {
  return {
    async record(workspaceId, contactId, atMs, key) {
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
      await conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: interactionPk(workspaceId, contactId),
              sk: marketingSendSk(hash),
              type: 'marketing-send',
              atMs,
              expiresAt: epochSeconds(new Date(atMs + KEEP_MS)),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
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
