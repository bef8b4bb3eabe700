/**
 * The campaign goal's window (`rules.goal.withinDays`) outlives the journey: a run that ended
 * (completed, or a timeout exit) before the window closed stays eligible for the goal until it
 * closes (`goalUntil`), woken by the contact's events and judged at the deadline; it converts once,
 * for the arms it held, and never acts again. See run-step.ts `judgeEndedGoal`.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { awaitsGoal, type CampaignRules, type EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import type { ContactSnapshot } from '../../../shared/campaigns/ports';
import { enrolContact, runStep, type StepOutcome } from '../../../shared/campaigns/run-step';
import { armFor } from '../../../shared/campaigns/split';
import { type WakeOnEventDeps, wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const SHORT = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const GOAL: CampaignRules['goal'] = { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 7 };

const enrol = (w: World, contactId: string) =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
const stateOf = (w: World, contactId: string) => w.enrolments.get(`${CAMPAIGN}#${contactId}`) as EnrolmentState;
const tag = (w: World, contactId: string, t: string) => {
  const c = w.contacts.get(contactId) as ContactSnapshot;
  w.contacts.set(contactId, { ...c, tags: [...c.tags, t] });
};
const counters = (w: World) => Object.fromEntries(w.counters);
/** entered = waiting + completed + every exited:<reason>. */
const endsBalance = (w: World) => {
  const c = counters(w);
  const exited = Object.entries(c)
    .filter(([k]) => k.startsWith('exited:'))
    .reduce((s, [, v]) => s + v, 0);
  return (c.entered ?? 0) === (c.waiting ?? 0) + (c.completed ?? 0) + exited;
};

const tagAdded = (contactId: string, t: string): DomainEventEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'contact.tag_added',
  source: 'unite-hub',
  detail: { workspaceId: WS, contactId, tag: t },
});

/** The wake's ports over the world (the contact index as the adapter filters it). */
function waking(w: World) {
  const queued: StepMessage[] = [];
  const deps: WakeOnEventDeps = {
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
  };
  const deliver = async (event: DomainEventEnvelope) => {
    const outcome = await wakeOnEvent(event, deps);
    const steps: StepOutcome[] = [];
    for (const m of queued.splice(0)) steps.push(await runStep(m, w.deps));
    return { ...outcome, steps };
  };
  return { deps, queued, deliver };
}

