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

/** A cursor's key must name the expected partition (and range), so no cursor reads elsewhere. */
export interface CursorShape {
  /** Attribute -> exact value required (partition keys). */
  readonly equals: Readonly<Record<string, string>>;
  /** Attribute -> inclusive [low, high] range a sort key must fall in. */
  readonly within: Readonly<Record<string, readonly [string, string]>>;
}

/** Every sort key that starts with `prefix`. */
export const prefixRange = (prefix: string): readonly [string, string] => [prefix, `${prefix}\uffff`];

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
