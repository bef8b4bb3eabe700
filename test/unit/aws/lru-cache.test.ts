/**
 * The bundles' LRU (shared/aws/lru-cache.ts, aliased for `mnemonist/lru-cache`) answers every
 * operation the SDK's endpoint cache makes as mnemonist's LRUCache does, over random sequences.
 */
import fc from 'fast-check';
import MnemonistLru from 'mnemonist/lru-cache';
import { describe, expect, it } from 'vitest';
import LRUCache from '../../../shared/aws/lru-cache';

type Op =
  | { kind: 'set'; key: number; value: number }
  | { kind: 'get' | 'peek' | 'has'; key: number }
  | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 7 }), value: fc.integer() }),
  fc.record({
    kind: fc.constantFrom('get' as const, 'peek' as const, 'has' as const),
    key: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('clear' as const) }),
);

describe('the bundles LRU cache', () => {
  it('answers get, peek, has, set, clear and size as mnemonist does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const ours = new LRUCache<number, number>(capacity);
        const theirs = new MnemonistLru<number, number>(capacity);
        for (const o of ops) {
          if (o.kind === 'set') {
            ours.set(o.key, o.value);
            theirs.set(o.key, o.value);
          } else if (o.kind === 'clear') {
            ours.clear();
            theirs.clear();
          } else {
            expect(ours[o.kind](o.key)).toEqual(theirs[o.kind](o.key));
          }
          expect(ours.size).toBe(theirs.size);
        }
        for (let key = 0; key < 8; key += 1) expect(ours.peek(key)).toEqual(theirs.peek(key));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a capacity that is not a positive number, as mnemonist does', () => {
    expect(() => new LRUCache(0)).toThrow(/capacity/);
    expect(() => new MnemonistLru(0)).toThrow(/capacity/);
  });
});
