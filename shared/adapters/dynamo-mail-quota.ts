/** Mail quotas in the `ephemeral` table (reset mails per address: see password-reset.ts). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MailQuota } from '../identity/accounts/ports';
import { epochSeconds, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { MAIL_QUOTA_SK as SK } from './keys';

/**
 * Mail quotas: one item per key (`sent`, TTL `expiresAt` = the end of the window that the
 * first counted mail opened). Each `take` is one conditional write, two when the window is open.
 *
 * Each take marks the item with a token of its own (`marks`, a string set: at most `limit` of
 * them in a window, the window's opening take starting it afresh): the SDK retries a write whose
 * answer was lost, and a retry of a take DynamoDB applied is refused by its own mark and finds it
 * there (own-write.ts), so one take counts once (the opening put's retry fell to the ADD, and the
 * ADD's retry added again).
 */
export function dynamoMailQuota(db: DynamoDBDocumentClient, table: string): MailQuota {
  return {
    async take(key, limit, windowSeconds, now) {
      const token = ownToken();
      const mine = (item: Item) => item.marks instanceof Set && item.marks.has(token);
      const opened = await writeOwn(
        db,
        {
          Put: {
            TableName: table,
            Item: { pk: key, sk: SK, sent: 1, marks: new Set([token]), expiresAt: epochSeconds(now) + windowSeconds },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': epochSeconds(now) },
          },
        },
        mine,
      );
      if (opened.written) return true;
      const counted = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: { pk: key, sk: SK },
            UpdateExpression: 'ADD sent :one, marks :mark',
            ConditionExpression: 'expiresAt > :now AND sent < :limit AND NOT contains(marks, :token)',
            ExpressionAttributeValues: {
              ':one': 1,
              ':mark': new Set([token]),
              ':token': token,
              ':now': epochSeconds(now),
              ':limit': limit,
            },
          },
        },
        mine,
      );
      return counted.written;
    },
  };
}
