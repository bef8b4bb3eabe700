/**
 * Paging over filtered queries. DynamoDB applies `Limit` before a FilterExpression, so one
 * page may hold fewer matches than asked for (even none) while more exist: pages are read
 * until the limit is filled or the data ends, up to a cap per request, and the cursor
 * resumes exactly after the last entry returned.
 */
import { decodeCursor, encodeCursor, InvalidCursorError } from '../adapters/keys';
import { ValidationError } from '../errors';

export type Key = Record<string, unknown>;

export interface RawPage<T> {
  readonly items: readonly T[];
  readonly lastKey?: Key;
}

export interface CollectOptions<T> {
  readonly limit: number;
  readonly startKey?: Key;
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

/** A cursor's key must name the expected partition (and range), so no cursor reads elsewhere. */
export interface CursorShape {
  /** Attribute -> exact value required (partition keys). */
  readonly equals: Readonly<Record<string, string>>;
  /** Attribute -> inclusive [low, high] range a sort key must fall in. */
  readonly within: Readonly<Record<string, readonly [string, string]>>;
}

/**
 * Decodes a cursor to an ExclusiveStartKey, refusing any other shape.
 * @throws InvalidCursorError when unreadable or pointing outside the expected partition/range.
 */
export function decodeKeyCursor(cursor: string | undefined, shape: CursorShape): Key | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const expected = [...Object.keys(shape.equals), ...Object.keys(shape.within)].sort();
  const actual = Object.keys(key).sort();
  if (expected.length !== actual.length || expected.some((name, i) => name !== actual[i])) {
    throw new InvalidCursorError();
  }
  for (const [name, value] of Object.entries(shape.equals)) {
    if (key[name] !== value) throw new InvalidCursorError();
  }
  for (const [name, [low, high]] of Object.entries(shape.within)) {
    const value = key[name];
    if (typeof value !== 'string' || value < low || value > high) throw new InvalidCursorError();
  }
  return key;
}

export { encodeCursor };

/** Runs a listing; a bad cursor is the caller's error (400 `INVALID_CURSOR`), not a 500. */
export async function withCursorErrors<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new ValidationError(error.message, 'INVALID_CURSOR', { cause: error });
    throw error;
  }
}
