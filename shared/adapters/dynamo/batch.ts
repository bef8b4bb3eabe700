/**
 * BatchGetItem and BatchWriteItem over any number of items: split into the API's chunks
 * (100 keys, 25 writes), a few chunks in flight, and the items DynamoDB left unprocessed
 * (throttling, size limits) sent again with capped, jittered exponential backoff through the
 * resilience kit. Still unprocessed after the retries, the call fails: a caller never gets
 * a silently partial answer.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../resilience/map-limit';
import { retryWith } from '../../resilience/retry-loop';
import type { Key } from './cursor';
import type { Item } from './item';

const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
/** Chunks in flight at once. */
const CONCURRENCY = 4;
/** Unprocessed-item retries: 50 ms doubling to 1 s, before jitter. */
const RETRY = { retries: 8, baseMs: 50, capMs: 1000 } as const;

/** Some items of a batch were left unprocessed; the retry sends those again. */
class UnprocessedItemsError extends Error {
  override name = 'UnprocessedItemsError';
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

/** Runs `send` on the pending items until none is left unprocessed. */
async function untilProcessed<T>(pending: T[], send: (items: T[]) => Promise<T[]>): Promise<void> {
  let left = pending;
  await retryWith(
    async () => {
      left = await send(left);
      if (left.length > 0) throw new UnprocessedItemsError(`${left.length} items left unprocessed`);
    },
    // Only the unprocessed rest is retried here; the SDK has already retried its own errors.
    (error) => ({ retryable: error instanceof UnprocessedItemsError, kind: 'unknown' }),
    RETRY,
  );
}

/**
 * The items of `keys` that exist, in no particular order (BatchGetItem, eventually consistent
 * unless `consistent`).
 * @throws RetryExhaustedError when keys stay unprocessed after the retries.
 */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  { consistent }: { consistent?: boolean } = {},
): Promise<Item[]> {
  const found = await mapLimit(chunksOf(keys, GET_CHUNK), CONCURRENCY, async (chunk) => {
    const items: Item[] = [];
    await untilProcessed(chunk, async (pending) => {
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } },
        }),
      );
      items.push(...(out.Responses?.[table] ?? []));
      return out.UnprocessedKeys?.[table]?.Keys ?? [];
    });
    return items;
  });
  return found.flat();
}

/**
 * Puts every item, unconditionally (BatchWriteItem); each chunk is written on its own.
 * @throws RetryExhaustedError when items stay unprocessed after the retries.
 */
export async function batchPut(db: DynamoDBDocumentClient, table: string, items: readonly Item[]): Promise<void> {
  await mapLimit(chunksOf(items, WRITE_CHUNK), CONCURRENCY, async (chunk) => {
    await untilProcessed(
      chunk.map((item): Item => ({ PutRequest: { Item: item } })),
      async (pending) => {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        return (out.UnprocessedItems?.[table] ?? []) as Item[];
      },
    );
  });
}

/**
 * GetItem by key, coalesced: reads asked for while a BatchGetItem is in flight wait for it to
 * end and then go together in the next one (keys deduplicated, `pk`/`sk` tables). The first read
 * goes at once, so a lone caller waits no longer than with GetItem; concurrent callers (the
 * records of one SQS batch) share a few calls instead of one each.
 */
