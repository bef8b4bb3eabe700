import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../shared/campaigns/conditions';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { pollIntervalMs } from '../../../shared/campaigns/execute-node';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import { enrolContact, runStep, type StepOutcome } from '../../../shared/campaigns/run-step';
import { mayAffect, type WakeOnEventDeps, wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;
const HOUR = 3_600_000;

/** The wake's ports over the world: the contact index, the step queue as a list. */
function waking(w: World, index?: (contactId: string) => EnrolmentState[]) {
  const queued: StepMessage[] = [];
  const deps: WakeOnEventDeps = {
    holding: {
      async of(_ws, contactId) {
        const all = index ? index(contactId) : [...w.enrolments.values()].filter((e) => e.contactId === contactId);
        return all.filter((e) => e.status === 'waiting');
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
  };
  /** Delivers the event and runs every step it queued, as the worker would. */
  const deliver = async (event: DomainEventEnvelope) => {
    const outcome = await wakeOnEvent(event, deps);
    const steps: StepOutcome[] = [];
    for (const m of queued.splice(0)) steps.push(await runStep(m, w.deps));
    return { ...outcome, steps };
  };
  return { deps, queued, deliver };
}

const event = (type: string, detail: Record<string, unknown>): DomainEventEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': type,
  source: 'unite-hub',
  detail: { workspaceId: WS, ...detail },
});
const interaction = (contactId: string, interactionType: string) =>
  event('contact.interaction_recorded', { contactId, interactionType, interactionId: randomUUID() });
const tagAdded = (contactId: string, tag: string) => event('contact.tag_added', { contactId, tag });

const enrol = (w: World, contactId: string) =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
const stateOf = (w: World, contactId: string) => w.enrolments.get(`${CAMPAIGN}#${contactId}`) as EnrolmentState;
const addTag = (w: World, contactId: string, tag: string) => {
  const c = w.contacts.get(contactId);
  if (c) w.contacts.set(contactId, { ...c, tags: [...c.tags, tag] });
};

const GOAL_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'goal' },
    { id: 'goal', kind: 'goal', if: { type: 'tag', tag: 'customer' }, within: { days: 30 }, next: 'thanks' },
    { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};
const EVENT_WAIT_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'form' },
    {
      id: 'form',
      kind: 'wait',
      for: { type: 'event', interaction: 'form_submit', timeout: { days: 30 } },
      next: 'thanks',
    },
    { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};
