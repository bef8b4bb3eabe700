/**
 * Regression (review): a split inside a loop through a wait. `arm:<split>:<arm>` (the test's n, "contacts
 * entered" in the docs) is added on every pass through the split, while `armopen:`/`armclick:`
 * (c0e7fab) count once per contact and run. A contact who opened every mail of 3 turns shows as
 * 1 open out of 3 "entered": the arm's open rate is divided by the number of turns, and
 * `minPerArm` (100 contacts per arm) is reached with a third of the contacts.
 */
import { describe, expect, it } from 'vitest';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { campaignStats } from '../../../shared/campaigns/stats';
import { trackedCampaignCounts } from '../../../shared/campaigns/tracked-counts';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      holdoutPercent: 0,
      arms: [
        { id: 'a', percent: 50, next: 'mail' },
        { id: 'b', percent: 50, next: 'mail' },
      ],
    },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'week' },
    { id: 'week', kind: 'wait', for: { type: 'duration', duration: { days: 7 } }, next: 'more' },
    { id: 'more', kind: 'condition', if: { type: 'tag', tag: 'stop' }, yes: 'end', no: 'ab' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('a split in a weekly loop', () => {
  it('counts its arm entries and its arm opens in the same unit (contacts), as the stats say', async () => {
    expect(journeyProblems(journeySchema.parse(JOURNEY) as never, { allowPrivateWebhooks: true } as never)).toEqual([]);
    const w = campaignWorld(JOURNEY);
    w.addContact('p1');
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'p1', launchId: 'l1' }, w.deps);
    await w.advanceTo(w.now() + 7 * DAY + 1000);
    await w.advanceTo(w.now() + 7 * DAY + 1000);
    // Three mails, every one opened by the contact (the tracking route's counting, with its markers).
    const markers = new Set<string>();
    for (const s of w.sends.values()) {
      const sendId = `send-${s.key}`;
      for (const c of trackedCampaignCounts(
        'email_opened',
        { campaignId: CAMPAIGN, nodeId: s.nodeId, sendId, ab: s.ab },
        'p1',
      )) {
        const m = `${c.markerId}#${c.kind}`;
        if (markers.has(m)) continue;
        markers.add(m);
        for (const [k, v] of Object.entries(c.counters)) w.counters.set(k, (w.counters.get(k) ?? 0) + v);
      }
    }
    expect(w.sends.size).toBe(3);
    const stats = campaignStats(Object.fromEntries(w.counters), journeySchema.parse(JOURNEY));
    const arm = Object.values(stats.splits.ab?.arms ?? {}).find((a) => a.entered > 0);
    // One contact took the arm and opened: 1 of 1 (100%), not 1 of 3.
    expect(arm).toMatchObject({ entered: 1, opened: 1 });
  });
});
