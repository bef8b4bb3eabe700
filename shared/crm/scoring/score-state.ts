/**
 * The score of one contact as plain values, and the pure steps that change it: an
 * interaction through the rules (caps, repeatable, decay), the fit from the profile and
 * the composite. Every change yields ledger entries that say which rule moved which group
 * from what to what.
 *
 * Arrival order does not matter. What a contact's interactions add up to depends on the
 * interactions (their types and `occurredAt`), never on the order they reach the scorer: a late
 * (backdated) one counts as if it had come in time. So live scoring, one interaction at a time,
 * and a recompute, the history replayed in time order ({@link replayInteractions}), reach the
 * same score. Hence the shapes below: engagement as sums (decay.ts, {@link EngagementParts}), and
 * caps that share their points out over the interactions they cover, counted per calendar day of
 * `occurredAt` (a counter's day never moves backwards), rather than giving them to whichever
 * interaction happened to arrive first.
 */

import { own } from '../../security/own';
import type { Interaction } from '../model';
import { isSuspectedAutomation } from './automation';
import { type AiSignals, aiComposite, blendComposite, type Tier, tierOf } from './composite';
import {
  decayBy,
  decayFactor,
  type EngagementParts,
  engagementAt,
  engagementPartsOfRaw,
  foldEngagement,
  round2,
  storable,
} from './decay';
import { evaluateFit } from './fit';
import type { InteractionRule, ScoringRules } from './rules';

/** What scoring reads of an interaction: the flags of `metadata` too (automation.ts). */
export type ScorableInteraction = Pick<Interaction, 'interactionId' | 'type' | 'occurredAt'> & {
  readonly metadata?: Interaction['metadata'];
};

export const ENGAGEMENT = 'engagement';
export const FIT = 'fit';

/**
 * The calendar days a daily-capped rule keeps open: its latest day and the 30 before. An
 * interaction on an older day scores nothing under that rule (its day's points are no longer
 * known, so nothing could keep it under the cap); only there can live scoring differ from a
 * recompute, which sees the history in time order.
 */
export const DAYS_KEPT = 31;

/** Points a daily-capped rule was asked for on one day, undecayed and decayed. */
export interface DayTally {
  /** Σ |points| of the rule's interactions that day, before the cap. */
  readonly wanted: number;
  /** The same, each decayed from its `occurredAt` to the engagement's `at`. */
  readonly decayed: number;
}

/** What a rule has given a contact so far; caps are counted in absolute points. */
export interface RuleCounter {
  /** Interactions the rule matched. */
  readonly count: number;
  /** Points (absolute, undecayed) the rule gives the contact, after its caps. */
  readonly total: number;
  /** The latest UTC day (YYYY-MM-DD) the rule matched: never moves backwards. */
  readonly day: string;
  /** Points (absolute) the rule gives that day: after the daily cap for a daily-capped rule. */
  readonly dayPoints: number;
  /**
   * Capped rules: points (absolute) wanted outside `days` (for a daily-capped rule, the closed
   * days, each after its cap), before the lifetime cap; and the same decayed to the engagement's `at`.
   */
  readonly wanted?: number;
  readonly decayed?: number;
  /** Daily-capped rules: the open days ({@link DAYS_KEPT}). */
  readonly days?: Readonly<Record<string, DayTally>>;
  /** Non-repeatable rules: the `occurredAt` of the match it scores, the earliest. */
  readonly first?: string;
}

