/** Pagination cursors come from outside: anything the store could not take as a key is the caller's 400. */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../../shared/adapters/keys';

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
  ])('refuses %s as an invalid cursor', (_what, key) => {
    expect(() => decodeCursor(cursorOf(key))).toThrow(InvalidCursorError);
  });
  it('refuses text that is not a cursor', () => {
    expect(() => decodeCursor('not-base64-json')).toThrow(InvalidCursorError);
  });
});