const DURATION_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'later' },
    { id: 'later', kind: 'email', templateId: 't-later', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

describe('waking held enrolments on a domain event', () => {
  it('a goal met now is seen now, not at the next poll, and the poll then does nothing', async () => {
    const w = campaignWorld(GOAL_JOURNEY);
    const { deliver } = waking(w);
    w.addContact('c1');
    expect(await enrol(w, 'c1')).toMatchObject({ status: 'waiting', node: 'goal' });
    const poll = Date.parse(stateOf(w, 'c1').dueAt as string);
    // Without the wake the goal would be looked at again at its next poll, 12 h later.
    expect(poll - w.now()).toBe(pollIntervalMs(30 * DAY));

    await w.advanceTo(w.now() + HOUR);
    addTag(w, 'c1', 'customer');
    const woke = await deliver(tagAdded('c1', 'customer'));

    expect(woke).toMatchObject({ holding: 1, woken: 1, steps: [{ status: 'ended', reason: 'completed' }] });
    expect(stateOf(w, 'c1')).toMatchObject({
      status: 'completed',
      converted: true,
      endedAt: new Date(w.now()).toISOString(),
    });
    expect([...w.sends.values()].map((s) => s.nodeId)).toEqual(['thanks']);
    // The poll's timer comes later, finds a later step and changes nothing.
    expect(await w.advanceTo(poll + DAY)).toEqual([{ status: 'stale', why: 'it moved on' }]);
    expect(w.sends.size).toBe(1);
    expect(Object.fromEntries(w.counters)).toMatchObject({ converted: 1, completed: 1, sent: 1, waiting: 0 });
  });

  it('a goal not met yet holds again with the same window: woken again, it converts later, once', async () => {
    const w = campaignWorld(GOAL_JOURNEY);
    const { deliver } = waking(w);
    w.addContact('c1');
    await enrol(w, 'c1');
    const since = stateOf(w, 'c1').nodeSince;

    // The goal's tag added, but taken off again before the wake ran: woken, it holds again.
    const first = await deliver(tagAdded('c1', 'customer'));
    expect(first.steps).toEqual([expect.objectContaining({ status: 'waiting', node: 'goal' })]);
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'waiting', node: 'goal', nodeSince: since });

    await w.advanceTo(w.now() + 29 * DAY);
    addTag(w, 'c1', 'customer');
    expect((await deliver(tagAdded('c1', 'customer'))).steps).toEqual([{ status: 'ended', reason: 'completed' }]);
    await w.advanceTo(w.now() + 60 * DAY);
    expect(w.sends.size).toBe(1);
    expect(w.counters.get('waiting')).toBe(0);
  });

  it('a wait for an event wakes on that interaction only, and the email after it goes once', async () => {
    const w = campaignWorld(EVENT_WAIT_JOURNEY);
    const { deliver } = waking(w);
    w.addContact('c1');
    await enrol(w, 'c1');

    w.interact('c1', 'page_visit');
    expect(await deliver(interaction('c1', 'page_visit'))).toMatchObject({ holding: 1, woken: 0 });

    w.interact('c1', 'form_submit');
    const submitted = interaction('c1', 'form_submit');
    // Delivered twice, and both copies queued before either ran: one email.
    const { queued, deps } = waking(w);
    await wakeOnEvent(submitted, deps);
    await wakeOnEvent(submitted, deps);
    expect(queued).toHaveLength(2);
    const outcomes = [];
    for (const m of queued) outcomes.push(await runStep(m, w.deps));
    expect(outcomes).toEqual([
      { status: 'ended', reason: 'completed' },
      { status: 'stale', why: 'it moved on' },
    ]);
    // A redelivery after it ran finds nothing waiting.
    expect(await deliver(submitted)).toMatchObject({ holding: 0, woken: 0 });
    await w.advanceTo(w.now() + 60 * DAY);
    expect([...w.sends.values()].map((s) => s.nodeId)).toEqual(['thanks']);
  });

  it('a reply, unsubscribe or bounce ends any waiting enrolment at once', async () => {
    const w = campaignWorld(DURATION_JOURNEY);
    const { deliver } = waking(w);
    for (const id of ['replier', 'unsub', 'bounced']) {
      w.addContact(id);
      await enrol(w, id);
    }
    await w.advanceTo(w.now() + DAY);

    w.interact('replier', 'email_replied');
    w.suppressed.set('unsub@example.com', ['unsubscribe']);
    w.interact('unsub', 'unsubscribed');
    w.suppressed.set('bounced@example.com', ['hard-bounce']);
    w.interact('bounced', 'email_bounced');
    for (const [id, type] of [
      ['replier', 'email_replied'],
      ['unsub', 'unsubscribed'],
      ['bounced', 'email_bounced'],
    ] as const) {
      expect((await deliver(interaction(id, type))).woken).toBe(1);
    }

    expect(stateOf(w, 'replier')).toMatchObject({ status: 'exited', exitReason: 'replied' });
    expect(stateOf(w, 'unsub')).toMatchObject({ status: 'exited', exitReason: 'unsubscribed' });
    expect(stateOf(w, 'bounced')).toMatchObject({ status: 'exited', exitReason: 'bounced' });
    await w.advanceTo(w.now() + 10 * DAY);
    expect(w.sends.size).toBe(0);
    expect(Object.fromEntries(w.counters)).toMatchObject({ waiting: 0, 'exited:replied': 1 });
  });

  it('a duration wait is not woken by other events, and a wake (campaign goal) never moves it early', async () => {
    const plain = campaignWorld(DURATION_JOURNEY);
    plain.addContact('c1');
    await enrol(plain, 'c1');
    expect(await waking(plain).deliver(tagAdded('c1', 'anything'))).toMatchObject({ holding: 1, woken: 0 });

    // A campaign-wide goal on a tag: a tag added wakes it, since the goal may be met.
    const w = campaignWorld(DURATION_JOURNEY, { goal: { if: { type: 'tag', tag: 'vip', has: true }, withinDays: 30 } });
    const { deliver } = waking(w);
    w.addContact('c1');
    w.addContact('c2');
    await enrol(w, 'c1');
    await enrol(w, 'c2');
    const due = stateOf(w, 'c1').dueAt;
    await w.advanceTo(w.now() + DAY);

    // Another tag cannot meet the goal: it wakes nothing. The goal's tag (taken off again before
    // the wake ran) wakes it, and the wait holds on to its time.
    addTag(w, 'c1', 'other');
    expect(await deliver(tagAdded('c1', 'other'))).toMatchObject({ holding: 1, woken: 0 });
    const woke = await deliver(tagAdded('c1', 'vip'));
    expect(woke.steps).toEqual([{ status: 'waiting', node: 'wait', dueAt: due }]);
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'waiting', node: 'wait', dueAt: due });
    expect(w.sends.size).toBe(0);

    addTag(w, 'c2', 'vip');
    expect((await deliver(tagAdded('c2', 'vip'))).steps).toEqual([{ status: 'ended', reason: 'converted' }]);

    // The wait ends when it was due, and its email goes once (the first timer is stale).
    await w.advanceTo(Date.parse(due as string) - 1);
    expect(w.sends.size).toBe(0);
    await w.advanceTo(Date.parse(due as string) + DAY);
    expect([...w.sends.values()].map((s) => [s.contactId, s.nodeId])).toEqual([['c1', 'later']]);
    // c1 completed the journey, c2 by the campaign goal: both completed, one converted.
    expect(Object.fromEntries(w.counters)).toMatchObject({ entered: 2, waiting: 0, converted: 1, completed: 2 });
  });

  it('names the current step even when the index lags; skips paused campaigns and strangers', async () => {
    const w = campaignWorld(GOAL_JOURNEY);
    w.addContact('c1');
    await enrol(w, 'c1');
    const old = { ...stateOf(w, 'c1'), step: 0 };
    const lagging = waking(w, () => [old]);
    await wakeOnEvent(tagAdded('c1', 'customer'), lagging.deps);
    expect(lagging.queued).toEqual([
      { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run: 1, step: stateOf(w, 'c1').step },
    ]);

    const { deps, queued } = waking(w);
    w.setStatus('paused');
    expect(await wakeOnEvent(tagAdded('c1', 'customer'), deps)).toEqual({ holding: 1, woken: 0 });
    w.setStatus('active');
    expect(await wakeOnEvent(event('contact.tag_added', { tag: 'x' }), deps)).toEqual({ holding: 0, woken: 0 });
    expect(await wakeOnEvent(tagAdded('nobody', 'x'), deps)).toEqual({ holding: 0, woken: 0 });
    expect(queued).toEqual([]);
  });
});

