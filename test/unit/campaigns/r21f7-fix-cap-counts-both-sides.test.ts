// Review round 21 (r21f7): the frequency cap counts each mail at the instant it is sent or will be
// (a held mail's entry moves to its window's next opening), so a proposed send is judged against the
// sends on both sides of it: no rolling period may hold more than `max`. Checked against a brute force.
import { describe, expect, it } from 'vitest';
import { type FrequencyCap, nextAllowedSend } from '../../../shared/campaigns/frequency-cap';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = 100 * DAY;

/** Whether sends at `times` keep the cap: no `max + 1` of them within less than a period. */
function keeps(cap: FrequencyCap, times: readonly number[]): boolean {
  const period = cap.per === 'day' ? DAY : 7 * DAY;
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0; i + cap.max < sorted.length; i += 1) {
    if ((sorted[i + cap.max] as number) - (sorted[i] as number) < period) return false;
  }
  return true;
}

/** The first instant on a 15-minute grid from `now` where one more send keeps the cap (with the others kept). */
function bruteForce(cap: FrequencyCap, sends: readonly number[], now: number): number {
  const period = cap.per === 'day' ? DAY : 7 * DAY;
  // Only the constraints that involve the new send: a group of `max` others within a period with it.
  const fits = (t: number) => {
    const near = sends.filter((s) => Math.abs(s - t) < period).sort((a, b) => a - b);
    for (let i = 0; i + cap.max <= near.length; i += 1) {
      const group = [...near.slice(i, i + cap.max), t];
      if (Math.max(...group) - Math.min(...group) < period) return false;
    }
    return true;
  };
  for (let t = now; ; t += 15 * 60_000) if (fits(t)) return t;
}

describe('r21f7-fix: the cap judges a send against the mail sent and promised around it', () => {
  it('defers a send a day before a promised mail (a held mail at its next opening) to a day after it', () => {
    const cap = { max: 1, per: 'day' } as const;
    // A mail held to tomorrow 09:00 (16 hours away): sending now would put two within a day.
    expect(nextAllowedSend(cap, [NOW + 16 * HOUR], NOW)).toBe(NOW + 16 * HOUR + DAY);
  });

  it('sends at once when the promised mail is a period or more away, on either side', () => {
    const cap = { max: 1, per: 'day' } as const;
    expect(nextAllowedSend(cap, [NOW + DAY], NOW)).toBe(NOW);
    expect(nextAllowedSend(cap, [NOW - DAY, NOW + 30 * HOUR], NOW)).toBe(NOW);
  });

  it('fits a send between a past and a promised mail when no period holds more than max', () => {
    const cap = { max: 2, per: 'day' } as const;
    // 20 h ago and 20 h ahead: every day around now holds one of them and the new send.
    expect(nextAllowedSend(cap, [NOW - 20 * HOUR, NOW + 20 * HOUR], NOW)).toBe(NOW);
    // A third, promised an hour ahead: now, the day from 20 h ago would hold three; 4 h from now
    // (when that one is a day old), the day from then would hold the two promised ones and the new
    // send: it waits until a day after the first promised one.
    const sends = [NOW - 20 * HOUR, NOW + HOUR, NOW + 20 * HOUR];
    const at = nextAllowedSend(cap, sends, NOW);
    expect(at).toBe(NOW + HOUR + DAY);
    expect(keeps(cap, [...sends, at])).toBe(true);
  });

  it('matches a brute force over random histories, and its answer always keeps the cap', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let run = 0; run < 400; run += 1) {
      const cap: FrequencyCap = { max: 1 + Math.floor(random() * 3), per: random() < 0.8 ? 'day' : 'week' };
      const period = cap.per === 'day' ? DAY : 7 * DAY;
      // Sends on a 15-minute grid between a period before and a period after now, kept to the cap.
      const sends: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const t = NOW - period + Math.floor(random() * 8 * (period / HOUR)) * 15 * 60_000;
        if (keeps(cap, [...sends, t])) sends.push(t);
      }
      const at = nextAllowedSend(cap, sends, NOW);
      expect(at).toBe(bruteForce(cap, sends, NOW));
      expect(keeps(cap, [...sends, at])).toBe(true);
    }
  });
});
