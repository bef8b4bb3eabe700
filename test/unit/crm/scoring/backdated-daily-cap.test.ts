/**
 * Review round 11: this test failed at eab1d13 (a backdated open moved the rule's counter back to
 * its own day, so the later day's cap counted from zero again: 25 points for two days capped at 15
 * each, 20 of them on one day, and the counter's day went backwards).
 *
 * A daily cap counts the points of each calendar day of `occurredAt`, whatever the order the
 * interactions arrive in; the counter's day never moves backwards.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES as R, type ScoringRules } from '../../../../shared/crm/scoring/rules';
import {
  applyInteractionToState,
  emptyScoreState,
  groupsAt,
  type LedgerEntry,
  replayInteractions,
  type ScorableInteraction,
  type ScoreState,
} from '../../../../shared/crm/scoring/score-state';

const profile = { email: 'a@example.com', status: 'lead' as const, tags: [], customFields: {} };
const day1 = '2026-03-01';
const day2 = '2026-03-02';
const open = (id: string, occurredAt: string): ScorableInteraction => ({
  interactionId: id,
  type: 'email_opened',
  occurredAt,
});

/** Applies `interactions` live, in the order given, each arriving at `arrivedAt` (or when it occurred). */
function live(rules: ScoringRules, interactions: ScorableInteraction[], arrivedAt?: string) {
  let state: ScoreState = emptyScoreState(new Date(`${day1}T00:00:00.000Z`), rules);
  const entries: LedgerEntry[] = [];
  for (const i of interactions) {
    const now = new Date(Math.max(Date.parse(i.occurredAt), Date.parse(arrivedAt ?? i.occurredAt)));
    const out = applyInteractionToState(state, profile, i, rules, now);
    entries.push(...out.entries);
    state = out.state;
  }
  return { state, entries };
}

// Opens counted in a group that does not decay, so the points read exactly as given.
const product: ScoringRules = {
  ...R,
  interactionRules: [
    { id: 'opened', type: 'email_opened', points: 5, maxPerDay: 15, repeatable: true, group: 'product' },
  ],
  weights: { ...R.weights, product: 0.2 },
};

describe('a daily cap and a backdated interaction', () => {
  const sequence = [
    open('d2-a', `${day2}T09:00:00.000Z`),
    open('d2-b', `${day2}T10:00:00.000Z`),
    open('d2-c', `${day2}T11:00:00.000Z`),
    // Arrives late: it occurred the day before.
    open('d1-late', `${day1}T18:00:00.000Z`),
    open('d2-d', `${day2}T12:00:00.000Z`),
  ];

  it('never gives a day more than its cap: 15 on day 2, 5 on day 1', () => {
    const { state, entries } = live(product, sequence);
    expect(state.groups.product).toBe(20);
    expect(entries.find((e) => e.interactionId === 'd1-late')).toMatchObject({ points: 5 });
    expect(entries.find((e) => e.interactionId === 'd2-d')).toMatchObject({ points: 0, note: 'daily cap reached' });
    // The counter's day stays the latest day.
    expect(state.counters.opened).toMatchObject({ day: day2, dayPoints: 15, total: 20, count: 5 });
  });

  it('gives the same whatever the order, and the same as a recompute', () => {
    const reversed = live(product, [...sequence].reverse(), `${day2}T13:00:00.000Z`);
    expect(reversed.state.groups.product).toBe(20);
    const now = new Date(`${day2}T13:00:00.000Z`);
    const replayed = replayInteractions(
      { ...emptyScoreState(now, product), version: 1 },
      profile,
      sequence,
      product,
      now,
    );
    expect(replayed.groups.product).toBe(20);
  });

  it('caps engagement the same way, live as on a recompute (the default 15/day on opens)', () => {
    const now = new Date(`${day2}T13:00:00.000Z`);
    const { state } = live(R, sequence, undefined);
    const replayed = replayInteractions({ ...emptyScoreState(now, R), version: 1 }, profile, sequence, R, now);
    expect(groupsAt(state, R, now).engagement).toBeCloseTo(groupsAt(replayed, R, now).engagement ?? Number.NaN, 6);
    // At most 15 + 5 points were given, decayed a little since: never the 15 + 5 + 5 of before.
    expect(groupsAt(state, R, now).engagement).toBeLessThan(20);
  });

  it('scores nothing for a day older than the cap keeps open, so it cannot exceed that day’s cap', () => {
    const old = open('old', '2026-01-15T10:00:00.000Z');
    const { state, entries } = live(product, [...sequence, old, open('d2-e', `${day2}T12:30:00.000Z`)]);
    expect(entries.find((e) => e.interactionId === 'old')).toMatchObject({ points: 0 });
    expect(entries.find((e) => e.interactionId === 'old')?.note).toMatch(/more than 31 days/);
    expect(state.groups.product).toBe(20);
    expect(state.counters.opened).toMatchObject({ day: day2 });
  });
});
