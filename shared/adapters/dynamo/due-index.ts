/**
 * The sparse due-time indexes of the core table: a GSI partition per shard, each entry's sort key
 * starting with its due time (`<ISO time>#...`), so a sweep reads a shard's overdue entries oldest
 * first and moves those it could not finish to the back. One reading and one moving for every such
 * index: the campaign steps' (gsi2 `DUE#step#<shard>`, dynamo-enrolments.ts) and the contacts'
 * pending domain events (gsi1 `DUE#contactEvents#<shard>`, dynamo-contact-events-due.ts).
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../resilience/map-limit';
import { conditionally } from './conditions';
import type { Item } from './item';

/** The index attributes of each GSI of the core table. */
const INDEX_KEYS = { gsi1: ['gsi1pk', 'gsi1sk'], gsi2: ['gsi2pk', 'gsi2sk'] } as const;
export type DueIndex = keyof typeof INDEX_KEYS;

/**
 * One page of `limit` entries of the index partition `partition` whose due time is at or before
 * `before`, oldest first; `after` is the previous page's `next` (opaque: the index's last key).
 */
export async function dueIndexPage(
  db: DynamoDBDocumentClient,
  table: string,
  index: DueIndex,
  partition: string,
  before: Date,
  limit: number,
  after?: Record<string, unknown>,
): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
  const [pkName, skName] = INDEX_KEYS[index];
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: `${pkName} = :pk AND ${skName} <= :now`,
      // `~` sorts after every character the rest of a sort key holds: every entry of that time.
      ExpressionAttributeValues: { ':pk': partition, ':now': `${before.toISOString()}~` },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: after } : {}),
    }),
  );
  return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
}

/** UpdateItems in flight at once when a sweep moves the entries it handled. */
const MOVE_CONCURRENCY = 16;

/** Where an entry goes back to: its item's key, its new index sort key, and when the move still holds. */
export interface DueMove {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly sortKey: string;
  /** A further condition of the move (the entry is still the one read), with its names and values. */
  readonly condition?: {
    readonly expression: string;
    readonly names?: Record<string, string>;
    readonly values?: Record<string, unknown>;
  };
}

/**
 * Moves index entries (their sort key only: the partition, so the shard, stays) to where `moveOf`
 * says, each only while the item still has an entry in a partition starting with `partitionPrefix`
 * (one taken out meanwhile is not put back) and `condition` holds. Best effort, entry by entry: a
 * move that fails (its condition, a throttle, a transaction on the item) leaves that entry where it
 * was and the others are moved all the same; the failures are answered, never thrown.
 */
export async function moveDueEntries<T>(
  db: DynamoDBDocumentClient,
  table: string,
  index: DueIndex,
  partitionPrefix: string,
  entries: readonly T[],
  moveOf: (entry: T) => DueMove,
): Promise<{ readonly entry: T; readonly error: unknown }[]> {
  const [pkName, skName] = INDEX_KEYS[index];
  const notMoved: { entry: T; error: unknown }[] = [];
  await mapLimit(entries, MOVE_CONCURRENCY, async (entry) => {
    const move = moveOf(entry);
    const conditions = [`begins_with(#duePk, :due)`, ...(move.condition ? [move.condition.expression] : [])];
    await conditionally(
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: move.key,
          UpdateExpression: 'SET #dueSk = :moved',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#duePk': pkName, '#dueSk': skName, ...move.condition?.names },
          ExpressionAttributeValues: { ':moved': move.sortKey, ':due': partitionPrefix, ...move.condition?.values },
        }),
      ),
    ).catch((error: unknown) => void notMoved.push({ entry, error }));
  });
  return notMoved;
}