export interface ScoreState {
  /** Optimistic concurrency: 0 until first stored, +1 on every write. */
  readonly version: number;
  readonly rulesVersion: number;
  /** Engagement as of `asOf` (a snapshot of `engagementParts`); read through {@link groupsAt}. */
  readonly engagementRaw: number;
  readonly asOf: string;
  /**
   * Engagement as order-free sums (decay.ts). Absent on states written before it (and not
   * trusted when `engagementRaw` no longer agrees with it): those read `engagementRaw` as one award.
   */
  readonly engagementParts?: EngagementParts;
  /** Groups that do not decay (fit and declared groups). */
  readonly groups: Readonly<Record<string, number>>;
  readonly counters: Readonly<Record<string, RuleCounter>>;
  readonly score: number;
  readonly tier: Tier;
  readonly model: 'rules' | 'ai';
  readonly lastInteractionAt?: string;
  /**
   * Only on states written before a recompute kept its crossing on its claim (recompute.ts): the
   * crossing that recompute made (`by`: `recompute-v<rulesVersion>`), which a redelivered page of it
   * publishes again. No longer written; every change leaves it off.
   */
  readonly lastCrossing?: ScoreCrossing & { readonly by: string };
}

/**
 * A tier change, as `contact.score_threshold_crossed` tells it; `at` (the moment of the change)
 * fixes the event's id, so publishing it again yields the same event.
 */
export interface ScoreCrossing {
  readonly fromTier: Tier;
  readonly toTier: Tier;
  readonly score: number;
  readonly at: string;
}

export interface LedgerEntry {
  readonly ledgerId: string;
  readonly at: string;
  readonly ruleId: string;
  readonly rule: string;
  readonly group: string;
  /** Points added to the group (after caps, and decay for a backdated interaction). */
  readonly points: number;
  readonly before: number;
  readonly after: number;
  readonly scoreBefore: number;
  readonly scoreAfter: number;
  readonly interactionId?: string;
  readonly interactionType?: string;
  /** Why fewer points than the rule's were awarded, e.g. `daily cap reached`. */
  readonly note?: string;
  /** A campaign's `adjust-score` action (adjust-score.ts): the campaign and its node. */
  readonly campaignId?: string;
  readonly nodeId?: string;
}

export type Profile = Parameters<typeof evaluateFit>[0];

export function emptyScoreState(now: Date, rules: ScoringRules): ScoreState {
  return {
    version: 0,
    rulesVersion: 0,
    engagementRaw: 0,
    asOf: now.toISOString(),
    engagementParts: { at: now.toISOString(), decayed: 0, penalties: 0 },
    groups: {},
    counters: {},
    score: 0,
    tier: tierOf(0, rules.tiers),
    model: 'rules',
  };
}

/**
 * The engagement sums of `state`. Trusted while `engagementRaw` (the snapshot at `asOf`) agrees
 * with them; a state without them, or one whose `engagementRaw` a writer changed alone, is read
 * as `engagementRaw` awarded at `asOf` (which decays exactly as such states always did).
 */
export function engagementPartsOf(state: ScoreState, rules: ScoringRules): EngagementParts {
  const parts = state.engagementParts;
  if (parts) {
    const { halfLifeDays, floor } = rules.decay;
    const snapshot = round2(engagementAt(parts, new Date(state.asOf), halfLifeDays, floor));
    if (Math.abs(snapshot - state.engagementRaw) < 0.006) return parts;
  }
  return engagementPartsOfRaw(state.engagementRaw, state.asOf);
}

/** All groups as of `now`: engagement decayed, the others as stored. */
export function groupsAt(state: ScoreState, rules: ScoringRules, now: Date): Record<string, number> {
  const { halfLifeDays, floor } = rules.decay;
  const engagement = engagementAt(engagementPartsOf(state, rules), now, halfLifeDays, floor);
  return { [FIT]: 0, ...state.groups, [ENGAGEMENT]: round2(engagement) };
}

/** The composite and tier: the v1 AI composite when signals exist, else the weighted blend. */
export function compositeOf(
  groups: Readonly<Record<string, number>>,
  rules: ScoringRules,
  ai?: AiSignals,
): { score: number; tier: Tier; model: 'rules' | 'ai' } {
  if (ai) {
    const score = round2(aiComposite(ai));
    return { score, tier: tierOf(score, rules.aiTiers), model: 'ai' };
  }
  const score = round2(blendComposite(groups, rules.weights));
  return { score, tier: tierOf(score, rules.tiers), model: 'rules' };
}

