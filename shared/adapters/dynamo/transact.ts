/** TransactWriteItems: every item written or none (a failed condition is read with `conditions.ts`). */
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from './item';

/** One Put, Update, Delete or ConditionCheck of a transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A Put that only creates: its condition fails when the key exists. */
export const putIfAbsent = (table: string, item: Item): TransactItem => ({
  Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});

/**
 * Writes every item or none. A cancelled transaction throws `TransactionCanceledException`,
 * whose reasons `isConditionFailure(error, index)` reads per item.
 */
export async function transactWrite(db: DynamoDBDocumentClient, items: readonly TransactItem[]): Promise<void> {
  await db.send(new TransactWriteCommand({ TransactItems: [...items] }));
}
