/**
 * A cap on marketing mail per contact across every campaign ("at most 3 a week"): a send the cap
 * would exceed is deferred to when the oldest counted send leaves the window, never dropped.
 */
import * as z from 'zod/mini';

export const frequencyCap = z.strictObject({
  max: z.number().check(z.int(), z.gte(1), z.lte(100)),
  per: z.enum(['day', 'week']),
});
export type FrequencyCap = z.infer<typeof frequencyCap>;

const WINDOW_MS = { day: 86_400_000, week: 7 * 86_400_000 } as const;

/**
 * When the next marketing email may go to a contact who was sent marketing at `recentSends`
 * (instants in ms, any order): `nowMs` if under the cap, else the moment enough of them have
 * aged out of the rolling window.
 *
 * A send dated after `nowMs` counts too: the step read its time before the send it must see was
 * logged (the mailer stamps its own, a few ms later: an earlier email of the same step, or
 * another campaign's send that took the cap lock first). A send is a send, whenever stamped.
 */
export function nextAllowedSend(cap: FrequencyCap, recentSends: readonly number[], nowMs: number): number {
  const window = WINDOW_MS[cap.per];
  const inWindow = recentSends.filter((t) => t > nowMs - window).sort((a, b) => a - b);
  if (inWindow.length < cap.max) return nowMs;
  // The send that must age out is the (count - max + 1)-th oldest.
  const mustExpire = inWindow[inWindow.length - cap.max] as number;
  return mustExpire + window;
}
