/**
 * Queries: every page of a partition, or one page of a listing behind an opaque cursor.
 * DynamoDB applies `Limit` before a FilterExpression, so a filtered listing may read several
 * pages to fill one answer: {@link collectPages} reads until the limit is filled or the data
 * ends, up to a cap per request, and the cursor resumes exactly after the last item returned.
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
}

/** Reads pages until `limit` matches are collected, the data ends or `maxPages` were read. */
export async function collectPages<T>(
  fetchPage: (startKey: Key | undefined) => Promise<RawPage<T>>,
  options: CollectOptions<T>,
): Promise<{ items: T[]; nextKey?: Key }> {
  const items: T[] = [];
  let start = options.startKey;
  for (let page = 0; page < options.maxPages; page++) {
    const { items: found, lastKey } = await fetchPage(start);
    for (const [i, item] of found.entries()) {
      items.push(item);
      if (items.length === options.limit) {
        const more = i < found.length - 1 || lastKey !== undefined;
        return more ? { items, nextKey: options.keyOf(item) } : { items };
      }
    }
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
  readonly collect?: { readonly maxPages: number; readonly keyOf: (item: Item) => Key };
  /**
   * With `collect`: the most bytes of items (as sent, {@link sentBytes}) a page answers, the first item always
   * (default {@link COLLECTED_PAGE_MAX_BYTES}); the page ends at the item that would pass it, and the
   * cursor resumes after the last one answered.
   */
  readonly maxBytes?: number;
}

/**
 * What a collected page answers at most by default, as sent: several store pages of up to 1 MB each
 * would pass what a function may answer (Lambda's 6 MB, a 5xx), with room for the views built on them.
 */
export const COLLECTED_PAGE_MAX_BYTES = 3_000_000;

/**
 * One page of a listing: the cursor decoded (and checked against `shape`), the query run,
 * and the cursor of the next page when there is one. Without `collect`, a cursor is answered
 * only when an item past the page was read (DynamoDB answers a LastEvaluatedKey whenever the
 * Query stops at its Limit, even at the partition's last item: taken for "more", a page holding
 * the last items sent the caller to an empty one).
 * @throws InvalidCursorError when the cursor is unreadable or names another partition or range.
 */
export async function pagedQuery(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  { limit, cursor, shape, collect, maxBytes = COLLECTED_PAGE_MAX_BYTES }: PagedQueryOptions,
): Promise<{ items: Item[]; cursor?: string }> {
  const startKey = decodeKeyCursor(cursor, shape);
  const query = collect ? input : { Limit: limit + 1, ...input };
  const fetchPage = async (start: Key | undefined): Promise<RawPage<Item>> => {
    const out = await db.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  };
  const { items, nextKey } = collect
    ? await collectPages(fetchPage, { limit, startKey, maxPages: collect.maxPages, keyOf: collect.keyOf })
    : await fetchPage(startKey).then((page) => onePage(page, limit, shape));
  const kept = collect ? itemsWithin(items, maxBytes) : items.length;
  const last = items[kept - 1];
  const next = encodeCursor(kept < items.length && collect && last ? collect.keyOf(last) : nextKey);
  const answered = kept < items.length ? items.slice(0, kept) : items;
  return next ? { items: answered, cursor: next } : { items: answered };
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

/** How many of `items`, from the first, fit in `maxBytes` as sent (at least one). */
function itemsWithin(items: readonly Item[], maxBytes: number): number {
  let bytes = 0;
  for (const [i, item] of items.entries()) {
    bytes += sentBytes(item);
    if (bytes > maxBytes && i > 0) return i;
  }
  return items.length;
}

const ANSWER_ESCAPED = /[<>&\u2028\u2029]/g;

/**
 * What an item weighs in a function's answer as the Lambda runtime sends it: its JSON, with `<`, `>`,
 * `&`, U+2028 and U+2029 as six-byte `\u` escapes (shared/http safeJson), inside the result's JSON
 * string (`"` and `\` two bytes each, so `\u003c` seven): an HTML value weighs 7 times its raw JSON.
 */
const sentBytes = (item: Item): number =>
  Buffer.byteLength(JSON.stringify(JSON.stringify(item).replace(ANSWER_ESCAPED, '\\u0000'))) - 2;
