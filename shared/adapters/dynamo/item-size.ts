/**
 * DynamoDB keeps at most 400 KB per item, counted on the stored form (attribute names
 * included). A write past it fails with a ValidationException ("Item size has exceeded the
 * maximum allowed size", "Item size to update has exceeded..."), or, inside a transaction, as
 * a cancellation reason. Whatever the adapter, that is the caller's input being too large,
 * never our fault: {@link translateItemTooLarge} turns it into a 413 that says so, for every
 * command of a client.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PayloadTooLargeError } from '../../errors';

export const MAX_ITEM_BYTES = 400 * 1024;
const TOO_LARGE = /item size( to update)? has exceeded the maximum allowed size/i;

interface AwsErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly CancellationReasons?: ReadonlyArray<{ readonly Code?: string; readonly Message?: string }>;
}

/** Whether `error` is DynamoDB refusing an item over 400 KB. */
export function isItemTooLarge(error: unknown): boolean {
  const e = error as AwsErrorShape | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'ValidationException' && typeof e.message === 'string') return TOO_LARGE.test(e.message);
  if (e.name === 'TransactionCanceledException') {
    return (e.CancellationReasons ?? []).some((r) => TOO_LARGE.test(r.Message ?? ''));
  }
  return false;
}

export const itemTooLargeError = (cause: unknown) =>
  new PayloadTooLargeError(
    'What you sent is too large to store: a record may take at most 400 KB once stored. Send less (shorter or fewer fields, nodes or lines).',
    { cause, details: { maxItemBytes: MAX_ITEM_BYTES } },
  );

/** Adds the translation to `client` (and so to document clients made from it). */
export function translateItemTooLarge<C extends Pick<DynamoDBClient, 'middlewareStack'>>(client: C): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isItemTooLarge(error)) throw itemTooLargeError(error);
        throw error;
      }
    },
    { step: 'initialize', name: 'translateItemTooLarge', override: true },
  );
  return client;
}
