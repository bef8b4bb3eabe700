/** TransactWriteItems: every item written or none (a failed condition is read with `conditions.ts`). */
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, isTransactionConflict } from './conditions';
import type { Item } from './item';

/** One Put, Update, Delete or ConditionCheck of a transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A Put that only creates: its condition fails when the key exists. */
export const putIfAbsent = (table: string, item: Item): TransactItem => ({
  Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Attempts of a transaction that another one in flight on the same items cancelled. */
export const TRANSACTION_CONFLICT_ATTEMPTS = 5;

/**
 * Writes every item or none. A cancelled transaction throws `TransactionCanceledException`,
 * whose reasons `isConditionFailure(error, index)` reads per item. A transaction cancelled only
 * because another one touched the same item at the same time (`TransactionConflict`, which the SDK
 * does not retry) is tried again after a short jittered backoff: a hot item (a counter) must not
 * turn concurrency into failures.
 */
export async function transactWrite(
  db: DynamoDBDocumentClient,
  items: readonly TransactItem[],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || isConditionFailure(error) || attempt >= TRANSACTION_CONFLICT_ATTEMPTS) {
        throw error;
      }
      await sleep(Math.random() * 20 * 2 ** attempt);
    }
  }
}
