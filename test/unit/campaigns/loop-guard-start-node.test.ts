/**
 * Regression (review): the run-time loop guard lets the node a message started at come round once more
 * ("a wait the loop returns to holds on arrival"), whatever its kind. When that node is an email
 * held by a send window (or a frequency cap), a loop saved before the new rule (here through a
 * goal already met) mails on arrival at the start node AND again on the way round, before failing.
 */
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const OLD_VERSION_LOOP = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'goal' },
    {
      id: 'goal',
      kind: 'goal',
      if: { type: 'tag', tag: 'vip' },
      within: { days: 7 },
      next: 'mail',
      timeoutNext: 'end',
    },
    { id: 'end', kind: 'exit' },
  ],
};

describe('the run-time loop guard', () => {
  it('fails a loop at its first return to an email it started at, mailing once', async () => {
    // Monday 10:00 UTC, the window opens at 12:00: the first step holds at the email.
    const w = campaignWorld(OLD_VERSION_LOOP, {
      sendWindow: { weekdays: [1, 2, 3, 4, 5], startHour: 12, endHour: 17 },
    });
    w.addContact('p1', { tags: ['vip'] });
    expect(
      await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'p1', launchId: 'l1' }, w.deps),
    ).toMatchObject({
      status: 'waiting',
      node: 'mail',
    });
    const outcomes = await w.advanceTo(w.now() + 3 * 3_600_000);
    expect(outcomes.at(-1)).toMatchObject({ status: 'ended', reason: 'failed' });
    expect([...w.sends.values()].length).toBe(1);
  });
});