/** Points (absolute) a rule gives: undecayed, decayed to the engagement's `at`, and wanted before the lifetime cap. */
interface Given {
  readonly points: number;
  readonly decayed: number;
  readonly wanted: number;
}
const NOTHING: Given = { points: 0, decayed: 0, wanted: 0 };

/** Whether a rule needs a memory of its matches: a cap, or scoring once. */
const capped = (rule: InteractionRule): boolean =>
  !rule.repeatable || rule.maxPerDay !== undefined || rule.maxTotal !== undefined;

/** What one match of `rule` gives on its own: its points within both caps (a non-repeatable rule's award). */
const singleAward = (rule: InteractionRule): number =>
  Math.min(
    Math.abs(rule.points),
    rule.maxPerDay ?? Number.POSITIVE_INFINITY,
    rule.maxTotal ?? Number.POSITIVE_INFINITY,
  );

/**
 * What a capped rule gives, from its counter, with `atMs` the engagement's `at`. Caps share their
 * points out: a day over `maxPerDay` gives `maxPerDay`, each of its interactions the same share of
 * its points (so the day's decayed value does not depend on which came first); over `maxTotal`,
 * every day gives the same share. A non-repeatable rule gives its award once, from its earliest match.
 */
function givenBy(rule: InteractionRule, counter: RuleCounter | undefined, atMs: number, halfLifeDays: number): Given {
  if (!counter) return NOTHING;
  if (!rule.repeatable) {
    if (counter.first === undefined) return NOTHING;
    const points = singleAward(rule);
    const decayed = points * decayFactor(atMs - Date.parse(counter.first), halfLifeDays);
    return { points, decayed, wanted: points };
  }
  let wanted = counter.wanted ?? 0;
  let decayed = counter.decayed ?? 0;
  const days = counter.days ?? {};
  for (const day of Object.keys(days).sort()) {
    const tally = own(days, day);
    if (!tally || tally.wanted <= 0) continue;
    const kept = Math.min(tally.wanted, rule.maxPerDay ?? tally.wanted);
    wanted += kept;
    decayed += tally.decayed * (kept / tally.wanted);
  }
  const points = Math.min(wanted, rule.maxTotal ?? wanted);
  return { points, decayed: wanted > 0 ? decayed * (points / wanted) : 0, wanted };
}

/** The UTC day `n` days before `day` (both YYYY-MM-DD). */
const daysBefore = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) - n * 86_400_000).toISOString().slice(0, 10);

/**
 * A counter written before counters kept what the caps need (no `wanted`, `days` or `first`),
 * read as if its points had all been given at the engagement's `at`; recompute rebuilds it exactly.
 */
function withMemory(rule: InteractionRule, counter: RuleCounter | undefined): RuleCounter | undefined {
  if (!counter || !capped(rule)) return counter;
  if (counter.wanted !== undefined || counter.days !== undefined || counter.first !== undefined) return counter;
  if (!rule.repeatable) return counter.count > 0 ? { ...counter, first: `${counter.day}T00:00:00.000Z` } : counter;
  if (rule.maxPerDay === undefined) return { ...counter, wanted: counter.total, decayed: counter.total };
  const earlier = Math.max(0, counter.total - counter.dayPoints);
  const days = { [counter.day]: { wanted: counter.dayPoints, decayed: counter.dayPoints } };
  return { ...counter, wanted: earlier, decayed: earlier, days };
}

/** A counter's decayed sums folded by `factor` (the engagement's `at` moved forward). */
function foldCounter(counter: RuleCounter, factor: number): RuleCounter {
  if (factor === 1 || (counter.decayed === undefined && counter.days === undefined)) return counter;
  const days = counter.days && {
    days: Object.fromEntries(
      Object.entries(counter.days).map(([day, t]) => [day, { wanted: t.wanted, decayed: decayBy(t.decayed, factor) }]),
    ),
  };
  return {
    ...counter,
    ...(counter.decayed === undefined ? {} : { decayed: decayBy(counter.decayed, factor) }),
    ...days,
  };
}

