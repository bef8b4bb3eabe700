/**
 * Queries: every page of a partition, or one page of a listing behind an opaque cursor.
 * DynamoDB applies `Limit` before a FilterExpression, so a filtered listing may read several
 * pages to fill one answer: {@link collectPages} reads until the limit is filled or the data
 * ends, up to a cap per request, and the cursor resumes after the last item returned (past
 * pages read that hold no further match).
 * Every listing page a function answers is cut to what it may send ({@link withinAnswer}).
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  beginsWith,
  type CursorShape,
  decodeKeyCursor,
  encodeCursor,
  type Key,
  type KeyRange,
  sortKeyCondition,
} from './cursor';
import type { Item } from './item';

/** The sort-key attribute of the table and of each index. */
const KEYS = { table: ['pk', 'sk'], gsi1: ['gsi1pk', 'gsi1sk'], gsi2: ['gsi2pk', 'gsi2sk'] } as const;

/** The Query for the items of partition `pk` whose sort key starts with `prefix`, on the table or an index. */
export function prefixQuery(table: string, pk: string, prefix: string, index: keyof typeof KEYS = 'table') {
  return rangeQuery(table, pk, beginsWith(prefix), index);
}

/** The Query for the items of partition `pk` whose sort key is in `range`, on the table or an index. */
export function rangeQuery(
  table: string,
  pk: string,
  range: KeyRange,
  index: keyof typeof KEYS = 'table',
): QueryCommandInput & { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> } {
  const [pkName, skName] = KEYS[index];
  const sort = sortKeyCondition(skName, range);
  return {
    TableName: table,
    ...(index === 'table' ? {} : { IndexName: index }),
    KeyConditionExpression: sort.expression ? `${pkName} = :pk AND ${sort.expression}` : `${pkName} = :pk`,
    ExpressionAttributeValues: { ':pk': pk, ...sort.values },
  };
}

/**
 * A listing of partition `pk` with sort keys in `range`: its Query and the cursor shape that resumes
 * it, both made from the one range, so a cursor passes iff DynamoDB takes its key as the start key.
 * On an index, a cursor also holds the table key: `on` names the table partition and sort-key range
 * of the items the listing returns.
 */
export function rangeListing(
  table: string,
  pk: string,
  range: KeyRange,
  on?: { readonly index: 'gsi1' | 'gsi2'; readonly tablePk: string; readonly tableSk: KeyRange },
): { input: ReturnType<typeof rangeQuery>; shape: CursorShape } {
  if (!on) return { input: rangeQuery(table, pk, range), shape: { equals: { pk }, within: { sk: range } } };
  const [pkName, skName] = KEYS[on.index];
  return {
    input: rangeQuery(table, pk, range, on.index),
    shape: { equals: { [pkName]: pk, pk: on.tablePk }, within: { [skName]: range, sk: on.tableSk } },
  };
}

