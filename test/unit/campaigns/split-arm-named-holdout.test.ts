/**
 * A split arm may be named "holdout" (a valid node id, not refused by the journey rules): its
 * counter `arm:<split>:holdout` is the very counter the split's holdout group counts in, so the
 * arm's `entered` (the A/B test's sample) and the split's `holdout` both mix the two groups.
 */
import { describe, expect, it } from 'vitest';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { campaignStats } from '../../../shared/campaigns/stats';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      arms: [
        { id: 'a', percent: 40, next: 'mailA' },
        { id: 'holdout', percent: 40, next: 'mailB' },
      ],
      holdoutPercent: 20,
    },
    { id: 'mailA', kind: 'email', templateId: 't-a', next: 'end' },
    { id: 'mailB', kind: 'email', templateId: 't-b', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('a split arm named "holdout"', () => {
  it('is either refused on save or counted apart from the holdout group', async () => {
    const problems = journeyProblems(journeySchema.parse(JOURNEY));
    if (problems.length > 0) return; // refused on save: fine
    const w = campaignWorld(JOURNEY);
    for (let i = 0; i < 200; i += 1) {
      w.addContact(`c${i}`);
      await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: `c${i}`, launchId: 'l1' }, w.deps);
    }
    const states = [...w.enrolments.values()];
    const tookArm = states.filter((s) => s.arms.ab === 'holdout').length;
    const heldOut = states.filter((s) => s.exitReason === 'holdout').length;
    expect(tookArm).toBeGreaterThan(0);
    expect(heldOut).toBeGreaterThan(0);
    const stats = campaignStats(Object.fromEntries(w.counters), w.published.journey);
    const split = stats.splits.ab;
    expect(split?.arms.holdout?.entered).toBe(tookArm);
    expect(split?.holdout).toBe(heldOut);
  });
});