describe('the campaign goal after the journey ended', () => {
  it('a completed run stays eligible until the deadline, with a timer set for it', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    w.addContact('c1');
    await enrol(w, 'c1');
    const deadline = new Date(w.now() + 7 * DAY).toISOString();
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed', exitReason: 'completed', goalUntil: deadline });
    expect(w.timers.map((t) => new Date(t.dueAt).toISOString())).toEqual([deadline]);
    expect(endsBalance(w)).toBe(true);
  });

  it('woken by the event that meets the goal: converts at once, once, mails nothing', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    const { deliver } = waking(w);
    w.addContact('c1');
    await enrol(w, 'c1');
    await w.advanceTo(w.now() + 2 * DAY);

    // An event that could not meet the goal wakes nothing; one that could but does not (the tag
    // taken off again before the wake ran) changes nothing: no write, no second timer.
    const before = stateOf(w, 'c1');
    expect(await deliver(tagAdded('c1', 'prospect'))).toMatchObject({ holding: 1, woken: 0 });
    expect(await deliver(tagAdded('c1', 'customer'))).toMatchObject({ holding: 1, woken: 1 });
    expect(stateOf(w, 'c1')).toEqual(before);
    expect(w.timers).toHaveLength(1);

    tag(w, 'c1', 'customer');
    const woke = await deliver(tagAdded('c1', 'customer'));
    expect(woke).toMatchObject({ woken: 1, steps: [{ status: 'ended', reason: 'converted' }] });
    const state = stateOf(w, 'c1');
    expect(state).toMatchObject({ status: 'completed', exitReason: 'converted', converted: true });
    expect(state.goalUntil).toBeUndefined();
    // Redelivered: nothing is listed any more, nothing counts again; the deadline's timer is stale.
    expect(await deliver(tagAdded('c1', 'customer'))).toMatchObject({ holding: 0, woken: 0 });
    await w.advanceTo(w.now() + 30 * DAY);
    expect(counters(w)).toMatchObject({ entered: 1, completed: 1, converted: 1, sent: 1 });
    expect(w.sends.size).toBe(1);
    expect(endsBalance(w)).toBe(true);
  });

  it('not met by the deadline: leaves eligibility unconverted; a later conversion is not counted', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    const { deliver } = waking(w);
    w.addContact('c1');
    await enrol(w, 'c1');
    await w.advanceTo(w.now() + 7 * DAY + 1);
    expect(stateOf(w, 'c1').goalUntil).toBeUndefined();
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed', exitReason: 'completed' });
    tag(w, 'c1', 'customer');
    expect(await deliver(tagAdded('c1', 'customer'))).toMatchObject({ holding: 0, woken: 0 });
    expect(counters(w).converted ?? 0).toBe(0);
    expect(w.timers).toEqual([]);
  });

  it('a tag seen at the deadline timer (set for it, a little late) counts; an interaction after it does not', async () => {
    const w = campaignWorld(SHORT, {
      goal: { if: { type: 'interaction', interaction: 'page_visit', atLeast: 1, withinDays: 30 }, withinDays: 7 },
    });
    w.addContact('late');
    await enrol(w, 'late');
    const tagged = campaignWorld(SHORT, { goal: GOAL });
    tagged.addContact('c1');
    await enrol(tagged, 'c1');
    // No event (an import): only the deadline's timer sees it, a minute late.
    tag(tagged, 'c1', 'customer');
    const [timer] = tagged.timers;
    tagged.timers.splice(0);
    await tagged.advanceTo((timer?.dueAt ?? 0) + 60_000);
    expect(await runStep(timer?.message as StepMessage, tagged.deps)).toEqual({ status: 'ended', reason: 'converted' });
    expect(counters(tagged).converted).toBe(1);

    // An interaction dated after the deadline does not convert a step that runs later.
    const [late] = w.timers;
    w.timers.splice(0);
    await w.advanceTo((late?.dueAt ?? 0) + 1000);
    w.interact('late', 'page_visit');
    await w.advanceTo(w.now() + DAY);
    expect(await runStep(late?.message as StepMessage, w.deps)).toEqual({ status: 'ended', reason: 'completed' });
    expect(counters(w).converted ?? 0).toBe(0);
    expect(stateOf(w, 'late').goalUntil).toBeUndefined();

    // One inside the window that woke nothing (no wake delivered) is counted at the deadline.
    w.addContact('inside');
    await enrol(w, 'inside');
    await w.advanceTo(w.now() + 3 * DAY);
    w.interact('inside', 'page_visit');
    await w.advanceTo(w.now() + 5 * DAY);
    expect(stateOf(w, 'inside')).toMatchObject({ status: 'completed', exitReason: 'converted', converted: true });
    expect(counters(w).converted).toBe(1);
  });

  it('a suppression or a reply after the end takes it out of the goal, as it would a waiting run', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    for (const id of ['unsub', 'replier']) {
      w.addContact(id);
      await enrol(w, id);
    }
    await w.advanceTo(w.now() + DAY);
    w.suppressed.set('unsub@example.com', ['unsubscribe']);
    w.interact('replier', 'email_replied');
    tag(w, 'unsub', 'customer');
    tag(w, 'replier', 'customer');
    await w.advanceTo(w.now() + 10 * DAY);
    expect(counters(w).converted ?? 0).toBe(0);
    expect(stateOf(w, 'unsub')).toMatchObject({ status: 'completed', exitReason: 'completed' });
    expect(stateOf(w, 'unsub').goalUntil).toBeUndefined();
    expect(stateOf(w, 'replier').goalUntil).toBeUndefined();
  });

  it('a timeout exit and a holdout stay eligible and keep their end; a campaign without a goal and a run already converted do not', async () => {
    const timeout = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'form' },
          {
            id: 'form',
            kind: 'wait',
            for: { type: 'event', interaction: 'form_submit', timeout: { days: 1 } },
            next: 'end',
          },
          { id: 'end', kind: 'exit' },
        ],
      },
      { goal: GOAL },
    );
    timeout.addContact('c1');
    await enrol(timeout, 'c1');
    await timeout.advanceTo(timeout.now() + 2 * DAY);
    expect(stateOf(timeout, 'c1')).toMatchObject({ status: 'exited', exitReason: 'event-timeout' });
    expect(stateOf(timeout, 'c1').goalUntil).toBeDefined();
    tag(timeout, 'c1', 'customer');
    await timeout.advanceTo(timeout.now() + 10 * DAY);
    expect(stateOf(timeout, 'c1')).toMatchObject({ status: 'exited', exitReason: 'event-timeout', converted: true });
    expect(counters(timeout)).toMatchObject({ entered: 1, 'exited:event-timeout': 1, converted: 1 });
    expect(counters(timeout).completed ?? 0).toBe(0);
    expect(endsBalance(timeout)).toBe(true);

    const split = { id: 'ab', kind: 'split', holdoutPercent: 50, arms: [{ id: 'a', percent: 50, next: 'mail' }] };
    const holdout = campaignWorld(
      { nodes: [{ id: 'start', kind: 'trigger', next: 'ab' }, split, ...SHORT.nodes.slice(1)] },
      { goal: GOAL },
    );
    let held = 'c0';
    for (let i = 0; armFor(split, CAMPAIGN, held) !== undefined; i += 1) held = `c${i}`;
    holdout.addContact(held);
    expect(await enrol(holdout, held)).toEqual({ status: 'ended', reason: 'holdout' });
    // The control group is measured too (holdout-goal-conversions.test.ts): eligible, with a deadline timer.
    expect(stateOf(holdout, held).goalUntil).toBeDefined();
    expect(holdout.timers).toHaveLength(1);

    const noGoal = campaignWorld(SHORT);
    noGoal.addContact('c1');
    await enrol(noGoal, 'c1');
    expect(stateOf(noGoal, 'c1').goalUntil).toBeUndefined();
    expect(noGoal.timers).toEqual([]);

    const goalNode = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'g' },
          { id: 'g', kind: 'goal', if: { type: 'tag', tag: 'customer' }, within: { days: 1 }, next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { goal: GOAL },
    );
    goalNode.addContact('c1', { tags: ['customer'] });
    await enrol(goalNode, 'c1');
    // The campaign goal met before any node: converted, ended, nothing left to judge.
    expect(stateOf(goalNode, 'c1').goalUntil).toBeUndefined();
    expect(counters(goalNode).converted).toBe(1);
  });

  it('the arms it held get the conversion, and racing copies (timer, wake, redelivery) count it once', async () => {
    const w = campaignWorld(
      {
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
          { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { goal: GOAL },
    );
    w.addContact('c1');
    await enrol(w, 'c1');
    const arm = stateOf(w, 'c1').arms.ab;
    const { step, run } = stateOf(w, 'c1');
    tag(w, 'c1', 'customer');
    const message: StepMessage = { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run, step };
    const outcomes = [await runStep(message, w.deps), await runStep(message, w.deps)];
    expect(outcomes).toEqual([
      { status: 'ended', reason: 'converted' },
      { status: 'stale', why: 'it moved on' },
    ]);
    await w.advanceTo(w.now() + 30 * DAY);
    expect(counters(w)).toMatchObject({ converted: 1, [`armconv:ab:${arm}`]: 1, completed: 1, entered: 1 });
    expect(w.sends.size).toBe(1);
  });

  it('a re-entry inside the window judges the previous run a last time before the new run takes the record', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL, reentry: { mode: 'always' } });
    w.addContact('c1');
    await enrol(w, 'c1');
    await w.advanceTo(w.now() + DAY);
    tag(w, 'c1', 'prospect');
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l2' }, w.deps);
    // Not met: the first run leaves unconverted; the second is eligible in its turn.
    expect(stateOf(w, 'c1')).toMatchObject({ run: 2, status: 'completed', goalUntil: expect.any(String) });
    expect(counters(w).converted ?? 0).toBe(0);

    tag(w, 'c1', 'customer');
    await w.advanceTo(w.now() + DAY);
    // Re-entering a customer: the second run converts at its re-entry, the third at its first step.
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l3' }, w.deps);
    expect(stateOf(w, 'c1')).toMatchObject({ run: 3, status: 'completed', exitReason: 'converted' });
    await w.advanceTo(w.now() + 30 * DAY);
    expect(counters(w)).toMatchObject({ entered: 3, completed: 3, converted: 2 });
    expect(endsBalance(w)).toBe(true);
    // Every timer left over (the earlier runs' deadlines) found a later step.
    expect(w.timers).toEqual([]);
  });

  it('an archived campaign or a deleted contact ends eligibility without converting', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    for (const id of ['c1', 'c2']) {
      w.addContact(id, { tags: [] });
      await enrol(w, id);
    }
    tag(w, 'c2', 'customer');
    w.contacts.set('c2', { ...(w.contacts.get('c2') as ContactSnapshot), deleted: true });
    w.setStatus('archived');
    tag(w, 'c1', 'customer');
    await w.advanceTo(w.now() + 8 * DAY);
    expect(counters(w).converted ?? 0).toBe(0);
    expect(stateOf(w, 'c1').goalUntil).toBeUndefined();
    expect(stateOf(w, 'c2').goalUntil).toBeUndefined();
  });
});
