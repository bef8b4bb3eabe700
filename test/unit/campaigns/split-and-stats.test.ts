import { describe, expect, it } from 'vitest';
import { judgeArms, twoProportionZ } from '../../../shared/campaigns/ab-test';
import { nextAllowedSend } from '../../../shared/campaigns/frequency-cap';
import { armFor, variantFor } from '../../../shared/campaigns/split';

const split = {
  id: 'ab',
  arms: [
    { id: 'a', percent: 50 },
    { id: 'b', percent: 30 },
    { id: 'c', percent: 10 },
  ],
};

describe('splits', () => {
  it('fills arms within 2 points of their share over 10,000 contacts, holdout included', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, holdout: 0 };
    for (let i = 0; i < 10_000; i += 1) {
      const arm = armFor(split, 'campaign-1', `contact-${i}`);
      counts[arm?.id ?? 'holdout'] = (counts[arm?.id ?? 'holdout'] ?? 0) + 1;
    }
    expect(Math.abs((counts.a as number) / 100 - 50)).toBeLessThan(2);
    expect(Math.abs((counts.b as number) / 100 - 30)).toBeLessThan(2);
    expect(Math.abs((counts.c as number) / 100 - 10)).toBeLessThan(2);
    expect(Math.abs((counts.holdout as number) / 100 - 10)).toBeLessThan(2);
  });

  it('puts a contact in the same arm every time, and differently per campaign', () => {
    const arms = Array.from({ length: 200 }, (_, i) => armFor(split, 'c1', `x${i}`)?.id);
    expect(Array.from({ length: 200 }, (_, i) => armFor(split, 'c1', `x${i}`)?.id)).toEqual(arms);
    expect(Array.from({ length: 200 }, (_, i) => armFor(split, 'c2', `x${i}`)?.id)).not.toEqual(arms);
    expect(variantFor(3, 'c1', 'welcome', 'x1')).toBe(variantFor(3, 'c1', 'welcome', 'x1'));
  });
});

describe('A/B verdicts', () => {
  it('gives no verdict under 100 per arm', () => {
    expect(
      judgeArms([
        { arm: 'a', entered: 99, successes: 90 },
        { arm: 'b', entered: 500, successes: 5 },
      ]),
    ).toEqual({ status: 'too-few', needPerArm: 100 });
  });

  it('computes the pooled z (textbook example) and names a significant winner', () => {
    // 120/1000 vs 90/1000: pooled p = 0.105, se = 0.013709, z = 2.1883.
    const z = twoProportionZ({ arm: 'a', entered: 1000, successes: 120 }, { arm: 'b', entered: 1000, successes: 90 });
    expect(z).toBeCloseTo(2.1883, 3);
    const verdict = judgeArms([
      { arm: 'b', entered: 1000, successes: 90 },
      { arm: 'a', entered: 1000, successes: 120 },
    ]);
    expect(verdict).toMatchObject({ status: 'winner', winner: 'a' });
    expect(verdict.status === 'winner' && verdict.lift).toBeCloseTo(1 / 3, 5);
  });

  it('calls a small difference no difference', () => {
    const verdict = judgeArms([
      { arm: 'a', entered: 1000, successes: 100 },
      { arm: 'b', entered: 1000, successes: 95 },
    ]);
    expect(verdict.status).toBe('no-difference');
  });
});

describe('frequency caps', () => {
  const hour = 3_600_000;
  const now = 100 * 24 * hour;
  it('allows a send under the cap at once', () => {
    expect(nextAllowedSend({ max: 2, per: 'day' }, [now - hour], now)).toBe(now);
  });

  it('defers a send over the cap until the oldest counted one leaves the window', () => {
    const sends = [now - 20 * hour, now - 5 * hour, now - hour];
    expect(nextAllowedSend({ max: 3, per: 'day' }, sends, now)).toBe(now - 20 * hour + 24 * hour);
    expect(nextAllowedSend({ max: 2, per: 'day' }, sends, now)).toBe(now - 5 * hour + 24 * hour);
    expect(nextAllowedSend({ max: 3, per: 'week' }, [...sends, now - 30 * hour], now)).toBe(
      now - 20 * hour + 7 * 24 * hour,
    );
  });
});
