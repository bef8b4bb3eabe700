/** Rate-limit counters in the `ephemeral` table: one conditional ADD per rule, expired by TTL. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterStore } from '../rate-limit/rate-limiter';

export function dynamoCounterStore(db: DynamoDBDocumentClient, table: string): CounterStore {
  return {
    async incrementBelow(key, limit, expiresAt) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: key, sk: 'counter' },
            UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': expiresAt },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(out.Attributes?.count);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  };
}
