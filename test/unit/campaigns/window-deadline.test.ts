/**
 * Regression (review): conversion windows and event-wait timeouts were judged against whatever the
 * contact had done by the moment the step ran, not by the window's deadline. A campaign paused
 * past a 1-day window (or any late timer: the sweep, a late schedule) took the "met" branch, or
 * counted a conversion, for an event days after the window closed. They are judged as at the
 * deadline now (shared/campaigns/windows.ts): dated interactions at or before it count; tags,
 * fields and the score, which carry no time, do not count once it passed.
 */
import { describe, expect, it } from 'vitest';
import type { Condition, ConditionSubject } from '../../../shared/campaigns/conditions';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { judgeWindow, occurredWithin, TIMER_LATENESS_MS } from '../../../shared/campaigns/windows';
import { CAMPAIGN, campaignWorld, DAY, goalThenMail, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;
const HOUR = 3_600_000;

const EVENT_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'w' },
    {
      id: 'w',
      kind: 'wait',
      for: { type: 'event', interaction: 'email_clicked', timeout: { days: 1 } },
      next: 'thanks',
      timeoutNext: 'reminder',
    },
    { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'end' },
    { id: 'reminder', kind: 'email', templateId: 't-reminder', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const goalJourney = (condition: unknown) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'g' },
    { id: 'g', kind: 'goal', if: condition, within: { days: 1 }, next: 'met', timeoutNext: 'missed' },
    { id: 'met', kind: 'exit' },
    { id: 'missed', kind: 'exit' },
  ],
});
const FORM_SUBMITTED = { type: 'interaction', interaction: 'form_submit', withinDays: 30 };

const stateOf = (w: World) => w.enrolments.get(`${CAMPAIGN}#c1`);

/** Enrols c1 at t0, pauses the campaign; its first poll (2 h) finds it paused and holds it. */
async function enrolAndPause(w: World): Promise<number> {
  w.addContact('c1');
  const t0 = w.now();
  await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
  w.setStatus('paused');
  await w.advanceTo(t0 + 12 * HOUR);
  expect(stateOf(w)?.status).toBe('held');
  return t0;
}

/** Resumes the campaign and runs the held step, as the resume page would. */
async function resume(w: World) {
  w.setStatus('active');
  const s = stateOf(w);
  if (!s) throw new Error('no enrolment');
  return runStep(
    { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run: s.run, step: s.step },
    w.deps,
  );
}

const at = (w: World, ms: number) => w.advanceTo(ms);
const sentNodes = (w: World) => [...w.sends.values()].map((s) => s.nodeId);
const sendIdOf = (w: World) => `send-${[...w.sends.values()].find((s) => s.nodeId === 'mail')?.key}`;

describe('an event wait is judged at its timeout, however late its step runs', () => {
  it('takes the timeout branch for a click two days after the timeout (paused meanwhile)', async () => {
    const w = campaignWorld(EVENT_JOURNEY);
    const t0 = await enrolAndPause(w);
    await at(w, t0 + 3 * DAY);
    w.interact('c1', 'email_clicked');
    await at(w, t0 + 5 * DAY);
    await resume(w);
    expect(sentNodes(w)).toEqual(['reminder']);
  });

  it('still takes the event branch for a click inside the timeout, seen only after it', async () => {
    const w = campaignWorld(EVENT_JOURNEY);
    const t0 = await enrolAndPause(w);
    await at(w, t0 + 20 * HOUR);
    w.interact('c1', 'email_clicked');
    await at(w, t0 + 5 * DAY);
    await resume(w);
    expect(sentNodes(w)).toEqual(['thanks']);
  });
});

