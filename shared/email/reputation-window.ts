/**
 * The rolling window reputation is judged over: per-workspace counters kept in UTC-hour buckets,
 * summed over the last {@link REPUTATION_WINDOW_HOURS} hours (7 days, the horizon mailbox
 * providers and SES look at). Reading a window is one bounded query of at most 169 small items.
 * A send counts in the hour it was sent, and so does a bounce or complaint about it, however late
 * it comes (process-event.ts), so a bucket's rates are those of its sends.
 * After a person resumes a paused workspace, only what was counted after the resume counts (the
 * buckets from the resume's hour on, less that hour's counts at the resume): the workspace is
 * judged on what it sent since, and needs the minimum volume again before a new pause. A late
 * bounce or complaint about a send from before the resume is counted in no bucket (the processor
 * reads the gate first), so it cannot enter the resume's hour after its baseline was taken.
 */
import type { ReputationStore, SendingGateState } from './event-ports';
import type { ReputationCounts } from './reputation';

export const REPUTATION_WINDOW_HOURS = 7 * 24;
const HOUR_MS = 60 * 60 * 1000;

/** `2026-12-04T08`: the UTC hour a moment falls in (sorts as time). */
export const hourOf = (atMs: number): string =>
  new Date(Math.floor(atMs / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);

/** `2026-12-04`: the UTC day (warnings are raised once per day). */
export const dayOf = (atMs: number): string => new Date(atMs).toISOString().slice(0, 10);

/** The first and last hour of the window ending at `nowMs` (inclusive), starting no earlier than `sinceMs`. */
export function windowHours(nowMs: number, sinceMs?: number): { from: string; to: string } {
  const start = nowMs - (REPUTATION_WINDOW_HOURS - 1) * HOUR_MS;
  return { from: hourOf(Math.max(start, sinceMs ?? start)), to: hourOf(nowMs) };
}

/**
 * The hour a fact counts in: the time of the send it is about (or, with no send record, its own),
 * but never in the future (clock skew) nor before the epoch.
 */
export const countingHour = (atMs: number, nowMs: number): string => hourOf(Math.max(0, Math.min(atMs, nowMs)));

export interface ReputationBucket extends ReputationCounts {
  readonly hour: string;
}

/** Sums the buckets inside the window (others are ignored, whatever the store returned). */
export function sumWindow(
  buckets: readonly ReputationBucket[],
  window: { from: string; to: string },
): ReputationCounts {
  let sent = 0;
  let bounces = 0;
  let complaints = 0;
  for (const b of buckets) {
    if (b.hour < window.from || b.hour > window.to) continue;
    sent += b.sent;
    bounces += b.bounces;
    complaints += b.complaints;
  }
  return { sent, bounces, complaints };
}

/** The window ending at `nowMs` for a workspace whose gate is `gate`, and its counts (see the top). */
export async function windowCounts(
  reputation: Pick<ReputationStore, 'counts'>,
  workspaceId: string,
  nowMs: number,
  gate: SendingGateState,
): Promise<{ window: { from: string; to: string }; counts: ReputationCounts }> {
  const window = windowHours(nowMs, gate.resumedAtMs);
  const counts = await reputation.counts(workspaceId, window);
  const base =
    gate.resumedAtMs !== undefined && window.from === hourOf(gate.resumedAtMs) ? gate.resumedBaseline : undefined;
  if (!base) return { window, counts };
  const less = (a: number, b: number) => Math.max(0, a - b);
  return {
    window,
    counts: {
      sent: less(counts.sent, base.sent),
      bounces: less(counts.bounces, base.bounces),
      complaints: less(counts.complaints, base.complaints),
    },
  };
}