/** Every page of a query, in order. */
export async function* queryPages(db: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item[]> {
  let start: Key | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * How many items of partition `pk` have a sort key starting with `prefix`: a strongly consistent
 * COUNT Query, every page (the counters' first count of a workspace counted before they existed).
 */
export const countPrefix = (db: DynamoDBDocumentClient, table: string, pk: string, prefix: string): Promise<number> =>
  countQuery(db, { ...prefixQuery(table, pk, prefix), ConsistentRead: true });

/** How many items a Query matches (after its filter, when it has one): a COUNT Query, every page. */
export async function countQuery(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}

/** Every item of a query (for partitions known to stay small). */
export async function queryAll(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(db, input)) items.push(...page);
  return items;
}

export interface RawPage<T> {
  readonly items: readonly T[];
  readonly lastKey?: Key | undefined;
}

export interface CollectOptions<T> {
  readonly limit: number;
  readonly startKey?: Key | undefined;
  /** Pages read at most per call; when hit, the cursor points past the last page read. */
  readonly maxPages: number;
  /** The index key of an item, to resume right after it. */
  readonly keyOf: (item: T) => Key;
  /** A lookup, whose caller takes no cursor: reading stops as soon as `limit` items are found. */
  readonly lookup?: boolean;
}

/**
 * Reads pages until `limit` matches are collected, the data ends or `maxPages` were read, and
 * tells whether more follow by a match past the page, never by a LastEvaluatedKey alone (DynamoDB
 * answers one whenever a Query stops at its Limit, even at the partition's end): a match later in
 * the same Query page costs no read, and the cursor resumes after the last item answered. When the
 * page is filled by the last match of a Query page that has more, the next pages are read (within
 * `maxPages`) until one holds a match, the cursor then resuming where that page starts (the pages
 * between hold none), or the data ends (no cursor). Only when `maxPages` runs out does the cursor
 * point past the last page read, whatever follows it.
 */
export async function collectPages<T>(
  fetchPage: (startKey: Key | undefined) => Promise<RawPage<T>>,
  options: CollectOptions<T>,
): Promise<{ items: T[]; nextKey?: Key }> {
  const items: T[] = [];
  let start = options.startKey;
  for (let page = 0; page < options.maxPages; page++) {
    const full = items.length >= options.limit;
    const { items: found, lastKey } = await fetchPage(start);
    if (full && found.length > 0 && start) return { items, nextKey: start };
    const room = options.limit - items.length;
    items.push(...found.slice(0, room));
    const last = items.at(-1);
    if (found.length > room && last !== undefined) return { items, nextKey: options.keyOf(last) };
    if (options.lookup && items.length >= options.limit) return { items };
    if (!lastKey) return { items };
    start = lastKey;
  }
  return start ? { items, nextKey: start } : { items };
}

export interface PagedQueryOptions {
  /**
   * Items answered at most; without `collect`, the Query reads one more (its `Limit`, unless the
   * input sets its own), which, when read, tells a next page exists.
   */
  readonly limit: number;
  /** Where the previous page ended, as the caller sent it back. */
  readonly cursor: string | undefined;
  /** What the cursor's key must look like: the listing's partition and sort-key range. */
  readonly shape: CursorShape;
  /**
   * For a filtered query: pages read at most to fill `limit`, and an item's key to resume
   * right after it; the input's own `Limit` (if any) sizes each page (one more than `limit` for
   * an unfiltered one, so a page holding the last items answers no cursor). Without it, one
   * Query page is the answer.
   */
  readonly collect?: Pick<CollectOptions<Item>, 'maxPages' | 'keyOf' | 'lookup'>;
  /**
   * The most bytes of items (as sent, {@link sentBytes}) the page answers, the first item always
   * (default {@link LISTING_PAGE_MAX_BYTES}); the page ends at the item that would pass it, and the
   * cursor resumes after the last one answered.
   */
  readonly maxBytes?: number;
}

/**
 * What a listing page answers at most by default, as sent: one Query page reads up to 1 MB of raw
 * items, which weigh up to 7 MB as sent, and several collected pages more, past what a function may
 * answer (Lambda's 6 MB, a 5xx); this leaves room for the views built on the items and their envelope.
 */
export const LISTING_PAGE_MAX_BYTES = 3_000_000;

/**
 * One page of a listing: the cursor decoded (and checked against `shape`), the query run,
 * and the cursor of the next page when there is one. Without `collect`, a cursor is answered
 * only when an item past the page was read (DynamoDB answers a LastEvaluatedKey whenever the
 * Query stops at its Limit, even at the partition's last item: taken for "more", a page holding
 * the last items sent the caller to an empty one). Either way the page is cut to `maxBytes` as
 * sent ({@link withinAnswer}), the cursor then after the last item answered.
 * @throws InvalidCursorError when the cursor is unreadable or names another partition or range.
 */
export async function pagedQuery(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  { limit, cursor, shape, collect, maxBytes = LISTING_PAGE_MAX_BYTES }: PagedQueryOptions,
): Promise<{ items: Item[]; cursor?: string }> {
  const startKey = decodeKeyCursor(cursor, shape);
  const query = collect ? input : { Limit: limit + 1, ...input };
  const fetchPage = async (start: Key | undefined): Promise<RawPage<Item>> => {
    const out = await db.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  };
  const found = collect
    ? await collectPages(fetchPage, { limit, startKey, ...collect })
    : await fetchPage(startKey).then((page) => onePage(page, limit, shape));
  const { items, cut } = withinAnswer(found.items, maxBytes);
  const last = items.at(-1);
  const keyOf = collect?.keyOf ?? ((item: Item) => keyIn(item, shape));
  const next = encodeCursor(cut && last ? keyOf(last) : found.nextKey);
  return next ? { items, cursor: next } : { items };
}

/**
 * A single Query page read one item past `limit`: that item, when read, is the next page's first
 * (the cursor resumes after the last item answered). When none was, a LastEvaluatedKey means the
 * Query stopped short of its Limit (its 1 MB per call): the next page resumes there.
 */
function onePage(page: RawPage<Item>, limit: number, shape: CursorShape): { items: Item[]; nextKey?: Key } {
  const last = page.items[limit - 1];
  if (page.items.length > limit && last) return { items: page.items.slice(0, limit), nextKey: keyIn(last, shape) };
  return page.lastKey ? { items: [...page.items], nextKey: page.lastKey } : { items: [...page.items] };
}

/** The key of `item` in a listing of `shape`: its partition and sort attributes (the table's, and an index's). */
const keyIn = (item: Item, shape: CursorShape): Key =>
  Object.fromEntries([...Object.keys(shape.equals), ...Object.keys(shape.within)].map((name) => [name, item[name]]));

/**
 * The first of a listing page's `items` that a function may answer: as many as fit in `maxBytes` as
 * sent ({@link sentBytes}), the first always (an item holds at most 400 KB). `cut` when some were
 * left out: the caller's cursor then resumes after the last item kept. Every listing a function
 * answers goes through it (pagedQuery, and the listings that read their own Query pages).
 */
export function withinAnswer<T extends object>(
  items: readonly T[],
  maxBytes = LISTING_PAGE_MAX_BYTES,
): { items: T[]; cut: boolean } {
  let bytes = 0;
  for (const [i, item] of items.entries()) {
    bytes += sentBytes(item);
    if (bytes > maxBytes && i > 0) return { items: items.slice(0, i), cut: true };
  }
  return { items: [...items], cut: false };
}

const ANSWER_ESCAPED = /[<>&\u2028\u2029]/g;

/**
 * What an item weighs in a function's answer as the Lambda runtime sends it: its JSON, with `<`, `>`,
 * `&`, U+2028 and U+2029 as six-byte `\u` escapes (shared/http safeJson), inside the result's JSON
 * string (`"` and `\` two bytes each, so `\u003c` seven): an HTML value weighs 7 times its raw JSON.
 */
const sentBytes = (item: object): number =>
  Buffer.byteLength(JSON.stringify(JSON.stringify(item).replace(ANSWER_ESCAPED, '\\u0000'))) - 2;