describe('a goal node is judged at the end of its window, however late its step runs', () => {
  it('does not count a conversion two days after the window (paused meanwhile)', async () => {
    const w = campaignWorld(goalJourney(FORM_SUBMITTED));
    const t0 = await enrolAndPause(w);
    await at(w, t0 + 3 * DAY);
    w.interact('c1', 'form_submit');
    await at(w, t0 + 5 * DAY);
    await resume(w);
    expect(w.counters.get('converted') ?? 0).toBe(0);
    expect(stateOf(w)?.node).toBe('missed');
  });

  it('counts a conversion inside the window that the step sees only after it', async () => {
    const w = campaignWorld(goalJourney(FORM_SUBMITTED));
    const t0 = await enrolAndPause(w);
    await at(w, t0 + 20 * HOUR);
    w.interact('c1', 'form_submit');
    await at(w, t0 + 5 * DAY);
    await resume(w);
    expect(w.counters.get('converted')).toBe(1);
    expect(stateOf(w)?.node).toBe('met');
  });

  it('dates email activity: a click after the window does not open the mail in it; one inside does', async () => {
    const opened = { type: 'email-activity', node: 'mail', activity: 'opened' };
    const late = campaignWorld(goalJourney(opened));
    const t0 = await enrolAndPause(late);
    await at(late, t0 + 3 * DAY);
    late.interact('c1', 'email_clicked', { sendId: sendIdOf(late) });
    await at(late, t0 + 5 * DAY);
    await resume(late);
    expect(stateOf(late)?.node).toBe('missed');

    const inTime = campaignWorld(goalJourney(opened));
    const t1 = await enrolAndPause(inTime);
    await at(inTime, t1 + 20 * HOUR);
    inTime.interact('c1', 'email_clicked', { sendId: sendIdOf(inTime) });
    await at(inTime, t1 + 5 * DAY);
    await resume(inTime);
    expect(stateOf(inTime)?.node).toBe('met');
  });

  it('takes a tag found after the window for a timeout: it carries no time', async () => {
    const w = campaignWorld(goalJourney({ type: 'tag', tag: 'customer' }));
    const t0 = await enrolAndPause(w);
    await at(w, t0 + 3 * DAY);
    const c = w.contacts.get('c1');
    if (c) w.contacts.set('c1', { ...c, tags: ['customer'] });
    await at(w, t0 + 5 * DAY);
    await resume(w);
    expect(w.counters.get('converted') ?? 0).toBe(0);
    expect(stateOf(w)?.node).toBe('missed');
  });

  it('an on-time step still sees a tag as it is at the deadline', async () => {
    const w = campaignWorld(goalJourney({ type: 'tag', tag: 'customer' }));
    w.addContact('c1');
    const t0 = w.now();
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    await at(w, t0 + 23 * HOUR);
    const c = w.contacts.get('c1');
    if (c) w.contacts.set('c1', { ...c, tags: ['customer'] });
    await at(w, t0 + DAY);
    expect(stateOf(w)?.node).toBe('met');
  });
});

