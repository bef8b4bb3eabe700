/**
 * Stats invariant: at quiescence every entered enrolment is in exactly one end bucket
 * (completed, exited:<reason>, incl. failed) or still waiting.
 */

import { describe, expect, it } from 'vitest';
import type { ContactSnapshot } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { campaignStats } from '../../../shared/campaigns/stats';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const enrolMsg = (contactId: string) => ({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' });

function accounted(counters: Map<string, number>, journey: Parameters<typeof campaignStats>[1]) {
  const { totals } = campaignStats(Object.fromEntries(counters), journey);
  const ended = totals.completed + Object.values(totals.exited).reduce((a, b) => a + b, 0);
  return { entered: totals.entered, waiting: totals.waiting, ended, totals };
}

describe('stats invariant entered = waiting + completed + exited', () => {
  const journey = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 't1', next: 'wait' },
      { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  };
  const goal = { if: { type: 'tag' as const, tag: 'customer', has: true }, withinDays: 30 };

  it('holds when an enrolment leaves by the campaign goal', async () => {
    const w = campaignWorld(journey, { goal });
    w.addContact('a');
    w.addContact('b');
    await enrolContact(enrolMsg('a'), w.deps);
    await enrolContact(enrolMsg('b'), w.deps);
    // b becomes a customer during the wait: the campaign goal ends b's enrolment at its next step.
    w.contacts.set('b', { ...(w.contacts.get('b') as ContactSnapshot), tags: ['customer'] });
    await w.advanceTo(w.now() + 4 * DAY);
    expect(w.enrolments.get(`${CAMPAIGN}#b`)).toMatchObject({ status: 'completed', exitReason: 'converted' });
    const s = accounted(w.counters, w.published.journey);
    expect(s.waiting).toBe(0);
    // 2 entered, 1 completed, the converted one in no end bucket at all.
    expect(s.ended + s.waiting).toBe(s.entered);
  });

  it('holds when a goal node converted first and the campaign goal ends it later', async () => {
    const j = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'g' },
        { id: 'g', kind: 'goal', if: { type: 'tag', tag: 'trial' }, within: { days: 2 }, next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const w = campaignWorld(j, { goal });
    w.addContact('a', { tags: ['trial'] });
    await enrolContact(enrolMsg('a'), w.deps);
    w.contacts.set('a', { ...(w.contacts.get('a') as ContactSnapshot), tags: ['trial', 'customer'] });
    await w.advanceTo(w.now() + 4 * DAY);
    expect(w.enrolments.get(`${CAMPAIGN}#a`)).toMatchObject({ exitReason: 'converted' });
    const s = accounted(w.counters, w.published.journey);
    expect(s.ended + s.waiting).toBe(s.entered);
  });
});
