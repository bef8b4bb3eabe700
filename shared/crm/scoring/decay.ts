/**
 * Engagement decay without scans: a contact stores `{engagementRaw, asOf}` and the
 * decayed value is computed on read and folded in on every update.
 */

const DAY_MS = 86_400_000;

/** 2^(-days/halfLife): 1 now, 0.5 after one half-life. Negative ages count as 0. */
export function decayFactor(ageMs: number, halfLifeDays: number): number {
  return 2 ** (-Math.max(0, ageMs) / DAY_MS / halfLifeDays);
}

/**
 * The engagement `raw` (as of `asOf`) decayed to `now`: the part above `floor` halves every
 * `halfLifeDays`; values at or below the floor (penalties included) stay. Folding twice
 * (t0->t1->t2) gives the same value as once (t0->t2), so updates may fold at any time.
 */
export function decayEngagement(raw: number, asOf: string, now: Date, halfLifeDays: number, floor: number): number {
  if (raw <= floor) return raw;
  const age = now.getTime() - Date.parse(asOf);
  return floor + (raw - floor) * decayFactor(age, halfLifeDays);
}

/** Rounds for display and storage (2 decimals), so ledgers read cleanly. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;
