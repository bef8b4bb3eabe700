/**
 * A cap on marketing mail per contact across every campaign ("at most 3 a week"): a send the cap
 * would exceed is deferred to the first instant it fits, never dropped. The cap is about what the
 * contact receives: each logged mail counts at the instant it is sent or will be (the marketing
 * send log, campaign-mailer.ts; the sender moves the entry of a mail it holds, for its send window
 * or given back to the queue (paused, paced, throttled, providers down), to when it is tried again,
 * and of one sent after such a hold to when it went: send-email.ts `countsAt`), so a count looks on
 * both sides of the proposed send.
 */
import * as z from 'zod/mini';

export const frequencyCap = z.strictObject({
  max: z.number().check(z.int(), z.gte(1), z.lte(100)),
  per: z.enum(['day', 'week']),
});
export type FrequencyCap = z.infer<typeof frequencyCap>;

const PERIOD_MS = { day: 86_400_000, week: 7 * 86_400_000 } as const;

/**
 * When the next marketing email may go to a contact whose marketing mail goes (or went) at `sends`
 * (instants in ms, any order, past or future): `nowMs` if a send then keeps the cap, else the first
 * later instant that does. A send at `t` keeps it when no `max` of the sends fall, together with
 * `t`, within less than one period: no rolling day (week) the contact would receive more than
 * `max` in. So a send counts before `t` (sent in the last period) and after it (promised: a held
 * mail's next opening; a send stamped a few ms after the step read its time, an earlier email of the
 * same step or another campaign's that took the cap lock first).
 *
 * The instants that fail form open intervals, each ending a period after one of the sends: the
 * first that fits is `nowMs` or one of those ends.
 */
export function nextAllowedSend(cap: FrequencyCap, sends: readonly number[], nowMs: number): number {
  const period = PERIOD_MS[cap.per];
  const sorted = [...sends].sort((a, b) => a - b);
  const fits = (t: number): boolean => {
    const near = sorted.filter((s) => s > t - period && s < t + period);
    // Every run of `max` neighbouring sends, with `t`: the tightest `max` there can be.
    for (let i = 0; i + cap.max <= near.length; i += 1) {
      const first = Math.min(near[i] as number, t);
      const last = Math.max(near[i + cap.max - 1] as number, t);
      if (last - first < period) return false;
    }
    return true;
  };
  if (fits(nowMs)) return nowMs;
  const ends = sorted.map((s) => s + period).filter((t) => t > nowMs);
  // The latest end always fits (every send is a period or more before it): `find` finds one.
  return ends.find(fits) ?? Math.max(nowMs, ...ends);
}