describe('which events could meet a goal', () => {
  const tag = { type: 'tag', tag: 'customer', has: true } as const;
  const opened = { type: 'email-activity', node: 'e1', activity: 'opened' } as const;
  const visits = { type: 'interaction', interaction: 'page_visit', withinDays: 7, atLeast: 3 } as const;
  const hot: Condition = { type: 'score', tiers: ['hot'] };
  const field = { type: 'field', field: 'plan', op: 'equals', value: 'pro' } as const;
  const added = { type: 'contact.tag_added' };
  const crossed = { type: 'contact.score_threshold_crossed' };
  const did = (interaction: string) => ({ type: 'contact.interaction_recorded', interaction });

  it('answers per condition: only an event that could change it', () => {
    expect([added, did('email_delivered'), did('email_opened'), crossed].map((h) => mayAffect(tag, h))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    // A click is an open too (conditions.ts EMAIL_ACTIVITY_INTERACTIONS): it may meet "opened".
    expect([did('email_opened'), did('email_clicked'), added].map((h) => mayAffect(opened, h))).toEqual([
      true,
      true,
      false,
    ]);
    const clicked = { ...opened, activity: 'clicked' } as const;
    expect([did('email_opened'), did('email_clicked'), added].map((h) => mayAffect(clicked, h))).toEqual([
      false,
      true,
      false,
    ]);
    expect([did('page_visit'), did('form_submit'), added].map((h) => mayAffect(visits, h))).toEqual([
      true,
      false,
      false,
    ]);
    // Any interaction may move the score; a crossing says it moved. A tier changes only by a
    // crossing (which names the tiers it leaves and enters): a tiers-only condition waits for one.
    const min: Condition = { type: 'score', min: 60 };
    expect([did('email_delivered'), crossed, added].map((h) => mayAffect(min, h))).toEqual([true, true, false]);
    const crossing = (fromTier: string, toTier: string) => ({ ...crossed, fromTier, toTier });
    expect(
      [
        did('email_delivered'),
        crossed,
        crossing('warm', 'hot'),
        crossing('hot', 'warm'),
        crossing('cold', 'warm'),
        added,
      ].map((h) => mayAffect(hot, h)),
    ).toEqual([false, true, true, true, false, false]);
    // Fields publish no event of their own; a contact update that adds a tag may set them too.
    expect([added, did('email_opened')].map((h) => mayAffect(field, h))).toEqual([true, false]);
  });

  it('wakes a tag condition only for the tag it names (case aside), or for an event that names none', () => {
    const named = (t: string) => ({ ...added, tag: t });
    expect([named('customer'), named('Customer'), named('prospect'), added].map((h) => mayAffect(tag, h))).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(mayAffect({ type: 'not', of: tag }, named('prospect'))).toBe(false);
    // Fields are not on the event: any tag added may come with them.
    expect(mayAffect(field, named('prospect'))).toBe(true);
  });

  it('looks through all, any and not', () => {
    expect(mayAffect({ type: 'any', of: [tag, opened] }, did('email_opened'))).toBe(true);
    expect(mayAffect({ type: 'all', of: [tag, visits] }, did('email_delivered'))).toBe(false);
    expect(mayAffect({ type: 'not', of: opened }, did('email_opened'))).toBe(true);
    expect(mayAffect({ type: 'not', of: opened }, added)).toBe(false);
  });

  it('a delivery does not re-run an enrolment whose campaign goal is a tag; an open re-runs one waiting on opens', async () => {
    const w = campaignWorld(DURATION_JOURNEY, { goal: { if: tag, withinDays: 30 } });
    w.addContact('c1');
    await enrol(w, 'c1');
    expect(await waking(w).deliver(interaction('c1', 'email_delivered'))).toMatchObject({ holding: 1, woken: 0 });
    expect(await waking(w).deliver(tagAdded('c1', 'customer'))).toMatchObject({ holding: 1, woken: 1 });

    const goalNode = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'goal' },
        { id: 'goal', kind: 'goal', if: visits, within: { days: 30 }, next: 'done' },
        { id: 'done', kind: 'exit' },
      ],
    });
    goalNode.addContact('c1');
    await enrol(goalNode, 'c1');
    expect(await waking(goalNode).deliver(interaction('c1', 'email_delivered'))).toMatchObject({ woken: 0 });
    expect(await waking(goalNode).deliver(interaction('c1', 'page_visit'))).toMatchObject({ woken: 1 });
  });
});