export function coalescedGetter(
  db: DynamoDBDocumentClient,
  table: string,
  { consistent }: { consistent?: boolean } = {},
): (key: { pk: string; sk: string }) => Promise<Item | undefined> {
  type Waiter = { resolve: (item: Item | undefined) => void; reject: (error: unknown) => void };
  const id = (key: { pk: unknown; sk: unknown }) => `${String(key.pk)}\u0000${String(key.sk)}`;
  let pending = new Map<string, { key: Key; waiters: Waiter[] }>();
  let running = false;
  const rounds = async () => {
    await Promise.resolve(); // reads asked for in the same tick join the first call
    while (pending.size > 0) {
      const round = pending;
      pending = new Map();
      try {
        const items = await batchGet(
          db,
          table,
          [...round.values()].map((r) => r.key),
          consistent ? { consistent } : {},
        );
        const byId = new Map(items.map((item) => [id(item as { pk: unknown; sk: unknown }), item]));
        for (const [k, r] of round) for (const w of r.waiters) w.resolve(byId.get(k));
      } catch (error) {
        if (round.size > 1 && isValidationError(error)) {
          // One bad key fails a whole BatchGetItem: each key alone, so it fails only its own callers.
          await Promise.all([...round.values()].map((r) => readAlone(r.key, r.waiters)));
        } else {
          for (const r of round.values()) for (const w of r.waiters) w.reject(error);
        }
      }
    }
    running = false;
  };
  const readAlone = async (key: Key, waiters: Waiter[]) => {
    try {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: key, ...(consistent ? { ConsistentRead: true } : {}) }),
      );
      for (const w of waiters) w.resolve(out.Item);
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  };
  return (key) =>
    new Promise((resolve, reject) => {
      const k = id(key);
      const entry = pending.get(k) ?? { key, waiters: [] as Waiter[] };
      entry.waiters.push({ resolve, reject });
      pending.set(k, entry);
      if (!running) {
        running = true;
        void rounds();
      }
    });
}

/** DynamoDB's answer to a malformed request (a bad key, duplicates): not worth a retry. */
const isValidationError = (error: unknown): boolean =>
  (error as { name?: unknown } | null)?.name === 'ValidationException';

/**
 * The document client `db`, with every plain GetItem (no projection, a `pk`/`sk` key) going
 * through a {@link coalescedGetter} per table and read consistency: the records of one SQS batch,
 * run concurrently, read their enrolments, campaigns and contacts in a few BatchGetItem calls
 * instead of one GetItem each. Everything else goes to `db` as it is. The queue workers use it;
 * an HTTP function serves one request per instance in the cloud, so it would gain nothing there.
 */
export function withCoalescedGets(db: DynamoDBDocumentClient): DynamoDBDocumentClient {
  const getters = new Map<string, (key: { pk: string; sk: string }) => Promise<Item | undefined>>();
  const coalesced = (input: GetCommand['input']) => {
    const table = String(input.TableName);
    const consistent = input.ConsistentRead === true;
    const name = `${consistent ? 'c' : 'e'}\u0000${table}`;
    let getter = getters.get(name);
    if (!getter) {
      getter = coalescedGetter(db, table, { consistent });
      getters.set(name, getter);
    }
    return getter;
  };
  const send = (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    if (command instanceof GetCommand) {
      const { input } = command;
      const key = input.Key as Record<string, unknown> | undefined;
      const plain =
        input.ProjectionExpression === undefined &&
        input.AttributesToGet === undefined &&
        key !== undefined &&
        Object.keys(key).length === 2 &&
        typeof key.pk === 'string' &&
        typeof key.sk === 'string';
      if (plain) {
        return coalesced(input)({ pk: key.pk as string, sk: key.sk as string }).then((item) =>
          item ? { Item: item, $metadata: {} } : { $metadata: {} },
        );
      }
    }
    return (db.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  return new Proxy(db, {
    get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)),
  });
}

/**
 * Coalesces calls in rounds, as {@link coalescedGetter} does for reads: the first call goes at
 * once (after the current tick), calls made while a round is in flight wait and go together in
 * the next, and within a round the calls of one group run as one `run(members)` (e.g. counter
 * ADDs on one item summed into one UpdateItem). Every member gets that run's outcome: a failed
 * run fails each of its members.
 */
export function groupedRounds<T>(
  groupOf: (item: T) => string,
  run: (members: T[]) => Promise<void>,
): (item: T) => Promise<void> {
  type Member = { item: T; resolve: () => void; reject: (error: unknown) => void };
  let pending: Member[] = [];
  let running = false;
  const rounds = async () => {
    await Promise.resolve();
    while (pending.length > 0) {
      const round = pending;
      pending = [];
      const groups = new Map<string, Member[]>();
      for (const m of round) {
        const g = groupOf(m.item);
        groups.set(g, [...(groups.get(g) ?? []), m]);
      }
      await Promise.all(
        [...groups.values()].map((members) =>
          run(members.map((m) => m.item)).then(
            () => {
              for (const m of members) m.resolve();
            },
            (error: unknown) => {
              for (const m of members) m.reject(error);
            },
          ),
        ),
      );
    }
    running = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!running) {
        running = true;
        void rounds();
      }
    });
}
