import { describe, expect, it } from 'vitest';
import { aiComposite, aiSignalsOf, blendComposite, tierOf } from '../../../../shared/crm/scoring/composite';
import { decayEngagement, decayFactor } from '../../../../shared/crm/scoring/decay';
import { evaluateFit } from '../../../../shared/crm/scoring/fit';
import {
  DEFAULT_SCORING_RULES as R,
  scoringRulesSchema,
  V1_DECAY_FLOOR,
  V1_HALF_LIFE_DAYS,
} from '../../../../shared/crm/scoring/rules';
import {
  applyInteractionToState,
  emptyScoreState,
  replayInteractions,
} from '../../../../shared/crm/scoring/score-state';

const DAY = 86_400_000;
const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);
const profile = { email: 'a@example.com', status: 'lead' as const, tags: [], customFields: {} };

describe('decay', () => {
  it('uses v1’s temporal rate: e^(-0.05*days) has a half-life of ln2/0.05 ≈ 13.86 days', () => {
    expect(V1_HALF_LIFE_DAYS).toBeCloseTo(13.8629, 3);
    for (const days of [1, 7, 30, 90]) {
      expect(decayFactor(days * DAY, V1_HALF_LIFE_DAYS)).toBeCloseTo(Math.exp(-0.05 * days), 10);
    }
    expect(decayFactor(-5 * DAY, 10)).toBe(1);
  });

  it('fades the part above the floor; penalties and small values stay', () => {
    expect(
      decayEngagement(105, t0.toISOString(), at(V1_HALF_LIFE_DAYS), V1_HALF_LIFE_DAYS, V1_DECAY_FLOOR),
    ).toBeCloseTo(55);
    expect(decayEngagement(-10, t0.toISOString(), at(100), 13.86, 5)).toBe(-10);
    expect(decayEngagement(3, t0.toISOString(), at(100), 13.86, 5)).toBe(3);
  });

  it('gives the same value folded once or twice, so updates may fold at any time', () => {
    const once = decayEngagement(80, t0.toISOString(), at(20), 13.86, 5);
    const mid = decayEngagement(80, t0.toISOString(), at(7), 13.86, 5);
    const twice = decayEngagement(mid, at(7).toISOString(), at(20), 13.86, 5);
    expect(twice).toBeCloseTo(once, 10);
  });
});

describe('tiers and composites', () => {
  it('places scores by the reference’s rules thresholds (80/60/40) and the AI ones (70/60/40)', () => {
    expect([80, 79.99, 60, 40, 39].map((s) => tierOf(s, R.tiers))).toEqual(['hot', 'warm', 'warm', 'lukewarm', 'cold']);
    expect(tierOf(70, R.aiTiers)).toBe('hot');
    expect(tierOf(70, R.tiers)).toBe('warm');
  });

  it('blends groups by weight, each clamped to 0..100', () => {
    expect(blendComposite({ engagement: 100, fit: 50 }, R.weights)).toBeCloseTo(80);
    expect(blendComposite({ engagement: 250, fit: -20 }, R.weights)).toBeCloseTo(60);
    expect(blendComposite({ engagement: 50, product: 100 }, { engagement: 1, product: 1 })).toBe(75);
    expect(blendComposite({}, R.weights)).toBe(0);
  });

  it('computes v1’s AI composite: ai_score + 5*velocity + role/intent/stage bonuses, capped at 100', () => {
    expect(aiComposite({ aiScore: 40, engagementVelocity: 1 })).toBe(45);
    expect(
      aiComposite({
        aiScore: 20,
        engagementVelocity: -2,
        roleType: 'influencer',
        buyingIntent: 'medium',
        decisionStage: 'consideration',
      }),
    ).toBe(20 - 10 + 10 + 10 + 15);
    expect(
      aiComposite({
        aiScore: 30,
        engagementVelocity: 0,
        roleType: 'decision_maker',
        buyingIntent: 'high',
        decisionStage: 'decision',
      }),
    ).toBe(30 + 15 + 20 + 25);
    expect(aiComposite({ aiScore: 90, engagementVelocity: 2, buyingIntent: 'high' })).toBe(100);
    expect(aiComposite({ aiScore: 0, engagementVelocity: -2 })).toBe(0);
  });

  it('reads AI signals only when present and well-formed (absent, never faked)', () => {
    expect(aiSignalsOf({})).toBeUndefined();
    expect(aiSignalsOf({ aiSignals: { aiScore: 'high' } })).toBeUndefined();
    expect(aiSignalsOf({ aiSignals: { aiScore: 50 } })).toEqual({ aiScore: 50, engagementVelocity: 0 });
  });
});

