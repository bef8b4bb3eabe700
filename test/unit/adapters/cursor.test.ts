/** Pagination cursors come from outside: anything the store could not take as a key is the caller's 400. */
import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeKeyCursor, encodeCursor } from '../../../shared/adapters/dynamo/cursor';
import { InvalidCursorError } from '../../../shared/governance/paging';

const cursorOf = (key: Record<string, unknown>) => encodeCursor(key) as string;

describe('decodeCursor', () => {
  it('reads back a key it wrote', () => {
    const key = { pk: 'WS#w1', sk: 'CONTACT#c1', n: 3 };
    expect(decodeCursor(cursorOf(key))).toEqual(key);
  });
  it.each([
    ['an over-long key value', { pk: 'WS#w1', sk: `2026${'a'.repeat(1100)}` }],
    ['an empty key value', { pk: 'WS#w1', sk: '' }],
    ['a nested value', { pk: 'WS#w1', sk: { S: 'x' } }],
    ['a number the store cannot keep', { pk: 'WS#w1', n: 1e125 }],
    ['a lone surrogate (no UTF-8 form)', { pk: 'WS#w1', sk: 'CONTACT#\ud800x' }],
  ])('refuses %s as an invalid cursor', (_what, key) => {
    expect(() => decodeCursor(cursorOf(key))).toThrow(InvalidCursorError);
  });
  it('keeps a key with a character outside the BMP (a surrogate pair)', () => {
    const key = { pk: 'WS#w1', sk: 'CONTACT#😀' };
    expect(decodeCursor(cursorOf(key))).toEqual(key);
  });
  it('refuses text that is not a cursor', () => {
    expect(() => decodeCursor('not-base64-json')).toThrow(InvalidCursorError);
  });
});

describe('decodeKeyCursor', () => {
  const shape = { equals: { pk: 'WS#a' }, within: { sk: ['0', '9999~'] as const } };

  it('accepts a cursor of the expected partition and range', () => {
    const key = { pk: 'WS#a', sk: '2026-01-01T00:00:00.000Z#1' };
    expect(decodeKeyCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it.each([
    ['another workspace', { pk: 'WS#b', sk: '2026-01-01T00:00:00.000Z#1' }],
    ['an extra attribute', { pk: 'WS#a', sk: '2026#1', gsi1pk: 'x' }],
    ['a sort key outside the range', { pk: 'WS#a', sk: 'ALERT#1' }],
    ['a non-string key', { pk: 'WS#a', sk: 5 }],
  ])('refuses %s', (_label, key) => {
    expect(() => decodeKeyCursor(encodeCursor(key), shape)).toThrow(InvalidCursorError);
  });

  it('refuses an unreadable cursor', () => {
    expect(() => decodeKeyCursor('not-base64-json', shape)).toThrow(InvalidCursorError);
  });
});
