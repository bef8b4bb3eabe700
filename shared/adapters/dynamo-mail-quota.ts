/** Mail quotas in the `ephemeral` table (reset mails per address: see password-reset.ts). */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MailQuota } from '../identity/accounts/ports';
import { conditionally } from './dynamo/conditions';
import { epochSeconds } from './dynamo/item';
import { MAIL_QUOTA_SK as SK } from './keys';

/**
 * Mail quotas: one item per key (`sent`, TTL `expiresAt` = the end of the window that the
 * first counted mail opened). Each `take` is one conditional write.
 */
export function dynamoMailQuota(db: DynamoDBDocumentClient, table: string): MailQuota {
  return {
    async take(key, limit, windowSeconds, now) {
      const opened = await conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: { pk: key, sk: SK, sent: 1, expiresAt: epochSeconds(now) + windowSeconds },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': epochSeconds(now) },
          }),
        ),
      );
      if (opened) return true;
      return conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: key, sk: SK },
            UpdateExpression: 'ADD sent :one',
            ConditionExpression: 'expiresAt > :now AND sent < :limit',
            ExpressionAttributeValues: { ':one': 1, ':now': epochSeconds(now), ':limit': limit },
          }),
        ),
      );
    },
  };
}
