/**
 * Review round 19 (r19a).
 * Defect: a split may give an arm 0% (the schema allows `percent: 0`, and journey-rules.ts accepts
 * it together with a `promote` rule), e.g. an arm switched off, or kept at 0 to hold its id. No
 * contact can ever enter it, yet the stated test (ab-test.ts `statedTest`) demands `minPerArm`
 * contacts in EVERY arm, the 0% one included. So however clear the difference between the arms
 * that do receive contacts, the verdict stays "Not enough data: 100 per arm needed (smallest arm
 * has 0)" for ever, and the node's `promote` rule never promotes anything: the automatic promotion
 * the user configured silently never happens, and the stats never name a winner.
 * Severity: LOW (a configuration the product accepts without a word turns the A/B test and its
 * automatic promotion off).
 * Root cause: shared/campaigns/stats.ts:armResults / shared/campaigns/ab-test.ts:statedTest judge
 * every arm of the node, including arms with no share of the traffic; shared/campaigns/journey-rules.ts:
 * nodeProblems accepts a `promote` rule on a split whose arms include 0% arms.
 * Correct: an arm that takes no contacts (0%) and has no data is left out of the test (or a split
 * with `promote` and a 0% arm is refused on save with a clear 400), so the arms that run are judged.
 */
import { describe, expect, it } from 'vitest';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import { duePromotions } from '../../../shared/campaigns/promotion';
import { type AbNode, abNodeTest } from '../../../shared/campaigns/stats';

const JOURNEY = journeySchema.parse({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      arms: [
        { id: 'a', percent: 50, next: 'end' },
        { id: 'b', percent: 50, next: 'end' },
        { id: 'c', percent: 0, next: 'end' },
      ],
      promote: { metric: 'converted' },
    },
    { id: 'end', kind: 'exit' },
  ],
});

describe('r19a: a 0% arm and the promote rule', () => {
  it('still judges (and auto-promotes) the arms that take contacts when one arm is at 0%', () => {
    // The journey is accepted as it is: no problem names the 0% arm or the rule.
    expect(journeyProblems(JOURNEY)).toEqual([]);
    // b converts 300 of 1000, a 100 of 1000: b is far better (z ~ 11).
    const counters = { 'arm:ab:a': 1000, 'arm:ab:b': 1000, 'armconv:ab:a': 100, 'armconv:ab:b': 300 };
    const node = JOURNEY.nodes.find((n) => n.id === 'ab') as AbNode;
    const test = abNodeTest(node, counters);
    expect(test.verdict.status).toBe('winner');
    expect(Object.keys(duePromotions(JOURNEY, counters, {}, new Date('2026-12-07T10:00:00Z')))).toEqual(['ab']);
  });
});
