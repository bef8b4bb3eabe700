/**
 * Opaque pagination cursors: the last evaluated key of a Query, as base64url JSON. A cursor
 * comes back from outside, so decoding checks it names the partition (and sort-key range)
 * of the listing it is used for: no cursor reads elsewhere, and none fails the read with a 500.
 */
import { InvalidCursorError } from '../../governance/paging';
import { isStorableNumber } from '../../security/storable-number';

/** A table or index key, as the DocumentClient reads and writes it. */
export type Key = Record<string, unknown>;

export const encodeCursor = (key: Key | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * The key a cursor holds, any shape.
 * @throws InvalidCursorError when unreadable, or holding a value no key attribute can take.
 */
export function decodeCursor(cursor: string | undefined): Key | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A key attribute DynamoDB cannot hold (sort keys end at 1,024 bytes) would fail the read with a 500.
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(fitsKey)) {
      return value as Key;
    }
  } catch {
    // fall through: an unreadable cursor is the caller's error
  }
  throw new InvalidCursorError();
}

const MAX_KEY_BYTES = 1024;
/** A UTF-16 surrogate with no partner: no key we write holds one, and it has no UTF-8 form to send. */
const LONE_SURROGATE = /\p{Cs}/u;
const fitsKey = (v: unknown): boolean =>
  (typeof v === 'string' && v.length > 0 && Buffer.byteLength(v) <= MAX_KEY_BYTES && !LONE_SURROGATE.test(v)) ||
  (typeof v === 'number' && isStorableNumber(v));

/**
 * The sort-key condition of a Query, the one value both its KeyConditionExpression
 * ({@link sortKeyCondition}) and its cursor check ({@link CursorShape}'s `within`) are made from,
 * so a cursor is accepted iff DynamoDB takes its key as the start key (else a ValidationException, a 500):
 * - `[low, high]`: `BETWEEN low AND high`, both ends included;
 * - {@link beginsWith}: `begins_with(sk, prefix)` (the prefix's successor, e.g. `CONTACT$`, is outside);
 * - {@link ANY_SORT_KEY}: no sort-key condition, every key of the partition.
 */
export type KeyRange = readonly [low: string, high: string] | { readonly prefix: string } | { readonly any: true };

/** Every sort key that starts with `prefix`, as `begins_with` reads it. */
export const beginsWith = (prefix: string): KeyRange => ({ prefix });

/** A Query with no sort-key condition: every key of the partition. */
export const ANY_SORT_KEY: KeyRange = { any: true };

/** DynamoDB's order of strings: by their UTF-8 bytes (not JavaScript's UTF-16 code units). */
export const compareKeys = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Whether `value` meets `range` as DynamoDB judges a key condition. */
export function inKeyRange(value: string, range: KeyRange): boolean {
  if (isBetween(range)) return compareKeys(value, range[0]) >= 0 && compareKeys(value, range[1]) <= 0;
  if ('prefix' in range) {
    const bytes = Buffer.from(value, 'utf8');
    const prefix = Buffer.from(range.prefix, 'utf8');
    return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
  }
  return true;
}

const isBetween = (range: KeyRange): range is readonly [string, string] => Array.isArray(range);

/** Placeholder names of a sort-key condition's values. */
export interface KeyConditionNames {
  readonly low?: string;
  readonly high?: string;
  readonly prefix?: string;
}

/**
 * The sort-key part of a KeyConditionExpression over attribute `name` (or its `#placeholder`),
 * and its values; no expression for {@link ANY_SORT_KEY}.
 */
export function sortKeyCondition(
  name: string,
  range: KeyRange,
  { low = ':lo', high = ':hi', prefix = ':prefix' }: KeyConditionNames = {},
): { readonly expression?: string; readonly values: Record<string, string> } {
  if (isBetween(range))
    return { expression: `${name} BETWEEN ${low} AND ${high}`, values: { [low]: range[0], [high]: range[1] } };
  if ('prefix' in range) return { expression: `begins_with(${name}, ${prefix})`, values: { [prefix]: range.prefix } };
  return { values: {} };
}

/** A cursor's key must name the expected partition (and range), so no cursor reads elsewhere. */
export interface CursorShape {
  /** Attribute -> exact value required (partition keys). */
  readonly equals: Readonly<Record<string, string>>;
  /**
   * Attribute -> the range a sort key must fall in: for the Query's own sort key, the very
   * {@link KeyRange} its key condition is made from.
   */
  readonly within: Readonly<Record<string, KeyRange>>;
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
  for (const [name, range] of Object.entries(shape.within)) {
    const value = key[name];
    if (typeof value !== 'string' || !inKeyRange(value, range)) throw new InvalidCursorError();
  }
  return key;
}
