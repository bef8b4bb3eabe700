/**
 * What the email sender tells the marketing send log (dynamo-marketing-send-log.ts) of a campaign's
 * marketing mail, so the frequency cap counts it when the contact gets it: held (for its send window,
 * or given back to the queue: paused, paced, throttled, providers down), its entry moves to when it
 * is tried again, and sent after such a hold, to when it went (`heldUntil`, send-email.ts
 * `countsAt`); closed unsent for good, it is marked and counts no more (`unsent`). Each one conditional UpdateItem of a logged entry (none made for a mail never logged).
 * Apart from the log, so the sender's bundle carries these two writes and not the log's reads and lock.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MarketingSendMoves } from '../campaigns/campaign-mailer';
import { conditionally } from './dynamo/conditions';
import { epochSeconds } from './dynamo/item';
import { interactionPk, marketingSendSk } from './keys';

/** How long an entry is kept past the instant it counts at: a week's cap plus a day. */
export const MARKETING_SEND_KEEP_MS = 8 * 86_400_000;

/** The log entry of the send of `key` to the contact (its sort key holds a hash of the key). */
export const marketingSendKey = (workspaceId: string, contactId: string, key: string) => ({
  pk: interactionPk(workspaceId, contactId),
  sk: marketingSendSk(createHash('sha256').update(key).digest('hex').slice(0, 32)),
});

export function dynamoMarketingSendMoves(db: DynamoDBDocumentClient, table: string): MarketingSendMoves {
  const update = (
    Key: Record<string, string>,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
  ) =>
    conditionally(
      db.send(
        new UpdateCommand({
          TableName: table,
          Key,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  return {
    async heldUntil(workspaceId, contactId, key, atMs) {
      // Only a logged entry, only later: the same hold found again 15 minutes on (or a redelivery)
      // writes nothing.
      await update(
        marketingSendKey(workspaceId, contactId, key),
        'SET atMs = :at, expiresAt = :expires',
        'attribute_exists(pk) AND atMs < :at',
        { ':at': atMs, ':expires': epochSeconds(new Date(atMs + MARKETING_SEND_KEEP_MS)) },
      );
    },
    async unsent(workspaceId, contactId, key) {
      await update(marketingSendKey(workspaceId, contactId, key), 'SET unsent = :yes', 'attribute_exists(pk)', {
        ':yes': true,
      });
    },
  };
}