describe('judgeWindow (the campaign goal judges its withinDays the same way)', () => {
  const deadline = Date.parse('2026-12-08T10:00:00Z');
  const subject = (nowMs: number, extra: Partial<ConditionSubject> = {}): ConditionSubject => ({
    contact: { fields: { plan: 'pro' }, tags: ['customer'], score: 80, tier: 'hot' },
    interactions: [
      { type: 'form_submit', occurredAt: new Date(deadline + DAY).toISOString() },
      { type: 'page_visit', occurredAt: new Date(deadline - HOUR).toISOString() },
      { type: 'email_clicked', occurredAt: new Date(deadline - HOUR).toISOString(), metadata: { sendId: 's1' } },
    ],
    emailActivity: { mail: { opened: true, clicked: true } },
    now: new Date(nowMs),
    ...extra,
  });
  const form: Condition = { type: 'interaction', interaction: 'form_submit', withinDays: 7, atLeast: 1 };
  const visit: Condition = { type: 'interaction', interaction: 'page_visit', withinDays: 7, atLeast: 1 };
  const tag: Condition = { type: 'tag', tag: 'customer', has: true };
  const opened: Condition = { type: 'email-activity', node: 'mail', activity: 'opened' };
  const emails = { mail: 's1' };

  it('answers from the contact as it is while the window is open, and at its very end', () => {
    expect(judgeWindow(tag, subject(deadline - HOUR), deadline, emails)).toBe('met');
    expect(judgeWindow(tag, subject(deadline), deadline, emails)).toBe('met');
    expect(judgeWindow({ type: 'not', of: tag }, subject(deadline - HOUR), deadline, emails)).toBe('open');
    expect(judgeWindow({ type: 'not', of: tag }, subject(deadline), deadline, emails)).toBe('timed-out');
  });

  it('reads a tag as it is a little after the deadline only for a node whose last poll is set for it', () => {
    const justLate = subject(deadline + 10 * 60_000);
    // The campaign goal (no lateness): a step 10 minutes after its window cannot see when the tag came.
    expect(judgeWindow(tag, justLate, deadline, emails)).toBe('timed-out');
    // A goal node's own last poll, fired 10 minutes late, reads it as it is.
    expect(judgeWindow(tag, justLate, deadline, emails, TIMER_LATENESS_MS)).toBe('met');
    expect(judgeWindow(tag, subject(deadline + TIMER_LATENESS_MS + 1), deadline, emails, TIMER_LATENESS_MS)).toBe(
      'timed-out',
    );
  });

  it('past the deadline: only dated interactions up to it count; tags, fields and score do not', () => {
    const late = subject(deadline + 2 * DAY);
    expect(judgeWindow(form, late, deadline, emails)).toBe('timed-out');
    expect(judgeWindow(visit, late, deadline, emails)).toBe('met');
    expect(judgeWindow(opened, late, deadline, emails)).toBe('met');
    expect(judgeWindow(opened, late, deadline, { mail: 'another-send' })).toBe('timed-out');
    expect(judgeWindow(tag, late, deadline, emails)).toBe('timed-out');
    expect(judgeWindow({ type: 'not', of: tag }, late, deadline, emails)).toBe('timed-out');
    expect(judgeWindow({ type: 'score', tiers: ['hot'] }, late, deadline, emails)).toBe('timed-out');
    // Unknown parts combine: any(unknown, true) holds; all(unknown, true) cannot be told.
    expect(judgeWindow({ type: 'any', of: [tag, visit] }, late, deadline, emails)).toBe('met');
    expect(judgeWindow({ type: 'all', of: [tag, visit] }, late, deadline, emails)).toBe('timed-out');
    expect(judgeWindow({ type: 'not', of: form }, late, deadline, emails)).toBe('met');
  });

  it('an event wait counts an interaction in [since, deadline] only', () => {
    const { interactions } = subject(deadline + 2 * DAY);
    expect(occurredWithin(interactions, 'form_submit', deadline - DAY, deadline)).toBe(false);
    expect(occurredWithin(interactions, 'page_visit', deadline - DAY, deadline)).toBe(true);
    expect(occurredWithin(interactions, 'page_visit', deadline - 30 * 60_000, deadline)).toBe(false);
  });
});

describe('the last poll of a goal node, fired a little late as every real timer is', () => {
  const GOAL = goalThenMail('nudge');
  async function lastPoll(lateMs: number) {
    const w = campaignWorld(GOAL);
    w.addContact('c1');
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    const deadline = w.now() + DAY;
    await w.advanceTo(deadline - 3_600_000);
    // Tagged an hour before the deadline by an import, which publishes nothing: no wake.
    const contact = w.contacts.get('c1');
    if (!contact) throw new Error('no contact');
    w.contacts.set('c1', { ...contact, tags: ['customer'] });
    const last = w.timers.splice(0).find((t) => t.dueAt === deadline);
    if (last?.message.kind !== 'step') throw new Error('no poll at the deadline');
    await w.advanceTo(deadline + lateMs);
    await runStep(last.message, w.deps, 'timer');
    return [...w.sends.values()].map((s) => s.nodeId);
  }

  it('still reads a tag as it is when it runs within TIMER_LATENESS_MS', async () => {
    expect(await lastPoll(0)).toEqual(['thanks']);
    expect(await lastPoll(1_000)).toEqual(['thanks']);
    expect(await lastPoll(TIMER_LATENESS_MS)).toEqual(['thanks']);
  });

  it('takes a tag found later than that for a timeout (a pause, an outage)', async () => {
    expect(await lastPoll(TIMER_LATENESS_MS + 1)).toEqual(['nudge']);
  });
});
