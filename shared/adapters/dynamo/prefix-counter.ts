/**
 * A count of a partition's items under a sort-key prefix (a workspace's custom roles, its
 * settings), kept in a counter item of the same partition and moved in the same transaction as
 * every creation and deletion of a counted item, so the count is the number of items at every
 * commit and concurrent creates cannot pass a cap.
 *
 * Things kept outside the counter's partition (an organization's workspaces) are counted the same
 * way, with a `count` of their own for the first write.
 *
 * A partition whose items predate its counter is counted by the first write that needs the counter,
 * creation or deletion alike: a strongly consistent count of the items, plus or minus the one
 * written, set only if no other write counted it meanwhile (`attribute_not_exists`). Every write of
 * a counted item goes through here, so between that count and the commit the items can only
 * change with the counter, whose appearance fails the condition (and the write counts again, now
 * with an ADD). Before deletions counted too, a deletion racing the first creation's count left
 * the counter one above the items for good.
 *
 * The counter item is shared by every write of the partition's counted items, so concurrent
 * changes of different items meet on it: a transaction cancelled only by that conflict is tried
 * again by {@link transactWriteOnCounter}; a failed condition (the cap
 * reached, an item not as the caller read it) is answered at once, never retried.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../errors';
import { isConditionFailure, isTransactionConflict } from './conditions';
import { getItem } from './item';
import { countPrefix } from './query';
import { type TransactItem, transactWriteOnCounter } from './transact';

export interface PrefixCount {
  /** The counter item's sort key (in the partition of the items it counts). */
  readonly counterSk: string;
  /** Its attribute holding the count. */
  readonly attribute: string;
  /** The counter item's `type`. */
  readonly type: string;
}

/**
 * What a counter counts: the partition's items under a sort-key `prefix` (the counter's own key must
 * not start with it), or, for things kept elsewhere (an organization's workspaces), whatever `count`
 * counts when the partition's counter does not exist yet.
 */
export type CountedItems =
  | { readonly prefix: string; readonly count?: never }
  | { readonly count: (pk: string) => Promise<number>; readonly prefix?: never };

/**
 * A counted write's outcome: written (the items and the counter's move), refused because the
 * partition keeps `max` items already (a creation), or refused by the condition of the caller's
 * item `failedAt` (its index in the items given): nothing written either way.
 */
export type CountedWrite = 'written' | 'limit-reached' | { readonly failedAt: number };

export interface PrefixCounter {
  /**
   * Writes `items`, the creation of one counted item (a put that only creates, with whatever
   * else the write checks), in one transaction with the counter's increment, on the condition
   * that it stays within `max`.
   */
  create(pk: string, items: readonly TransactItem[], max: number): Promise<CountedWrite>;
  /** Writes `items`, the deletion of one counted item (conditional on it existing), with the decrement. */
  delete(pk: string, items: readonly TransactItem[]): Promise<Exclude<CountedWrite, 'limit-reached'>>;
}

/** Rounds of a write whose partition another write counted first (each reads the counter again). */
const COUNTING_ROUNDS = 5;

const busy = (cause: unknown) =>
  new ConflictError('Too many changes at once; try again', 'CONCURRENT_CHANGE', { cause });

export function prefixCounter(
  db: DynamoDBDocumentClient,
  table: string,
  spec: PrefixCount & CountedItems,
): PrefixCounter {
  const names = { '#n': spec.attribute, '#type': 'type' };

  /** The counter's move by `delta` (+1 or -1), for a partition counted or not yet; `limit-reached` when full. */
  async function counterMove(pk: string, delta: 1 | -1, max: number) {
    const Key = { pk, sk: spec.counterSk };
    const counter = await getItem(db, table, Key, { consistent: true });
    if (typeof counter?.[spec.attribute] === 'number') {
      // Counted: the counter must still be there (as it stays once written), and a creation within the cap.
      const condition = delta > 0 ? '#n < :max' : 'attribute_exists(#n)';
      const update: TransactItem = {
        Update: {
          TableName: table,
          Key,
          UpdateExpression: 'ADD #n :delta SET #type = :type',
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':delta': delta, ':type': spec.type, ...(delta > 0 ? { ':max': max } : {}) },
        },
      };
      return { update, counted: true };
    }
    const existing = spec.count ? await spec.count(pk) : await countPrefix(db, table, pk, spec.prefix);
    if (delta > 0 && existing >= max) return 'limit-reached' as const;
    const update: TransactItem = {
      Update: {
        TableName: table,
        Key,
        UpdateExpression: 'SET #n = :n, #type = :type',
        ConditionExpression: 'attribute_not_exists(#n)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':n': Math.max(0, existing + delta), ':type': spec.type },
      },
    };
    return { update, counted: false };
  }

  async function write(pk: string, items: readonly TransactItem[], delta: 1 | -1, max: number): Promise<CountedWrite> {
    for (let round = 1; ; round += 1) {
      const move = await counterMove(pk, delta, max);
      if (move === 'limit-reached') return move;
      try {
        // The counter first: a failed condition at 0 is the counter's, at i + 1 the caller's item i.
        await transactWriteOnCounter(db, [move.update, ...items]);
        return 'written';
      } catch (error) {
        const failedAt = items.findIndex((_, i) => isConditionFailure(error, i + 1));
        if (failedAt >= 0) return { failedAt };
        if (isTransactionConflict(error) && !isConditionFailure(error)) throw busy(error);
        if (!isConditionFailure(error, 0)) throw error;
        // The counter's condition: a counted partition is full; one not counted yet was counted
        // by another write meanwhile (read it again, and move it with an ADD).
        if (move.counted && delta > 0) return 'limit-reached';
        if (round >= COUNTING_ROUNDS) throw busy(error);
      }
    }
  }

  return {
    create: (pk, items, max) => write(pk, items, 1, max),
    delete: (pk, items) => write(pk, items, -1, Number.POSITIVE_INFINITY) as Promise<'written' | { failedAt: number }>,
  };
}