/** One match of `rule`, counted: the new counter, what the rule gives more (or less) now, and why. */
interface Counted {
  readonly counter: RuleCounter;
  readonly delta: { readonly points: number; readonly decayed: number };
  /** False when the match scores nothing itself (not repeatable and not the earliest, or a closed day). */
  readonly scored: boolean;
  readonly note?: string;
}

/**
 * Counts one match of `rule` (an interaction that occurred at `occurredAt`), with `atMs` the
 * engagement's `at` (never before `occurredAt`).
 */
function countMatch(
  rule: InteractionRule,
  counter: RuleCounter | undefined,
  occurredAt: string,
  atMs: number,
  halfLifeDays: number,
): Counted {
  const abs = Math.abs(rule.points);
  const day = occurredAt.slice(0, 10);
  // The counter's day never moves backwards: a backdated match is counted on its own day.
  const latest = counter && counter.day > day ? counter.day : day;
  const count = (counter?.count ?? 0) + 1;
  const aged = storable(abs * decayFactor(atMs - Date.parse(occurredAt), halfLifeDays));
  if (!capped(rule)) {
    const dayPoints = (counter?.day === latest ? counter.dayPoints : 0) + (day === latest ? abs : 0);
    const next = { count, total: (counter?.total ?? 0) + abs, day: latest, dayPoints };
    return { counter: next, delta: { points: abs, decayed: aged }, scored: true };
  }

  const before = givenBy(rule, counter, atMs, halfLifeDays);
  const base = { ...counter, count, day: latest };
  let next: RuleCounter;
  let scored = true;
  let note: string | undefined;
  if (!rule.repeatable) {
    const first = counter?.first;
    if (first === undefined || Date.parse(occurredAt) < Date.parse(first)) {
      next = { ...base, total: singleAward(rule), dayPoints: 0, first: occurredAt };
      if (first !== undefined) note = 'not repeatable: counted at its earliest occurrence';
    } else {
      next = { ...base, total: counter?.total ?? 0, dayPoints: counter?.dayPoints ?? 0 };
      [scored, note] = [false, 'not repeatable: already scored'];
    }
  } else if (rule.maxPerDay !== undefined) {
    const oldest = daysBefore(latest, DAYS_KEPT - 1);
    if (day < oldest) {
      next = { ...base, total: counter?.total ?? 0, dayPoints: counter?.dayPoints ?? 0 };
      [scored, note] = [false, `daily cap: more than ${DAYS_KEPT} days before the rule's latest day, not scored`];
    } else {
      const open: Record<string, DayTally> = { ...counter?.days };
      const tally = own(open, day) ?? { wanted: 0, decayed: 0 };
      open[day] = { wanted: tally.wanted + abs, decayed: storable(tally.decayed + aged) };
      let wanted = counter?.wanted ?? 0;
      let decayed = counter?.decayed ?? 0;
      // Days that fell out of the window close: their capped points join the rest, unchanged.
      for (const [d, t] of Object.entries(open)) {
        if (d >= oldest) continue;
        const kept = Math.min(t.wanted, rule.maxPerDay);
        wanted += kept;
        decayed += t.wanted > 0 ? t.decayed * (kept / t.wanted) : 0;
        delete open[d];
      }
      const dayPoints = Math.min(own(open, latest)?.wanted ?? 0, rule.maxPerDay);
      next = { ...base, total: 0, dayPoints, wanted, decayed: storable(decayed), days: open };
      if ((own(open, day)?.wanted ?? 0) > rule.maxPerDay) note = 'daily cap reached';
    }
  } else {
    const dayPoints = (counter?.day === latest ? counter.dayPoints : 0) + (day === latest ? abs : 0);
    next = {
      ...base,
      total: 0,
      dayPoints,
      wanted: (counter?.wanted ?? 0) + abs,
      decayed: storable((counter?.decayed ?? 0) + aged),
    };
  }
  const after = givenBy(rule, next, atMs, halfLifeDays);
  if (scored && rule.maxTotal !== undefined && after.wanted > rule.maxTotal) note = 'total cap reached';
  return {
    counter: { ...next, total: after.points },
    delta: { points: after.points - before.points, decayed: after.decayed - before.decayed },
    scored,
    ...(note ? { note } : {}),
  };
}

