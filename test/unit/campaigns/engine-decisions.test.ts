/**
 * Decisions and what acts on them (third review): two copies of one step, or a retry, never act
 * on both branches of a decision; a reminder loop through a goal's timeout runs; a conversion
 * counts once per run; a suppression exits by its own reason.
 */
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import type { ContactSnapshot, StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, exitForSuppression, runStep } from '../../../shared/campaigns/run-step';
import { campaignStats } from '../../../shared/campaigns/stats';
import { CAMPAIGN, campaignWorld, DAY, goalThenMail, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const enrolMsg = (contactId: string) => ({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' });
const stateOf = (w: World, contactId: string): EnrolmentState => {
  const state = w.enrolments.get(`${CAMPAIGN}#${contactId}`);
  if (!state) throw new Error(`${contactId} is not enrolled`);
  return state;
};
const contactOf = (w: World, contactId: string): ContactSnapshot => {
  const contact = w.contacts.get(contactId);
  if (!contact) throw new Error(`no contact ${contactId}`);
  return contact;
};
const mailedNodes = (w: World) => [...w.sends.values()].map((s) => s.nodeId);

describe('a decision', () => {
  const GOAL_BRANCHES = goalThenMail('reminder');

  it('judged otherwise by two racing copies of a step mails one branch only', async () => {
    const w = campaignWorld(GOAL_BRANCHES);
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    const state = stateOf(w, 'c1');
    expect(state.node).toBe('g');
    w.timers.length = 0;
    await w.advanceTo(w.now() + DAY);
    // At the deadline, the timer's copy reads the contact just before the tag lands, the wake's just after.
    const before = contactOf(w, 'c1');
    const after = { ...before, tags: ['customer'] };
    const timerCopy: StepDeps = { ...w.deps, contacts: { ...w.deps.contacts, snapshot: async () => before } };
    const wakeCopy: StepDeps = { ...w.deps, contacts: { ...w.deps.contacts, snapshot: async () => after } };
    const { run, step } = state;
    const msg = { kind: 'step' as const, workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run, step };
    const outcomes = await Promise.all([runStep(msg, timerCopy, 'm-timer'), runStep(msg, wakeCopy, 'm-wake')]);
    expect(outcomes.filter((o) => o.status === 'stale')).toHaveLength(1);
    const walked = Object.keys(stateOf(w, 'c1').emails);
    expect(walked).toHaveLength(1);
    expect(mailedNodes(w)).toEqual(walked);
  });

  it('is not judged again by a retry after a failure further on', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'vip' },
        { id: 'vip', kind: 'condition', if: { type: 'tag', tag: 'vip' }, yes: 'mailVip', no: 'mailStd' },
        { id: 'mailVip', kind: 'email', templateId: 't-vip', next: 'hook' },
        { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://crm.example.com/hook' }, next: 'end' },
        { id: 'mailStd', kind: 'email', templateId: 't-std', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1', { tags: ['vip'] });
    let calls = 0;
    const flaky: StepDeps = {
      ...w.deps,
      actions: {
        perform: async (action, target) => {
          calls += 1;
          // Retryable: the message comes back after the visibility timeout.
          if (calls === 1) throw new Error('webhook answered 503');
          return w.deps.actions.perform(action, target);
        },
      },
    };
    await expect(enrolContact(enrolMsg('c1'), flaky, 'sqs-1')).rejects.toThrow('503');
    expect(stateOf(w, 'c1')).toMatchObject({ node: 'mailVip', status: 'waiting' });
    // Meanwhile a person removes the tag; the same message comes back.
    w.contacts.set('c1', { ...contactOf(w, 'c1'), tags: [] });
    w.timers.length = 0;
    expect(await enrolContact(enrolMsg('c1'), flaky, 'sqs-1')).toMatchObject({ status: 'stale' });
    // It set the checkpoint's timer again: that step goes on from the node the decision chose.
    const [timer] = w.timers.splice(0);
    if (timer?.message.kind !== 'step') throw new Error('no step timer');
    expect(await runStep(timer.message, flaky, 'sqs-2')).toEqual({ status: 'ended', reason: 'completed' });
    expect(mailedNodes(w)).toEqual(['mailVip']);
    expect(calls).toBe(2);
    expect(Object.fromEntries(w.counters)).toMatchObject({ entered: 1, completed: 1, waiting: 0 });
  });

  it('costs no extra write on a path without one (a wait, then mail)', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    let saves = 0;
    const counting: StepDeps = {
      ...w.deps,
      enrolments: {
        ...w.deps.enrolments,
        save: (...args) => {
          saves += 1;
          return w.deps.enrolments.save(...args);
        },
      },
    };
    expect(await enrolContact(enrolMsg('c1'), counting)).toEqual({ status: 'ended', reason: 'completed' });
    expect(saves).toBe(1);
  });
});

describe('a reminder loop through a goal timeout', () => {
  it('is accepted on save and runs: the nudge is sent and the goal waits again', async () => {
    const JOURNEY = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'g' },
        {
          id: 'g',
          kind: 'goal',
          if: { type: 'tag', tag: 'customer' },
          within: { days: 2 },
          next: 'end',
          timeoutNext: 'nudge',
        },
        { id: 'nudge', kind: 'email', templateId: 't-nudge', next: 'g' },
        { id: 'end', kind: 'exit' },
      ],
    };
    expect(journeyProblems(journeySchema.parse(JOURNEY), { webhooks: { allowPrivate: true } })).toEqual([]);
    const w = campaignWorld(JOURNEY);
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    await w.advanceTo(w.now() + 2 * DAY + 1000);
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'waiting', node: 'g' });
    expect(stateOf(w, 'c1').failure).toBeUndefined();
    expect(mailedNodes(w)).toEqual(['nudge']);
    await w.advanceTo(w.now() + 2 * DAY + 1000);
    expect(mailedNodes(w)).toEqual(['nudge', 'nudge']);
  });
});

