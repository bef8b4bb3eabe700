/**
 * Review round 11: this test failed at eab1d13 (live scoring added a backdated award decayed
 * without the decay floor, and its caps by arrival order, where the recompute replays the history
 * in time order with the floor: a first open scored 14 days late was 2.48 points live and 5 after
 * re-saving the same rules, and random histories with late interactions differed by points).
 *
 * Live scoring (interactions one at a time, in the order they arrive, late ones included) and a
 * recompute (`replayInteractions`, the history in time order) give the same groups and score, under
 * the same rules: caps (daily, lifetime, once), penalties, groups that do not decay, decay and its
 * floor. Property-style over seeded random histories.
 */
import { describe, expect, it } from 'vitest';
import type { InteractionType } from '../../../../shared/crm/model';
import { DEFAULT_SCORING_RULES as R, type ScoringRules } from '../../../../shared/crm/scoring/rules';
import {
  applyInteractionToState,
  compositeOf,
  emptyScoreState,
  groupsAt,
  replayInteractions,
  type ScorableInteraction,
  type ScoreState,
} from '../../../../shared/crm/scoring/score-state';

const DAY = 86_400_000;
const MINUTE = 60_000;
const t0 = Date.parse('2026-03-01T00:00:00.000Z');
const profile = {
  email: 'a@example.com',
  jobTitle: 'Head of Sales',
  status: 'lead' as const,
  tags: [],
  customFields: {},
};

/** mulberry32: a small seeded PRNG, so a failing case can be run again. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The defaults plus rules of every kind: a capped group that does not decay, a capped penalty, a once-only award with a cap. */
function rulesFor(random: () => number): ScoringRules {
  return {
    ...R,
    interactionRules: [
      ...R.interactionRules.filter((r) => r.type !== 'meeting'),
      { id: 'meeting', type: 'meeting', points: 25, maxPerDay: 40, repeatable: true, group: 'engagement' },
      { id: 'first-meeting', type: 'meeting', points: 30, maxPerDay: 20, repeatable: false, group: 'engagement' },
      { id: 'product', type: 'page_visit', points: 3, maxPerDay: 7, maxTotal: 20, repeatable: true, group: 'product' },
      { id: 'complaint', type: 'email_complained', points: -7, maxPerDay: 10, repeatable: true, group: 'engagement' },
      { id: 'call-total', type: 'call', points: 10, maxTotal: 35, repeatable: true, group: 'engagement' },
    ],
    weights: { engagement: 0.5, fit: 0.3, product: 0.2 },
    decay: { halfLifeDays: 1 + random() * 29, floor: Math.round(random() * 20) },
  };
}

const TYPES: InteractionType[] = [
  'email_opened',
  'email_opened',
  'email_clicked',
  'page_visit',
  'page_visit',
  'meeting',
  'call',
  'email_replied',
  'email_bounced',
  'email_complained',
  'unsubscribed',
  'email_sent',
];

interface Arrival {
  readonly interaction: ScorableInteraction;
  readonly arrivedAt: number;
}

/** Up to 30 interactions over 20 days; most arrive within minutes, some days late, a few a little early (clock skew). */
function historyFor(random: () => number, caseId: number): Arrival[] {
  const n = 1 + Math.floor(random() * 30);
  const arrivals: Arrival[] = [];
  for (let i = 0; i < n; i++) {
    const type = TYPES[Math.floor(random() * TYPES.length)] ?? 'email_opened';
    // Some share a moment to the millisecond; the others anywhere in 20 days.
    const occurred =
      random() < 0.15 && arrivals.length > 0
        ? Date.parse(arrivals[Math.floor(random() * arrivals.length)]?.interaction.occurredAt ?? '')
        : t0 + Math.floor(random() * 20 * DAY);
    const roll = random();
    const delay = roll < 0.6 ? random() * 10 * MINUTE : roll < 0.95 ? random() * 10 * DAY : -random() * 5 * MINUTE;
    const bot = type === 'email_clicked' && random() < 0.2;
    arrivals.push({
      interaction: {
        interactionId: `c${caseId}-i${i}`,
        type,
        occurredAt: new Date(occurred).toISOString(),
        ...(bot ? { metadata: { suspectedBot: ['too-fast'] } } : {}),
      },
      arrivedAt: occurred + delay,
    });
  }
  return arrivals.sort((a, b) => a.arrivedAt - b.arrivedAt);
}

function scoreLive(arrivals: Arrival[], rules: ScoringRules): ScoreState {
  let state = emptyScoreState(new Date(arrivals[0]?.arrivedAt ?? t0), rules);
  for (const { interaction, arrivedAt } of arrivals) {
    state = applyInteractionToState(state, profile, interaction, rules, new Date(arrivedAt)).state;
  }
  return state;
}

describe('live scoring equals a recompute of the same history', () => {
  it('scores a first open that arrives 14 days late as the recompute does (the decay floor included)', () => {
    const rules = R;
    const opened: ScorableInteraction = {
      interactionId: 'late',
      type: 'email_opened',
      occurredAt: new Date(t0).toISOString(),
    };
    const now = new Date(t0 + 14 * DAY);
    const live = applyInteractionToState(emptyScoreState(now, rules), profile, opened, rules, now).state;
    const replayed = replayInteractions({ ...emptyScoreState(now, rules), version: 1 }, profile, [opened], rules, now);
    // 5 points, 14 days old, at the floor of 5: nothing above the floor to decay.
    expect(groupsAt(replayed, rules, now).engagement).toBe(5);
    expect(groupsAt(live, rules, now).engagement).toBe(5);
  });

  it('over 300 random histories with late, early and simultaneous interactions', () => {
    const random = prng(20260311);
    for (let c = 0; c < 300; c++) {
      const rules = rulesFor(random);
      const arrivals = historyFor(random, c);
      const live = scoreLive(arrivals, rules);
      const last = Math.max(...arrivals.map((a) => Math.max(a.arrivedAt, Date.parse(a.interaction.occurredAt))));
      const now = new Date(last + Math.floor(random() * 5 * DAY));
      const history = arrivals.map((a) => a.interaction);
      const replayed = replayInteractions({ ...emptyScoreState(now, rules), version: 1 }, profile, history, rules, now);
      const liveGroups = groupsAt(live, rules, now);
      const replayGroups = groupsAt(replayed, rules, now);
      const context = `case ${c}: ${JSON.stringify({ decay: rules.decay, arrivals })}`;
      for (const group of new Set([...Object.keys(liveGroups), ...Object.keys(replayGroups)])) {
        // Both are rounded to cents: allow one cent for a value that sits on a rounding edge.
        expect(Math.abs((liveGroups[group] ?? 0) - (replayGroups[group] ?? 0)), `${group} in ${context}`).toBeLessThan(
          0.011,
        );
      }
      const liveScore = compositeOf(liveGroups, rules).score;
      expect(Math.abs(liveScore - replayed.score), `score in ${context}`).toBeLessThan(0.011);
      expect(live.lastInteractionAt).toBe(replayed.lastInteractionAt);
    }
  });
});
