// Review round 20: this test failed at 27bc9a0.
// A scale-1 clock ignored its origin (shared/clock.ts scaledClock), so a plain `npm start` after a
// TIME_SCALE run could not carry on from the campaign time saved in clock.json: it went backwards.
import { describe, expect, it } from 'vitest';
import { scaledClock } from '../../../shared/clock';

describe('scaledClock at scale 1 with an origin ahead of the wall clock (r20d)', () => {
  it('runs at real speed from the origin: now, delays and provider times all carry the offset', () => {
    let real = 1_000_000;
    const ahead = 2 * 3_600_000; // two hours of campaign time a TIME_SCALE run left ahead
    const clock = scaledClock(1, { realMs: real, clockMs: real + ahead }, () => real);
    expect(clock.scale).toBe(1);
    expect(clock.now().getTime()).toBe(1_000_000 + ahead);
    real += 5_000;
    expect(clock.now().getTime()).toBe(1_005_000 + ahead);
    // A due time one real minute ahead of campaign now is one real minute away.
    expect(clock.realDelayMs(new Date(clock.now().getTime() + 60_000))).toBe(60_000);
    // A stamp in the past of campaign time (set before the restart) is due now.
    expect(clock.realDelayMs(new Date(real))).toBe(0);
    // A provider's real stamp lands where it falls on the campaign clock, not hours before it.
    expect(clock.fromReal(real - 1_000).getTime()).toBe(clock.now().getTime() - 1_000);
  });
});
