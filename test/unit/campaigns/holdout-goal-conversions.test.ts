// Review round 16: this test failed at 5bc3520.
// A split's holdout measured no conversions: a held-out run ended at once (exit `holdout`, not in
// GOAL_ELIGIBLE_EXITS), so with a campaign goal the control group always read 0 conversions.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { awaitsGoal, type CampaignRules, type EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import type { ContactSnapshot } from '../../../shared/campaigns/ports';
import { enrolContact, exitEnrolment, runStep } from '../../../shared/campaigns/run-step';
import { armFor } from '../../../shared/campaigns/split';
import { campaignStats } from '../../../shared/campaigns/stats';
import { wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

/** Every contact first takes arm `x` of `first` (an earlier test), then `ab` holds half of them out. */
const FIRST = { id: 'first', kind: 'split', holdoutPercent: 0, arms: [{ id: 'x', percent: 100, next: 'ab' }] };
const AB = { id: 'ab', kind: 'split', holdoutPercent: 50, arms: [{ id: 'a', percent: 50, next: 'mail' }] };
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'first' },
    FIRST,
    AB,
    { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const GOAL: CampaignRules['goal'] = { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 7 };

/** The first `n` contact ids whose hash lands in `arm` of `ab` (undefined: the holdout). */
function contactsIn(arm: string | undefined, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i += 1) if (armFor(AB, CAMPAIGN, `c${i}`)?.id === arm) out.push(`c${i}`);
  return out;
}

const enrol = (w: World, contactId: string) =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
const stateOf = (w: World, contactId: string) => w.enrolments.get(`${CAMPAIGN}#${contactId}`) as EnrolmentState;
const tag = (w: World, contactId: string) => {
  const c = w.contacts.get(contactId) as ContactSnapshot;
  w.contacts.set(contactId, { ...c, tags: [...c.tags, 'customer'] });
};
const counters = (w: World) => Object.fromEntries(w.counters);
const tagAdded = (contactId: string): DomainEventEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'contact.tag_added',
  source: 'unite-hub',
  detail: { workspaceId: WS, contactId, tag: 'customer' },
});

/** Delivers a contact event through the wake, then runs the steps it queued. */
async function deliver(w: World, event: DomainEventEnvelope) {
  const queued: StepMessage[] = [];
  await wakeOnEvent(event, {
    holding: {
      async of(_ws, contactId) {
        return [...w.enrolments.values()].filter(
          (e) => e.contactId === contactId && (e.status === 'waiting' || awaitsGoal(e)),
        );
      },
    },
    enrolments: w.deps.enrolments,
    versions: w.deps.versions,
    queue: {
      async sendAll(messages) {
        for (const m of messages) if (m.kind === 'step') queued.push(m);
      },
    },
    now: w.deps.now,
  });
  return Promise.all(queued.map((m) => runStep(m, w.deps)));
}

describe('a split holdout under a campaign goal', () => {
  it('stays eligible for the goal, counts its conversions once for the holdout (not the headline), and the stats show them beside the arms', async () => {
    const w = campaignWorld(JOURNEY, { goal: GOAL });
    const held = contactsIn(undefined, 4);
    const armed = contactsIn('a', 2);
    for (const id of [...held, ...armed]) {
      w.addContact(id);
      await enrol(w, id);
    }
    for (const id of held) {
      expect(stateOf(w, id)).toMatchObject({ status: 'exited', exitReason: 'holdout' });
      expect(stateOf(w, id).goalUntil).toBeDefined();
    }
    // Day 1: one held-out contact converts (woken by its event), then another (judged at the deadline).
    await w.advanceTo(w.now() + DAY);
    tag(w, held[0] as string);
    expect(await deliver(w, tagAdded(held[0] as string))).toEqual([{ status: 'ended', reason: 'converted' }]);
    tag(w, held[1] as string);
    tag(w, armed[0] as string);
    await w.advanceTo(w.now() + 10 * DAY);
    // A wake racing the deadline after the conversion counts nothing again.
    expect(await deliver(w, tagAdded(held[0] as string))).toEqual([]);

    expect(stateOf(w, held[0] as string)).toMatchObject({ status: 'exited', exitReason: 'holdout', converted: true });
    expect(stateOf(w, held[1] as string)).toMatchObject({ status: 'exited', exitReason: 'holdout', converted: true });
    expect(stateOf(w, held[2] as string).converted).toBeUndefined();
    for (const id of held) expect(stateOf(w, id).goalUntil).toBeUndefined();
    // No mail and no node for the holdout.
    expect([...w.sends.values()].map((s) => s.contactId).sort()).toEqual([...armed].sort());

    const c = counters(w);
    // The headline counts the journey's conversions only; the holdout's go to its own counter.
    expect(c.converted).toBe(1);
    expect(c['armconv:ab:holdout']).toBe(2);
    expect(c['armconv:ab:a']).toBe(1);
    // The earlier split's arm gets every conversion of its contacts, held out later or not.
    expect(c['armconv:first:x']).toBe(3);
    expect(c.entered).toBe(6);
    expect(c['exited:holdout']).toBe(4);

    const stats = campaignStats(c, w.published.journey);
    expect(stats.splits.ab?.holdout).toEqual({ entered: 4, converted: 2, rate: 0.5, lift: { a: 0 } });
    expect(stats.splits.ab?.arms.a).toMatchObject({ entered: 2, converted: 1 });
    expect(stats.totals.converted).toBe(1);
  });

  it('the lift of each arm over the holdout, and none when the holdout is empty or never converted', () => {
    const journey = campaignWorld(JOURNEY).published.journey;
    const lifted = campaignStats(
      { 'arm:ab:a': 200, 'armconv:ab:a': 30, 'arm:ab:holdout': 100, 'armconv:ab:holdout': 10 },
      journey,
    ).splits.ab?.holdout;
    expect(lifted?.rate).toBeCloseTo(0.1);
    expect(lifted?.lift.a).toBeCloseTo(0.5);
    expect(campaignStats({ 'arm:ab:a': 10 }, journey).splits.ab?.holdout).toEqual({
      entered: 0,
      converted: 0,
      rate: 0,
      lift: { a: null },
    });
  });

  it('a suppression, a deletion or a person exit takes a held-out run out of the goal unconverted', async () => {
    const w = campaignWorld(JOURNEY, { goal: GOAL });
    const [unsub, deleted, exited] = contactsIn(undefined, 3) as [string, string, string];
    for (const id of [unsub, deleted, exited]) {
      w.addContact(id);
      await enrol(w, id);
      expect(stateOf(w, id).goalUntil).toBeDefined();
    }
    expect(await exitEnrolment(stateOf(w, exited), 'manual', w.deps)).toBe(true);
    expect(stateOf(w, exited)).toMatchObject({ status: 'exited', exitReason: 'holdout' });
    expect(stateOf(w, exited).goalUntil).toBeUndefined();
    w.suppressed.set(`${unsub}@example.com`, ['unsubscribe']);
    w.contacts.set(deleted, { ...(w.contacts.get(deleted) as ContactSnapshot), deleted: true });
    for (const id of [unsub, deleted, exited]) tag(w, id);
    await w.advanceTo(w.now() + 10 * DAY);
    for (const id of [unsub, deleted, exited]) {
      expect(stateOf(w, id).converted).toBeUndefined();
      expect(stateOf(w, id).goalUntil).toBeUndefined();
    }
    expect(counters(w)['armconv:ab:holdout'] ?? 0).toBe(0);
    expect(counters(w).converted ?? 0).toBe(0);
  });
});