describe('conversions', () => {
  it('count one contact once when a goal node and then the campaign goal are met', async () => {
    const JOURNEY = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'ab' },
        {
          id: 'ab',
          kind: 'split',
          holdoutPercent: 0,
          arms: [
            { id: 'a', percent: 50, next: 'g' },
            { id: 'b', percent: 50, next: 'g' },
          ],
        },
        { id: 'g', kind: 'goal', if: { type: 'tag', tag: 'qualified' }, within: { days: 7 }, next: 'w' },
        { id: 'w', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const w = campaignWorld(JOURNEY, { goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 } });
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    w.contacts.set('c1', { ...contactOf(w, 'c1'), tags: ['qualified'] });
    await w.advanceTo(w.now() + 13 * 3_600_000); // the goal node's poll: met
    w.contacts.set('c1', { ...contactOf(w, 'c1'), tags: ['qualified', 'customer'] });
    await w.advanceTo(w.now() + 2 * DAY); // the next step: the campaign goal is met, it exits converted
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed', exitReason: 'converted' });
    const counters = Object.fromEntries(w.counters);
    const arm = stateOf(w, 'c1').arms.ab ?? 'none';
    const split = campaignStats(counters, journeySchema.parse(JOURNEY)).splits.ab;
    expect(counters.converted).toBe(1);
    expect(counters['node:g:converted']).toBe(1);
    expect(split?.arms[arm]).toMatchObject({ entered: 1, converted: 1 });
  });
});

describe('a suppressed contact', () => {
  it('exits by the reason of its suppression', async () => {
    expect(exitForSuppression('hard-bounce')).toBe('bounced');
    expect(exitForSuppression('soft-bounces')).toBe('bounced');
    expect(exitForSuppression('complaint')).toBe('complained');
    expect(exitForSuppression('unsubscribe')).toBe('unsubscribed');
    expect(exitForSuppression('unsubscribe:topic:news')).toBe('unsubscribed');
    expect(exitForSuppression('manual')).toBe('suppressed');
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    w.suppressed.set('c1@example.com', ['manual']);
    expect(await enrolContact(enrolMsg('c1'), w.deps)).toEqual({ status: 'ended', reason: 'suppressed' });
    expect(w.counters.get('exited:suppressed')).toBe(1);
    expect(w.counters.get('exited:bounced') ?? 0).toBe(0);
  });
});

describe('a step run again from an earlier node', () => {
  it('that is held on the way meets every later node under the same key (a redelivery after a 503)', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'w' },
          { id: 'w', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mailA' },
          { id: 'mailA', kind: 'email', templateId: 't-a', next: 'mailB' },
          { id: 'mailB', kind: 'email', templateId: 't-b', next: 'hook' },
          { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://hooks.example.com/x' }, next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { frequencyCap: { max: 10, per: 'day' } },
    );
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps, 'enrol-1');
    const timer = w.timers.splice(0)[0];
    if (timer?.message.kind !== 'step') throw new Error('no timer');
    await w.advanceTo(timer.dueAt);
    // The receiver answers 503: the step's message fails after both mails, and comes back 180 s later.
    const flaky: StepDeps = {
      ...w.deps,
      actions: {
        perform: async () => {
          throw new Error('503 from the receiver');
        },
      },
    };
    await expect(runStep(timer.message, flaky, 'm1')).rejects.toThrow('503');
    expect(mailedNodes(w)).toEqual(['mailA', 'mailB']);
    await w.advanceTo(w.now() + 180_000);
    // Meanwhile another campaign's step for the contact holds its cap lock: mailA is held a minute.
    const release = await w.deps.mailer.capLock?.(WS, 'c1');
    expect((await runStep(timer.message, w.deps, 'm1')).status).toBe('waiting');
    await release?.();
    await w.advanceTo(w.now() + 120_000);
    expect(stateOf(w, 'c1').status).toBe('completed');
    expect(mailedNodes(w)).toEqual(['mailA', 'mailB']);
  });
});
