/** Which JSON numbers reach a store: the 500s of numbers DynamoDB cannot keep become 400s naming the field. */
import { describe, expect, it } from 'vitest';
import { findIllFormedText, findUnstorableNumber, isStorableNumber } from '../../../shared/security/storable-number';

describe('isStorableNumber', () => {
  it.each([0, -0, 1, -1, 42.5, 0.1, 1e-130, -1e-130, 123456.789e10, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])(
    'keeps %d',
    (n) => expect(isStorableNumber(n)).toBe(true),
  );
  it.each([
    1e125,
    -1e126,
    1e-131,
    5e-324,
    Number.MAX_SAFE_INTEGER + 1,
    2 ** 53 + 2,
    Number(`1${'0'.repeat(41)}`),
    Number.MAX_VALUE,
    Number.POSITIVE_INFINITY,
    Number.NaN,
  ])('refuses %d', (n) => expect(isStorableNumber(n)).toBe(false));
});

describe('findUnstorableNumber', () => {
  it('names the path of the first number the store cannot keep, however deep', () => {
    expect(findUnstorableNumber({ a: 1, customFields: { big: 1e125 } })).toBe('customFields.big');
    expect(findUnstorableNumber({ list: [1, 2, { x: [0, 1e-131] }] })).toBe('list.2.x.1');
    expect(findUnstorableNumber(JSON.parse('{"n": 123456789012345678901234567890123456789012}'))).toBe('n');
    expect(findUnstorableNumber(-1e126)).toBe('');
  });
  it('passes documents of storable numbers, strings and nulls', () => {
    expect(findUnstorableNumber({ a: [1, 2.5, '1e400', null, true], b: { c: -0 } })).toBeUndefined();
  });
});

describe('findIllFormedText', () => {
  it('names the path of the first string or key with a lone surrogate', () => {
    expect(findIllFormedText({ a: 'ok', b: ['x', { c: 'bad\ud83d' }] })).toBe('b.1.c');
    expect(findIllFormedText({ 'k\udc00': 1 })).toBe('k\udc00');
    expect(findIllFormedText('\udc00\ud800')).toBe('');
  });
  it('passes paired surrogates and plain text', () => {
    expect(findIllFormedText({ a: '👍', b: '\ud83d\udc4d', c: [1, null, 'plain'] })).toBeUndefined();
  });
});