/** `parts` with `occurredAt` as the first award when it is the earliest (ties keep the larger award). */
function withFirst(parts: EngagementParts, occurredAt: string, points: number): EngagementParts {
  const first = parts.first;
  const t = Date.parse(occurredAt);
  if (!first || t < Date.parse(first.at)) return { ...parts, first: { at: occurredAt, points } };
  if (t === Date.parse(first.at) && points > first.points) return { ...parts, first: { at: first.at, points } };
  return parts;
}

/** The engagement sums and the counters of `state`, folded together to `to` (never back). */
function foldedTo(
  state: ScoreState,
  rules: ScoringRules,
  to: Date,
): { parts: EngagementParts; counters: Record<string, RuleCounter> } {
  const { halfLifeDays } = rules.decay;
  const start = engagementPartsOf(state, rules);
  const factor = decayFactor(to.getTime() - Date.parse(start.at), halfLifeDays);
  const byId = new Map(rules.interactionRules.map((r) => [r.id, r]));
  const counters: Record<string, RuleCounter> = {};
  for (const [id, counter] of Object.entries(state.counters)) {
    const rule = byId.get(id);
    const known = (rule && withMemory(rule, counter)) ?? counter;
    counters[id] = foldCounter(known, factor);
  }
  return { parts: foldEngagement(start, to, halfLifeDays), counters };
}

interface Working {
  parts: EngagementParts;
  groups: Record<string, number>;
  counters: Record<string, RuleCounter>;
}

/**
 * Applies one interaction: folds decay to `now` (or to the interaction, if it is later), re-evaluates
 * fit from the profile, then every rule of the interaction's type. A backdated interaction counts as
 * if it had arrived in time: its points decayed by its age, its caps on its own day. Returns the new
 * state (version unchanged: the store bumps it) and one ledger entry per rule, including capped ones
 * at 0 points.
 */
