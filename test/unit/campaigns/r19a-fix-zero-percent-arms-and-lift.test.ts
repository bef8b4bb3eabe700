// Review round 19: this test failed at d10baec.
// A split arm at 0% (no contact can enter it) kept the stated test at "not enough data" for ever,
// so `promote` never promoted; a winner whose runner-up never converted had `lift` Infinity, which
// JSON shows as null, the value that means "nothing to compare with".
import { describe, expect, it } from 'vitest';
import { statedTest } from '../../../shared/campaigns/ab-test';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import { duePromotions } from '../../../shared/campaigns/promotion';
import { type AbNode, abNodeTest, campaignStats } from '../../../shared/campaigns/stats';

const splitJourney = (percents: readonly number[], promote = true) =>
  journeySchema.parse({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'ab' },
      {
        id: 'ab',
        kind: 'split',
        holdoutPercent: 100 - percents.reduce((s, p) => s + p, 0),
        arms: percents.map((percent, i) => ({ id: String.fromCharCode(97 + i), percent, next: 'end' })),
        ...(promote ? { promote: { metric: 'converted' } } : {}),
      },
      { id: 'end', kind: 'exit' },
    ],
  });

const COUNTERS = {
  'arm:ab:a': 1000,
  'arm:ab:b': 1000,
  'armconv:ab:a': 100,
  'armconv:ab:b': 300,
  // Arm c took contacts in an earlier version, then was set to 0%.
  'arm:ab:c': 40,
  'armconv:ab:c': 39,
};

describe('r19a-fix: an arm at 0% is in no test', () => {
  it('the arms that take contacts are judged and promoted; the 0% arm is named as not tested and still shown', () => {
    const journey = splitJourney([50, 50, 0]);
    expect(journeyProblems(journey)).toEqual([]);
    const node = journey.nodes[1] as AbNode;
    const test = abNodeTest(node, COUNTERS);
    expect(test.arms.map((a) => a.arm)).toEqual(['a', 'b']);
    expect(test.notTested).toEqual(['c']);
    expect(test.verdict).toMatchObject({ status: 'winner', winner: 'b' });
    expect(duePromotions(journey, COUNTERS, {}, new Date('2026-12-07T10:00:00Z')).ab?.arm).toBe('b');
    const stats = campaignStats(COUNTERS, journey);
    expect(stats.splits.ab?.arms.c).toEqual({ entered: 40, converted: 39, opened: 0, clicked: 0 });
    expect(stats.splits.ab?.arms.b).toEqual({ entered: 1000, converted: 300, opened: 0, clicked: 0 });
    expect(stats.splits.ab?.tests.opened.notTested).toEqual(['c']);
  });

  it('a split whose arms all take contacts names no arm as not tested', () => {
    const test = abNodeTest(splitJourney([50, 50]).nodes[1] as AbNode, COUNTERS);
    expect(test).not.toHaveProperty('notTested');
  });

  it('a promote rule with fewer than two arms taking contacts is refused on save, naming the node', () => {
    const problems = journeyProblems(splitJourney([100, 0]));
    expect(problems).toEqual([
      { node: 'ab', message: expect.stringMatching(/Promotes a winner.*one arm takes contacts.*0%/) },
    ]);
    // Without the rule the same split is accepted (an arm switched off).
    expect(journeyProblems(splitJourney([100, 0], false))).toEqual([]);
  });
});

describe('r19a-fix: a winner over a runner-up that never succeeded has no lift', () => {
  it('omits lift (no Infinity, no null) and keeps a finite one otherwise', () => {
    const test = statedTest([
      { arm: 'a', entered: 200, successes: 40 },
      { arm: 'b', entered: 200, successes: 0 },
    ]);
    expect(test.verdict.status).toBe('winner');
    expect(test.verdict).not.toHaveProperty('lift');
    expect(JSON.stringify(test)).not.toContain('null');
    const finite = statedTest([
      { arm: 'a', entered: 1000, successes: 300 },
      { arm: 'b', entered: 1000, successes: 100 },
    ]);
    expect(finite.verdict.status === 'winner' && finite.verdict.lift).toBeCloseTo(2, 5);
  });

  it('counters with more successes than contacts (written before the fix) give a finite z, never NaN', () => {
    const test = statedTest([
      { arm: 'a', entered: 100, successes: 150 },
      { arm: 'b', entered: 100, successes: 100 },
    ]);
    for (const c of test.comparisons) expect(Number.isFinite(c.z) && Number.isFinite(c.p)).toBe(true);
    expect(JSON.stringify(test)).not.toContain('null');
  });
});
