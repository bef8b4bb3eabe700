/**
 * docs/CAMPAIGNS.md "Windows": a step that runs after a goal's deadline (a paused campaign
 * resumed) judges it as at the deadline, and "an `interaction` condition counts its days back from
 * the deadline". The timeline the step reads starts at min(enteredAt, now - lookback): it does
 * not reach back to deadline - lookback, so interactions the condition counted at the deadline
 * are not read, and a goal met at its deadline is judged timed out.
 */

import { describe, expect, it } from 'vitest';
import type { ContactSnapshot } from '../../../shared/campaigns/ports';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const HOUR = 3_600_000;

describe('a goal judged at its deadline by a late step', () => {
  it('counts the interactions of its look-back from the deadline', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'g' },
        {
          id: 'g',
          kind: 'goal',
          // Two visits in the 30 days before the moment judged.
          if: { type: 'interaction', interaction: 'page_visit', withinDays: 30, atLeast: 2 },
          within: { days: 1 },
          next: 'won',
          timeoutNext: 'lost',
        },
        { id: 'won', kind: 'exit' },
        { id: 'lost', kind: 'exit' },
      ],
    });
    const t0 = w.now();
    w.addContact('c1');
    // One visit 20 days before entering.
    w.timelines.set('c1', [{ type: 'page_visit', occurredAt: new Date(t0 - 20 * DAY).toISOString(), metadata: {} }]);
    w.contacts.set('c1', {
      ...(w.contacts.get('c1') as ContactSnapshot),
      lastInteractionAt: new Date(t0 - 20 * DAY).toISOString(),
    });
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ node: 'g', status: 'waiting' });
    // The campaign is paused; the second visit comes 12 h after entering, inside the 1-day window.
    w.setStatus('paused');
    await w.advanceTo(t0 + 12 * HOUR);
    w.interact('c1', 'page_visit');
    // Polls during the pause hold the enrolment.
    await w.advanceTo(t0 + 3 * DAY);
    const held = w.enrolments.get(`${CAMPAIGN}#c1`);
    expect(held?.status).toBe('held');
    // Resumed two weeks later: the resume runs the held step.
    await w.advanceTo(t0 + 15 * DAY);
    w.setStatus('active');
    const { run, step } = held as NonNullable<typeof held>;
    await runStep({ kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run, step }, w.deps);
    // At the deadline (t0 + 1 day) the 30 days back held both visits (t0 - 20 d, t0 + 12 h): met.
    const after = w.enrolments.get(`${CAMPAIGN}#c1`);
    expect(after?.converted).toBe(true);
    expect(after?.node).toBe('won');
  });
});
