/**
 * The score of one contact as plain values, and the pure steps that change it: an
 * interaction through the rules (caps, repeatable, decay), the fit from the profile and
 * the composite. Every change yields ledger entries that say which rule moved which group
 * from what to what.
 */
import type { Interaction } from '../model';
import { isSuspectedAutomation } from './automation';
import { type AiSignals, aiComposite, blendComposite, type Tier, tierOf } from './composite';
import { decayEngagement, decayFactor, round2 } from './decay';
import { evaluateFit } from './fit';
import type { InteractionRule, ScoringRules } from './rules';

/** What scoring reads of an interaction: the flags of `metadata` too (automation.ts). */
export type ScorableInteraction = Pick<Interaction, 'interactionId' | 'type' | 'occurredAt'> & {
  readonly metadata?: Interaction['metadata'];
};

export const ENGAGEMENT = 'engagement';
export const FIT = 'fit';

/** What a rule has awarded a contact so far; caps are counted in absolute points. */
export interface RuleCounter {
  readonly count: number;
  readonly total: number;
  /** UTC day (YYYY-MM-DD) of the interaction that last matched, and the points awarded that day. */
  readonly day: string;
  readonly dayPoints: number;
}

export interface ScoreState {
  /** Optimistic concurrency: 0 until first stored, +1 on every write. */
  readonly version: number;
  readonly rulesVersion: number;
  /** Engagement as of `asOf`; read through {@link groupsAt}. */
  readonly engagementRaw: number;
  readonly asOf: string;
  /** Groups that do not decay (fit and declared groups). */
  readonly groups: Readonly<Record<string, number>>;
  readonly counters: Readonly<Record<string, RuleCounter>>;
  readonly score: number;
  readonly tier: Tier;
  readonly model: 'rules' | 'ai';
  readonly lastInteractionAt?: string;
  /**
   * The tier crossing a recompute made with this state (`by`: `recompute-v<rulesVersion>`), so a
   * redelivered recompute page publishes it again; any other change leaves it off.
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
    groups: {},
    counters: {},
    score: 0,
    tier: tierOf(0, rules.tiers),
    model: 'rules',
  };
}

/** All groups as of `now`: engagement decayed, the others as stored. */
export function groupsAt(state: ScoreState, rules: ScoringRules, now: Date): Record<string, number> {
  const { halfLifeDays, floor } = rules.decay;
  const engagement = decayEngagement(state.engagementRaw, state.asOf, now, halfLifeDays, floor);
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

/** Caps a rule's points: non-repeatable once, then per-day and lifetime caps in absolute points. */
export function capAward(
  rule: InteractionRule,
  counter: RuleCounter | undefined,
  day: string,
): { points: number; note?: string } {
  if (!rule.repeatable && (counter?.count ?? 0) > 0) return { points: 0, note: 'not repeatable: already scored' };
  const wanted = Math.abs(rule.points);
  let allowed = wanted;
  let note: string | undefined;
  if (rule.maxPerDay !== undefined) {
    const used = counter?.day === day ? counter.dayPoints : 0;
    const left = Math.max(0, rule.maxPerDay - used);
    if (left < allowed) [allowed, note] = [left, 'daily cap reached'];
  }
  if (rule.maxTotal !== undefined) {
    const left = Math.max(0, rule.maxTotal - (counter?.total ?? 0));
    if (left < allowed) [allowed, note] = [left, 'total cap reached'];
  }
  return { points: Math.sign(rule.points) * allowed, ...(note ? { note } : {}) };
}

function nextCounter(counter: RuleCounter | undefined, day: string, points: number): RuleCounter {
  const abs = Math.abs(points);
  const dayPoints = counter?.day === day ? counter.dayPoints + abs : abs;
  return { count: (counter?.count ?? 0) + 1, total: (counter?.total ?? 0) + abs, day, dayPoints };
}

interface Working {
  engagement: number;
  groups: Record<string, number>;
  counters: Record<string, RuleCounter>;
}

/**
 * Applies one interaction: folds decay to `now`, re-evaluates fit from the profile, then
 * every rule of the interaction's type. Returns the new state (version unchanged: the
 * store bumps it) and one ledger entry per rule, including capped ones at 0 points.
 */
export function applyInteractionToState(
  state: ScoreState,
  profile: Profile,
  interaction: ScorableInteraction,
  rules: ScoringRules,
  now: Date,
  ai?: AiSignals,
): { state: ScoreState; entries: LedgerEntry[] } {
  const at = now.toISOString();
  const start = groupsAt(state, rules, now);
  const w: Working = {
    engagement: start[ENGAGEMENT] ?? 0,
    groups: { ...state.groups },
    counters: { ...state.counters },
  };
  const current = () => compositeOf({ ...w.groups, [FIT]: w.groups[FIT] ?? 0, [ENGAGEMENT]: w.engagement }, rules, ai);
  const entries: LedgerEntry[] = [];
  const base = { at, interactionId: interaction.interactionId, interactionType: interaction.type };

  const { fit } = evaluateFit(profile, rules.profileRules);
  const fitBefore = state.groups[FIT] ?? 0;
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

  const day = interaction.occurredAt.slice(0, 10);
  const ageFactor = decayFactor(now.getTime() - Date.parse(interaction.occurredAt), rules.decay.halfLifeDays);
  // A machine's open or click (flagged by the tracking routes) is kept on the timeline, unscored.
  const matching = isSuspectedAutomation(interaction)
    ? []
    : rules.interactionRules.filter((r) => r.type === interaction.type);
  for (const rule of matching) {
    const { points: awarded, note } = capAward(rule, w.counters[rule.id], day);
    w.counters[rule.id] = nextCounter(w.counters[rule.id], day, awarded);
    const scoreBefore = current().score;
    let before: number;
    let added = awarded;
    if (rule.group === ENGAGEMENT) {
      before = w.engagement;
      // A backdated interaction arrives already decayed by its age.
      if (added > 0) added = round2(added * ageFactor);
      w.engagement = round2(w.engagement + added);
    } else {
      before = w.groups[rule.group] ?? 0;
      w.groups[rule.group] = round2(before + added);
    }
    entries.push({
      ...base,
      ledgerId: `${interaction.interactionId}.${rule.id}`,
      ruleId: rule.id,
      rule: rule.description ?? `${rule.type} ${rule.points >= 0 ? '+' : ''}${rule.points}`,
      group: rule.group,
      points: added,
      before,
      after: rule.group === ENGAGEMENT ? w.engagement : (w.groups[rule.group] ?? 0),
      scoreBefore,
      scoreAfter: current().score,
      ...(note ? { note } : {}),
    });
  }

  const composite = current();
  const last = state.lastInteractionAt;
  return {
    state: {
      ...state,
      engagementRaw: w.engagement,
      asOf: at,
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
 * order from zero, then decays to `now`. Keeps `version` for the conditional write.
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
  const fit = evaluateFit(profile, rules.profileRules).fit;
  const groups = { ...state.groups, [FIT]: fit };
  const engagement = decayEngagement(state.engagementRaw, state.asOf, now, rules.decay.halfLifeDays, rules.decay.floor);
  const final = compositeOf({ ...groups, [ENGAGEMENT]: round2(engagement) }, rules, ai);
  return {
    ...state,
    version: previous.version,
    engagementRaw: round2(engagement),
    asOf: now.toISOString(),
    groups,
    ...final,
  };
}
