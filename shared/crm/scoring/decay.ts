/**
 * Engagement decay without scans, and without caring in which order interactions arrive.
 *
 * A contact's engagement is kept as sums ({@link EngagementParts}): every positive award decays
 * from its own interaction's `occurredAt`, penalties never decay, and the first award (up to the
 * floor) never fades. Adding an award is a sum, and sums commute: scoring a late (backdated)
 * interaction live and replaying the history in time order (a recompute) give the same value,
 * through the one function {@link engagementAt}. The value is computed on read and the sums are
 * folded forward on every update, so no scan is ever needed.
 */

const DAY_MS = 86_400_000;

/** 2^(-days/halfLife): 1 now, 0.5 after one half-life. Negative ages count as 0. */
export function decayFactor(ageMs: number, halfLifeDays: number): number {
  return 2 ** (-Math.max(0, ageMs) / DAY_MS / halfLifeDays);
}

/** The engagement group as order-free sums; read it through {@link engagementAt}. */
export interface EngagementParts {
  /** When `decayed` (and the rule counters' decayed sums, score-state.ts) were taken. */
  readonly at: string;
  /** Σ positive points awarded, each decayed from its interaction's `occurredAt` to `at`. */
  readonly decayed: number;
  /** Σ negative points (0 or less): penalties never decay. */
  readonly penalties: number;
  /**
   * The earliest positive award: when it occurred and its points. Up to the floor of them never
   * fade (v1's temporal floor), so a contact that once engaged stays at the floor.
   */
  readonly first?: { readonly at: string; readonly points: number };
}

/** A decayed sum as stored: below 1e-100 it is 0 (DynamoDB numbers stop at 1e-130). */
export const storable = (n: number): number => (Math.abs(n) < 1e-100 ? 0 : n);

/** `parts` decayed forward to `to` (never back: a `to` before `parts.at` leaves them as they are). */
export function foldEngagement(parts: EngagementParts, to: Date, halfLifeDays: number): EngagementParts {
  const age = to.getTime() - Date.parse(parts.at);
  if (age <= 0) return parts;
  return { ...parts, at: to.toISOString(), decayed: storable(parts.decayed * decayFactor(age, halfLifeDays)) };
}

/** Multiplies a decayed sum by `factor` (a fold), as stored ({@link storable}). */
export const decayBy = (decayed: number, factor: number): number => storable(decayed * factor);

/**
 * The engagement of `parts` at `now`: the penalties, plus the part of the first award up to the
 * floor (which never fades), plus every other point decayed from when it occurred.
 */
export function engagementAt(parts: EngagementParts, now: Date, halfLifeDays: number, floor: number): number {
  const decayed = parts.decayed * decayFactor(now.getTime() - Date.parse(parts.at), halfLifeDays);
  if (!parts.first) return parts.penalties + decayed;
  const kept = Math.max(0, Math.min(floor, parts.first.points));
  // `decayed` holds the kept part decayed like the rest: take it out decayed and add it back whole.
  return (
    parts.penalties + kept + (decayed - kept * decayFactor(now.getTime() - Date.parse(parts.first.at), halfLifeDays))
  );
}

/**
 * A single engagement value (`raw` as of `asOf`) as parts: one award at `asOf`, or a penalty.
 * States written before the parts existed are read so, which decays them exactly as they did:
 * see {@link decayEngagement}.
 */
export function engagementPartsOfRaw(raw: number, asOf: string): EngagementParts {
  if (raw <= 0) return { at: asOf, decayed: 0, penalties: raw };
  return { at: asOf, decayed: raw, penalties: 0, first: { at: asOf, points: raw } };
}

/**
 * One engagement value `raw` (as of `asOf`) decayed to `now`, by {@link engagementAt}: the part
 * above `floor` halves every `halfLifeDays`; values at or below the floor (penalties included)
 * stay. Folding twice (t0->t1->t2) gives the same value as once (t0->t2).
 */
export function decayEngagement(raw: number, asOf: string, now: Date, halfLifeDays: number, floor: number): number {
  return engagementAt(engagementPartsOfRaw(raw, asOf), now, halfLifeDays, floor);
}

/** Rounds for display and storage (2 decimals), so ledgers read cleanly. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;
