/**
 * Review round 14: this test failed at cb20668 (four contacts that converted before a split showed
 * as arm conversions {a: 2, b: 2}; fixed: a conversion counts for the arms held when it was met).
 *
 * Defect (review round 14, MEDIUM): a conversion made BEFORE a contact reaches a split (or an
 * email node with subject variants) is credited to the arm it takes AFTERWARDS, when the goal and
 * the arm choice are written in the same save of the enrolment.
 *
 * Journey: trigger -> goal "tagged customer within 1 day" (next and timeoutNext: the split) ->
 * split ab (a 50 / b 50) -> mail -> exit. A contact that is already a customer meets the goal at
 * once, moves on to the split and takes an arm; the split is a decision, so the checkpoint before
 * the mail is one save carrying both `converted` and the arm. `advance.save` (run-step.ts) then
 * adds `armconv:<split>:<arm>` for every entry of `next.arms`, i.e. for the arm chosen AFTER the
 * conversion. The arm's A/B test (and the automatic promotion that reads it) counts a conversion
 * the arm could not have caused: every contact that converted upstream shows as a conversion of
 * whichever arm it lands in (a 100% conversion rate for an "upsell" split placed after a goal).
 * The same happens to an email node's subject line (`armconv:<email>:<line>`) chosen after the
 * conversion.
 *
 * Root cause: shared/campaigns/run-step.ts `advance` -> inner `save`: the arms credited are those
 * of the state written (`next.arms`), not those the enrolment held when it converted.
 * Correct: a conversion counts for the arms (and subject lines) taken before it only; remember the
 * arms at the moment the 'converted' counter is tallied (e.g. snapshot `state.arms` when a goal
 * node / the campaign goal yields 'converted') and credit those.
 */
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { campaignStats } from '../../../shared/campaigns/stats';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const enrol = (contactId: string) => ({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' });

const GOAL_THEN_SPLIT = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'g' },
    { id: 'g', kind: 'goal', if: { type: 'tag', tag: 'customer' }, within: { days: 1 }, next: 'ab', timeoutNext: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      holdoutPercent: 0,
      arms: [
        { id: 'a', percent: 50, next: 'mail' },
        { id: 'b', percent: 50, next: 'mail' },
      ],
    },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const GOAL_THEN_VARIANTS = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'g' },
    {
      id: 'g',
      kind: 'goal',
      if: { type: 'tag', tag: 'customer' },
      within: { days: 1 },
      next: 'mail',
      timeoutNext: 'mail',
    },
    { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: ['Hello', 'Hi there'], next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('a conversion before a split is not credited to the arm taken after it', () => {
  it('split after a goal met on arrival: no armconv for the arm', async () => {
    const w = campaignWorld(GOAL_THEN_SPLIT);
    for (const id of ['c1', 'c2', 'c3', 'c4']) w.addContact(id, { tags: ['customer'] });
    for (const id of ['c1', 'c2', 'c3', 'c4']) await enrolContact(enrol(id), w.deps);

    const counters = Object.fromEntries(w.counters);
    // Every contact converted at the goal (before any arm) ...
    expect(counters.converted).toBe(4);
    expect(counters['node:g:converted']).toBe(4);
    // ... and then entered an arm.
    expect((counters['arm:ab:a'] ?? 0) + (counters['arm:ab:b'] ?? 0)).toBe(4);
    const stats = campaignStats(counters, w.published.journey);
    // The split's arms must show no conversion: none happened after a contact entered an arm.
    expect({
      a: stats.splits.ab?.arms.a?.converted,
      b: stats.splits.ab?.arms.b?.converted,
    }).toEqual({ a: 0, b: 0 });
  });

  it('subject line chosen after a goal met on arrival: no armconv for the line', async () => {
    const w = campaignWorld(GOAL_THEN_VARIANTS);
    for (const id of ['c1', 'c2', 'c3']) w.addContact(id, { tags: ['customer'] });
    for (const id of ['c1', 'c2', 'c3']) await enrolContact(enrol(id), w.deps);

    const counters = Object.fromEntries(w.counters);
    expect(counters.converted).toBe(3);
    expect(counters.sent).toBe(3);
    const armconv = Object.entries(counters).filter(([k]) => k.startsWith('armconv:mail:'));
    // The mail went out after the conversion: its subject lines converted nobody.
    expect(armconv).toEqual([]);
  });
});
