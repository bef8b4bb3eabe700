/**
 * The one place a failed condition is recognised: a conditional write's
 * `ConditionalCheckFailedException`, or a transaction cancelled because one of its items'
 * conditions failed (`TransactionCanceledException` with that cancellation reason); and a write
 * that lost to a transaction in flight.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

const reasonsOf = (error: unknown) =>
  error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];

/**
 * True when `error` is a failed condition: of the write itself, or of a transaction's item
 * (item `index` only, when given; any item otherwise).
 */
export function isConditionFailure(error: unknown, index?: number): boolean {
  if (index === undefined && error instanceof ConditionalCheckFailedException) return true;
  const reasons = reasonsOf(error);
  return index === undefined
    ? reasons.some((r) => r.Code === 'ConditionalCheckFailed')
    : reasons[index]?.Code === 'ConditionalCheckFailed';
}

/**
 * True when a write lost to a transaction in flight on the same items: a transaction cancelled for
 * that (`TransactionConflict` among its reasons), or a single-item write refused for it
 * (`TransactionConflictException`: nothing was written). Either is a lost race: read again and retry.
 */
export const isTransactionConflict = (error: unknown): boolean =>
  (error as { name?: unknown } | undefined)?.name === 'TransactionConflictException' ||
  reasonsOf(error).some((r) => r.Code === 'TransactionConflict');

/**
 * Runs a conditional write (or transaction); false when its condition failed (that of item
 * `index`, when given), any other error thrown on.
 */
export async function conditionally(write: Promise<unknown>, index?: number): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error, index)) return false;
    throw error;
  }
}
