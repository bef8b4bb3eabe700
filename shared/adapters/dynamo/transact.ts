/** TransactWriteItems: every item written or none (a failed condition is read with `conditions.ts`). */
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, isTransactionConflict } from './conditions';
import type { Item } from './item';

/** The most items DynamoDB takes in one TransactWriteItems (more: a ValidationException, never retried). */
export const MAX_TRANSACTION_ITEMS = 100;

/** One Put, Update, Delete or ConditionCheck of a transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A Put that only creates: its condition fails when the key exists. */
export const putIfAbsent = (table: string, item: Item): TransactItem => ({
  Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Attempts of a transaction that another one in flight on the same items cancelled. */
export const TRANSACTION_CONFLICT_ATTEMPTS = 5;

/**
 * How a transaction cancelled by a conflict is tried again: `attempts` in all, the n-th retry after
 * a random wait below `min(capMs, baseMs * 2^n)` ("full jitter": contenders spread out rather than
 * meet again).
 */
export interface ConflictRetry {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

/** A transaction on items few requests share: five attempts, waits below 40, 80, 160 and 320 ms. */
export const CONFLICT_RETRY: ConflictRetry = { attempts: TRANSACTION_CONFLICT_ATTEMPTS, baseMs: 20, capMs: 320 };

/**
 * A transaction that moves a counter every create and delete of a workspace's things moves (its
 * custom roles, settings, API keys): concurrent changes of different things all meet on that one
 * item, and DynamoDB lets one transaction at a time through it (tens of milliseconds each), so a
 * burst of them needs more patience than a rare clash: ten attempts, waits below 50, 100, 200,
 * 400, then 500 ms (3.25 s of waits at worst, half that on average, well within a function's 10 s).
 */
export const COUNTER_CONFLICT_RETRY: ConflictRetry = { attempts: 10, baseMs: 25, capMs: 500 };

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Writes every item or none. A cancelled transaction throws `TransactionCanceledException`,
 * whose reasons `isConditionFailure(error, index)` reads per item. A transaction cancelled only
 * because another one touched the same item at the same time (`TransactionConflict`, which the SDK
 * does not retry) is tried again after a jittered backoff (`retry`): a hot item (a counter) must not
 * turn concurrency into failures. One whose condition failed is never tried again here.
 */
export async function transactWrite(
  db: DynamoDBDocumentClient,
  items: readonly TransactItem[],
  sleep: (ms: number) => Promise<void> = pause,
  retry: ConflictRetry = CONFLICT_RETRY,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || isConditionFailure(error) || attempt >= retry.attempts) {
        throw error;
      }
      await sleep(Math.random() * Math.min(retry.capMs, retry.baseMs * 2 ** attempt));
    }
  }
}

/**
 * {@link transactWrite} of a transaction that moves a counter shared by a workspace's creates and
 * deletes (its custom roles, settings, API keys): conflicts tried again with {@link COUNTER_CONFLICT_RETRY}.
 */
export const transactWriteOnCounter = (db: DynamoDBDocumentClient, items: readonly TransactItem[]): Promise<void> =>
  transactWrite(db, items, pause, COUNTER_CONFLICT_RETRY);