export function applyInteractionToState(
  state: ScoreState,
  profile: Profile,
  interaction: ScorableInteraction,
  rules: ScoringRules,
  now: Date,
  ai?: AiSignals,
): { state: ScoreState; entries: LedgerEntry[] } {
  const { halfLifeDays, floor } = rules.decay;
  // Every sum is taken as of one moment, never before any interaction in it (a clock a little ahead included).
  const startAt = Date.parse(engagementPartsOf(state, rules).at);
  const moment = new Date(Math.max(startAt, now.getTime(), Date.parse(interaction.occurredAt)));
  const at = moment.toISOString();
  const folded = foldedTo(state, rules, moment);
  const w: Working = { parts: folded.parts, groups: { ...state.groups }, counters: folded.counters };
  const engagementNow = () => round2(engagementAt(w.parts, moment, halfLifeDays, floor));
  const groupValue = (group: string) => (group === ENGAGEMENT ? engagementNow() : round2(own(w.groups, group) ?? 0));
  const current = () =>
    compositeOf({ ...w.groups, [FIT]: own(w.groups, FIT) ?? 0, [ENGAGEMENT]: engagementNow() }, rules, ai);
  const entries: LedgerEntry[] = [];
  const base = { at, interactionId: interaction.interactionId, interactionType: interaction.type };

  const { fit } = evaluateFit(profile, rules.profileRules);
  const fitBefore = own(state.groups, FIT) ?? 0;
  if (fit !== fitBefore || state.version === 0) {
    const scoreBefore = current().score;
    w.groups[FIT] = fit;
    if (fit !== fitBefore) {
      entries.push({
        ...base,
        ledgerId: `${interaction.interactionId}.fit`,
        ruleId: 'profile',
        rule: 'fit re-evaluated from the profile rules',
        group: FIT,
        points: fit - fitBefore,
        before: fitBefore,
        after: fit,
        scoreBefore,
        scoreAfter: current().score,
      });
    }
  }

  // A machine's open or click (flagged by the tracking routes) is kept on the timeline, unscored.
  const matching = isSuspectedAutomation(interaction)
    ? []
    : rules.interactionRules.filter((r) => r.type === interaction.type);
  for (const rule of matching) {
    const counted = countMatch(rule, own(w.counters, rule.id), interaction.occurredAt, moment.getTime(), halfLifeDays);
    w.counters[rule.id] = counted.counter;
    const scoreBefore = current().score;
    const before = groupValue(rule.group);
    const sign = Math.sign(rule.points);
    if (rule.group !== ENGAGEMENT) {
      w.groups[rule.group] = (own(w.groups, rule.group) ?? 0) + sign * counted.delta.points;
    } else if (sign > 0) {
      // Positive points decay, each from its own interaction; the earliest one holds the floor.
      w.parts = { ...w.parts, decayed: storable(w.parts.decayed + counted.delta.decayed) };
      if (counted.scored) w.parts = withFirst(w.parts, interaction.occurredAt, singleAward(rule));
    } else if (sign < 0) {
      w.parts = { ...w.parts, penalties: w.parts.penalties - counted.delta.points };
    }
    const after = groupValue(rule.group);
    entries.push({
      ...base,
      ledgerId: `${interaction.interactionId}.${rule.id}`,
      ruleId: rule.id,
      rule: rule.description ?? `${rule.type} ${rule.points >= 0 ? '+' : ''}${rule.points}`,
      group: rule.group,
      points: round2(after - before),
      before,
      after,
      scoreBefore,
      scoreAfter: current().score,
      ...(counted.note ? { note: counted.note } : {}),
    });
  }

  const composite = current();
  const last = state.lastInteractionAt;
  return {
    state: {
      ...state,
      engagementRaw: engagementNow(),
      asOf: at,
      engagementParts: w.parts,
      groups: w.groups,
      counters: w.counters,
      ...composite,
      lastInteractionAt: last && last > interaction.occurredAt ? last : interaction.occurredAt,
    },
    entries,
  };
}

/**
 * Re-derives a state from a contact's interactions under (new) rules: replays them in time
 * order from zero, then decays to `now`. Keeps `version` for the conditional write. Applying the
 * same interactions live, in any order, gives the same groups (see the module's comment).
 */
export function replayInteractions(
  previous: ScoreState,
  profile: Profile,
  interactions: ReadonlyArray<ScorableInteraction>,
  rules: ScoringRules,
  now: Date,
  ai?: AiSignals,
): ScoreState {
  const ordered = [...interactions].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  let state: ScoreState = { ...emptyScoreState(new Date(ordered[0]?.occurredAt ?? now), rules), version: 1 };
  for (const interaction of ordered) {
    const at = new Date(Math.min(Date.parse(interaction.occurredAt), now.getTime()));
    state = applyInteractionToState(state, profile, interaction, rules, at, ai).state;
  }
  const { halfLifeDays, floor } = rules.decay;
  const { parts, counters } = foldedTo(state, rules, now);
  const fit = evaluateFit(profile, rules.profileRules).fit;
  const groups = { ...state.groups, [FIT]: fit };
  const engagement = round2(engagementAt(parts, now, halfLifeDays, floor));
  const final = compositeOf({ ...groups, [ENGAGEMENT]: engagement }, rules, ai);
  return {
    ...state,
    version: previous.version,
    engagementRaw: engagement,
    asOf: now.toISOString(),
    engagementParts: parts,
    groups,
    counters,
    ...final,
  };
}