describe('caps and repeatable', () => {
  const opened = R.interactionRules.find((r) => r.id === 'email-opened');
  const unsub = R.interactionRules.find((r) => r.id === 'unsubscribed');
  if (!opened || !unsub) throw new Error('default rules changed');

  it('caps a rule per UTC day and starts again the next day', () => {
    let state = emptyScoreState(t0, R);
    const awarded: number[] = [];
    for (const [i, when] of [t0, t0, t0, t0, at(1)].entries()) {
      const out = applyInteractionToState(
        state,
        profile,
        { interactionId: `o${i}`, type: 'email_opened', occurredAt: when.toISOString() },
        R,
        when,
      );
      awarded.push(out.entries[0]?.points ?? Number.NaN);
      state = out.state;
    }
    expect(opened.maxPerDay).toBe(15);
    expect(awarded).toEqual([5, 5, 5, 0, 5]);
  });

  it('scores a non-repeatable rule once, and a lifetime cap partially', () => {
    const run = (rules: typeof R, type: 'unsubscribed' | 'email_opened', times: number) => {
      let state = emptyScoreState(t0, rules);
      const entries = [];
      for (let i = 0; i < times; i++) {
        const out = applyInteractionToState(
          state,
          profile,
          { interactionId: `x${i}`, type, occurredAt: at(i).toISOString() },
          rules,
          at(i),
        );
        entries.push(...out.entries);
        state = out.state;
      }
      return entries.map((e) => [e.points, e.note]);
    };
    expect(unsub.repeatable).toBe(false);
    expect(run(R, 'unsubscribed', 2)).toEqual([
      [-50, undefined],
      [0, 'not repeatable: already scored'],
    ]);
    // A non-decaying group, so the points read as given: 2 + 2 + 1 of a lifetime 5.
    const visit = { ...opened, id: 'v', points: 2, maxPerDay: undefined, maxTotal: 5, group: 'product' };
    const visits = { ...R, interactionRules: [visit] };
    expect(run(visits, 'email_opened', 3)).toEqual([
      [2, undefined],
      [2, undefined],
      [1, 'total cap reached'],
    ]);
  });
});

describe('one interaction through the rules', () => {
  it('explains each step in the ledger: rule, group, points, before and after', () => {
    const contact = { ...profile, jobTitle: 'VP Sales', company: 'Acme' };
    const first = applyInteractionToState(
      emptyScoreState(t0, R),
      contact,
      { interactionId: 'i1', type: 'email_clicked', occurredAt: t0.toISOString() },
      R,
      t0,
    );
    expect(first.entries.map((e) => [e.ruleId, e.group, e.points, e.before, e.after])).toEqual([
      ['profile', 'fit', 70, 0, 70],
      ['email-clicked', 'engagement', 10, 0, 10],
    ]);
    // senior 40 + company 20 + title 10 = fit 70; 70*.4 + engagement 10*.6
    expect(first.state.score).toBeCloseTo(34);
    expect(first.state.tier).toBe('cold');
    expect(first.entries.at(-1)?.scoreAfter).toBeCloseTo(34);
  });

  it('replays a history from zero under new rules and decays it to now', () => {
    const history = [0, 1, 2].map((d) => ({
      interactionId: `c${d}`,
      type: 'email_clicked' as const,
      occurredAt: at(d).toISOString(),
    }));
    const doubled = {
      ...R,
      interactionRules: R.interactionRules.map((r) => (r.id === 'email-clicked' ? { ...r, points: 20 } : r)),
    };
    const state = replayInteractions({ ...emptyScoreState(t0, R), version: 3 }, profile, history, doubled, at(2));
    expect(state.version).toBe(3);
    const expected =
      5 + (5 + (5 + 15 * decayFactor(DAY, V1_HALF_LIFE_DAYS) + 20 - 5) * decayFactor(DAY, V1_HALF_LIFE_DAYS) + 20 - 5);
    expect(state.engagementRaw).toBeCloseTo(expected, 1);
  });
});

describe('fit rules', () => {
  it('matches contains (any of a list), equals, in, exists and gte on custom fields, case-insensitively', () => {
    const c = {
      ...profile,
      jobTitle: 'Head of Growth',
      company: 'Acme',
      tags: ['VIP'],
      customFields: { companySize: 120, plan: 'Pro' },
    };
    const rules = scoringRulesSchema.parse({
      ...R,
      profileRules: [
        { id: 'a', field: 'jobTitle', operator: 'contains', value: ['ceo', 'head'], points: 10 },
        { id: 'b', field: 'customFields.plan', operator: 'equals', value: 'pro', points: 1 },
        { id: 'c', field: 'tags', operator: 'in', value: ['vip'], points: 2 },
        { id: 'd', field: 'customFields.companySize', operator: 'gte', value: 200, points: 100 },
        { id: 'e', field: 'phone', operator: 'exists', points: 100 },
      ],
    }).profileRules;
    expect(evaluateFit(c, rules)).toEqual({
      fit: 13,
      matches: [
        { ruleId: 'a', points: 10 },
        { ruleId: 'b', points: 1 },
        { ruleId: 'c', points: 2 },
      ],
    });
  });

  it('refuses rules that are unbounded or inconsistent', () => {
    expect(scoringRulesSchema.safeParse(R).success).toBe(true);
    expect(scoringRulesSchema.safeParse({ ...R, tiers: { hot: 50, warm: 60, lukewarm: 40 } }).success).toBe(false);
    const dup = [...R.interactionRules, R.interactionRules[0]];
    expect(scoringRulesSchema.safeParse({ ...R, interactionRules: dup }).success).toBe(false);
    const bad = { id: 'x', field: 'password', operator: 'exists', points: 1 };
    expect(scoringRulesSchema.safeParse({ ...R, profileRules: [bad] }).success).toBe(false);
    const many = Array.from({ length: 101 }, (_, i) => ({ ...R.interactionRules[0], id: `r${i}` }));
    expect(scoringRulesSchema.safeParse({ ...R, interactionRules: many }).success).toBe(false);
  });
});