describe('a click waking a goal on opens (regression, review)', () => {
  // A goal "opened mail" is met by a click (a reader with images off clicks without loading the
  // pixel), but only an `email_opened` woke it: the conversion waited for the goal's poll (12 h).
  it('wakes a goal node and a campaign goal on "opened" at the click, which meets them', async () => {
    const opened = { type: 'email-activity', node: 'mail', activity: 'opened' } as const;
    const journey = (goal: boolean) => ({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'hold' },
        goal
          ? { id: 'hold', kind: 'goal', if: opened, within: { days: 30 }, next: 'done' }
          : { id: 'hold', kind: 'wait', for: { type: 'duration', duration: { days: 30 } }, next: 'done' },
        { id: 'done', kind: 'exit' },
      ],
    });
    for (const w of [
      campaignWorld(journey(true)),
      campaignWorld(journey(false), { goal: { if: opened, withinDays: 30 } }),
    ]) {
      w.addContact('c1');
      await enrol(w, 'c1');
      await w.advanceTo(w.now() + HOUR);
      const sendId = `send-${[...w.sends.values()][0]?.key}`;
      w.interact('c1', 'email_clicked', { sendId });
      const woke = await waking(w).deliver(interaction('c1', 'email_clicked'));
      expect(woke).toMatchObject({ holding: 1, woken: 1, steps: [{ status: 'ended' }] });
      expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed', endedAt: new Date(w.now()).toISOString() });
      expect(w.counters.get('converted')).toBe(1);
    }
  });
});

describe('the poll of waits for an event and goals', () => {
  it('is a 12th of the window, between 1 h and 12 h', () => {
    expect(pollIntervalMs(2 * HOUR)).toBe(HOUR);
    expect(pollIntervalMs(2 * DAY)).toBe(4 * HOUR);
    expect(pollIntervalMs(30 * DAY)).toBe(12 * HOUR);
  });
});
