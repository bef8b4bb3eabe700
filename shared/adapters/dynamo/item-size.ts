/**
 * DynamoDB keeps at most 400 KB per item, counted on the stored form (attribute names
 * included). A write past it fails with a ValidationException ("Item size has exceeded the
 * maximum allowed size", "Item size to update has exceeded..."), or, inside a transaction, as
 * a cancellation reason. Whatever the adapter, that is the caller's input being too large,
 * never our fault: the edge's error contract answers it with {@link itemTooLargeError}, a 413
 * that says so, for every route at once.
 */
import { PayloadTooLargeError } from '../../errors';

export const MAX_ITEM_BYTES = 400 * 1024;
const TOO_LARGE = /item size( to update)? has exceeded the maximum allowed size/i;

interface AwsErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly CancellationReasons?: ReadonlyArray<{ readonly Code?: string; readonly Message?: string }>;
}

/** Whether `error` (or an error it was caused by) is DynamoDB refusing an item over 400 KB. */
export function isItemTooLarge(error: unknown, depth = 0): boolean {
  const e = error as (AwsErrorShape & { readonly cause?: unknown }) | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'ValidationException' && typeof e.message === 'string') return TOO_LARGE.test(e.message);
  if (e.name === 'TransactionCanceledException') {
    return (e.CancellationReasons ?? []).some((r) => TOO_LARGE.test(r.Message ?? ''));
  }
  return depth < 5 && e.cause !== undefined && isItemTooLarge(e.cause, depth + 1);
}

export const itemTooLargeError = (cause: unknown) =>
  new PayloadTooLargeError(
    'What you sent is too large to store: a record may take at most 400 KB once stored. Send less (shorter or fewer fields, nodes or lines).',
    { cause, details: { maxItemBytes: MAX_ITEM_BYTES } },
  );
