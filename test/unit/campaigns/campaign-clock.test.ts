/**
 * Campaign time (shared/clock.ts): the wall clock in the cloud; locally, with TIME_SCALE, faster
 * from an origin. A provider's real timestamp placed on it lands after what it follows.
 */
import { describe, expect, it } from 'vitest';
import { parseClockOrigin, scaledClock } from '../../../shared/clock';

describe('scaledClock', () => {
  it('is the wall clock at scale 1: now, delays and provider times unchanged', () => {
    let real = 1_000_000;
    const clock = scaledClock(1, { realMs: 0, clockMs: 0 }, () => real);
    expect(clock.now().getTime()).toBe(1_000_000);
    expect(clock.realDelayMs(new Date(1_005_000))).toBe(5_000);
    expect(clock.fromReal(999_000).getTime()).toBe(999_000);
    real += 10;
    expect(clock.now().getTime()).toBe(1_000_010);
  });

  it('runs `scale` times faster from its origin, and places a real instant where it falls on it', () => {
    let real = 10_000;
    const origin = { realMs: 10_000, clockMs: 50_000_000 };
    const clock = scaledClock(3600, origin, () => real);
    expect(clock.now().getTime()).toBe(50_000_000);
    real += 1_000; // one real second: one campaign hour
    expect(clock.now().getTime()).toBe(50_000_000 + 3_600_000);
    // An hour of campaign time from now is one real second away.
    expect(clock.realDelayMs(new Date(clock.now().getTime() + 3_600_000))).toBe(1_000);
    // A delivery stamped half a real second ago happened half a campaign hour ago, not days ago.
    expect(clock.fromReal(real - 500).getTime()).toBe(clock.now().getTime() - 1_800_000);
    expect(clock.fromReal(origin.realMs).getTime()).toBe(origin.clockMs);
  });

  it('reads the origin the runtime writes', () => {
    expect(parseClockOrigin('10:20')).toEqual({ realMs: 10, clockMs: 20 });
    expect(parseClockOrigin('x')).toBeUndefined();
    expect(parseClockOrigin(undefined)).toBeUndefined();
  });
});
