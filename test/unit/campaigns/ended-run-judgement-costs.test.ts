/**
 * An ended run still eligible for its campaign goal (`goalUntil`), after review round 15: a
 * judgement that does not meet the goal writes nothing and sets no timer (the deadline timer set
 * at the end stands), a conversion still counts once however many copies race (and the deadline
 * timer after it is stale), an event that cannot meet the goal reads neither the run nor the
 * timeline, a chained timer's early link sets the next one, and a person's exit takes the run out
 * of the goal. See run-step.ts `judgeEndedGoal`, `exitEnrolment`; wake-on-event.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { awaitsGoal, type CampaignRules, type EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import type { ContactSnapshot, StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, exitEnrolment, runStep } from '../../../shared/campaigns/run-step';
import { type WakeOnEventDeps, wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const SHORT = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const VISITS: CampaignRules['goal'] = {
  if: { type: 'interaction', interaction: 'page_visit', withinDays: 30, atLeast: 3 },
  withinDays: 30,
};
const TAG: CampaignRules['goal'] = { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 };

const envelope = (type: string, detail: Record<string, unknown>): DomainEventEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': type,
  source: 'unite-hub',
  detail: { workspaceId: WS, ...detail },
});
const visited = (contactId: string) =>
  envelope('contact.interaction_recorded', { contactId, interactionType: 'page_visit', interactionId: randomUUID() });

const becomesCustomer = (w: ReturnType<typeof campaignWorld>) =>
  w.contacts.set('c1', { ...(w.contacts.get('c1') as ContactSnapshot), tags: ['customer'] });

/** A world whose enrolment writes and reads by key are counted, and its wake ports. */
function counted(goal: CampaignRules['goal']) {
  const w = campaignWorld(SHORT, { goal });
  const io = { writes: 0, gets: 0 };
  const deps: StepDeps = {
    ...w.deps,
    enrolments: {
      ...w.deps.enrolments,
      get: async (...args) => {
        io.gets += 1;
        return w.deps.enrolments.get(...args);
      },
      save: async (...args) => {
        io.writes += 1;
        return w.deps.enrolments.save(...args);
      },
    },
  };
  const queued: StepMessage[] = [];
  const wakeDeps: WakeOnEventDeps = {
    holding: {
      async of(_ws, contactId) {
        return [...w.enrolments.values()].filter(
          (e) => e.contactId === contactId && (e.status === 'waiting' || awaitsGoal(e)),
        );
      },
    },
    enrolments: deps.enrolments,
    versions: deps.versions,
    queue: { sendAll: async (m) => void queued.push(...(m as StepMessage[])) },
    now: deps.now,
  };
  const stateOf = () => w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;
  const enrol = () => enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps);
  return { w, io, deps, wakeDeps, queued, stateOf, enrol };
}

describe('an ended run still eligible for its campaign goal', () => {
  it('events that could meet the goal but do not are judged with no write and no timer; the one that meets it counts once', async () => {
    const { w, io, deps, wakeDeps, queued, stateOf, enrol } = counted(VISITS);
    w.addContact('c1');
    await enrol();
    const ended = stateOf();
    expect(ended).toMatchObject({ status: 'completed', goalUntil: expect.any(String) });
    const writesAtEnd = io.writes;
    await w.advanceTo(w.now() + DAY);

    for (let i = 0; i < 2; i++) {
      w.interact('c1', 'page_visit');
      await wakeOnEvent(visited('c1'), wakeDeps);
      expect(queued).toEqual([expect.objectContaining({ step: ended.step, wake: true })]);
      expect(await runStep(queued.splice(0)[0] as StepMessage, deps)).toEqual({ status: 'ended', reason: 'completed' });
    }
    expect(stateOf()).toEqual(ended);
    expect({ writes: io.writes - writesAtEnd, timers: w.timers.length }).toEqual({ writes: 0, timers: 1 });

    // The third visit meets it; the event comes twice and both copies race: one conversion.
    w.interact('c1', 'page_visit');
    const third = visited('c1');
    await wakeOnEvent(third, wakeDeps);
    await wakeOnEvent(third, wakeDeps);
    const outcomes = await Promise.all(queued.splice(0).map((m) => runStep(m, deps)));
    expect(outcomes).toHaveLength(2);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { status: 'ended', reason: 'converted' },
        { status: 'stale', why: 'it moved on' },
      ]),
    );
    expect(stateOf()).toMatchObject({ converted: true, exitReason: 'converted', step: ended.step + 1 });
    expect(stateOf().goalUntil).toBeUndefined();
    // The deadline's timer (set at the end, for that step) is stale.
    expect(await w.advanceTo(w.now() + 40 * DAY)).toEqual([{ status: 'stale', why: 'it moved on' }]);
    expect(Object.fromEntries(w.counters)).toMatchObject({ entered: 1, completed: 1, converted: 1 });
  });

  it('the deadline timer still judges it, with its allowance, after wakes that did not meet the goal', async () => {
    const { w, deps, wakeDeps, queued, stateOf, enrol } = counted(TAG);
    w.addContact('c1');
    await enrol();
    const deadline = Date.parse(stateOf().goalUntil as string);
    await w.advanceTo(w.now() + DAY);
    await wakeOnEvent(envelope('contact.tag_added', { contactId: 'c1', tag: 'customer' }), wakeDeps);
    for (const m of queued.splice(0)) await runStep(m, deps);
    // Tagged a minute after the deadline, before its timer ran: seen there (TIMER_LATENESS_MS).
    await w.advanceTo(deadline - 1);
    becomesCustomer(w);
    const atDeadline = w.timers.splice(0);
    expect(atDeadline.map((t) => t.dueAt)).toEqual([deadline]);
    await w.advanceTo(deadline + 60_000);
    expect(await runStep(atDeadline[0]?.message as StepMessage, deps)).toEqual({
      status: 'ended',
      reason: 'converted',
    });
    expect(w.counters.get('converted')).toBe(1);
  });

  it('an event that cannot meet the goal reads neither the run by key nor the timeline', async () => {
    const { w, io, wakeDeps, queued, enrol } = counted(TAG);
    w.addContact('c1');
    await enrol();
    await w.advanceTo(w.now() + DAY);
    const [gets, timelines] = [io.gets, w.timelineReads.count];
    w.interact('c1', 'page_visit');
    expect(await wakeOnEvent(visited('c1'), wakeDeps)).toEqual({ holding: 1, woken: 0 });
    expect(await wakeOnEvent(envelope('contact.tag_added', { contactId: 'c1', tag: 'lead' }), wakeDeps)).toEqual({
      holding: 1,
      woken: 0,
    });
    expect({ gets: io.gets - gets, timelines: w.timelineReads.count - timelines, queued }).toEqual({
      gets: 0,
      timelines: 0,
      queued: [],
    });
  });

  it("a timer's early link (a chained timer, no wake) sets the next link at the same step, writing nothing", async () => {
    const { w, io, deps, stateOf, enrol } = counted(TAG);
    w.addContact('c1');
    await enrol();
    const ended = stateOf();
    const writes = io.writes;
    const message = w.timers.splice(0)[0]?.message as StepMessage;
    await w.advanceTo(w.now() + 15 * 60_000);
    expect(await runStep(message, deps)).toEqual({ status: 'ended', reason: 'completed' });
    expect(w.timers).toEqual([{ message, dueAt: Date.parse(ended.goalUntil as string) }]);
    expect({ writes: io.writes - writes, state: stateOf() }).toEqual({ writes: 0, state: ended });
  });

  it("a person's exit takes it out of the goal: no counter moves, its timer and a racing wake are stale", async () => {
    const { w, deps, wakeDeps, queued, stateOf, enrol } = counted(TAG);
    w.addContact('c1');
    await enrol();
    const ended = stateOf();
    const before = Object.fromEntries(w.counters);
    await w.advanceTo(w.now() + DAY);
    becomesCustomer(w);
    await wakeOnEvent(envelope('contact.tag_added', { contactId: 'c1', tag: 'customer' }), wakeDeps);

    expect(await exitEnrolment(ended, 'manual', deps)).toBe(true);
    const { goalUntil: _until, ...rest } = ended;
    // Remembered as stopped by a person (`halted`): a mail of the run still queued is not sent (send-fence.ts).
    expect(stateOf()).toEqual({ ...rest, halted: [ended.run], step: ended.step + 1 });
    // A second exit, the racing wake and the deadline timer: nothing.
    expect(await exitEnrolment(stateOf(), 'manual', deps)).toBe(false);
    expect(await runStep(queued.splice(0)[0] as StepMessage, deps)).toEqual({ status: 'stale', why: 'it moved on' });
    await w.advanceTo(w.now() + 40 * DAY);
    expect(Object.fromEntries(w.counters)).toEqual(before);
    expect(stateOf()).toMatchObject({ status: 'completed', exitReason: 'completed' });
    expect(stateOf().converted).toBeUndefined();
  });

  it('an exit of the stale copy of an eligible run (it moved meanwhile) is refused', async () => {
    const { w, deps, stateOf, enrol } = counted(TAG);
    w.addContact('c1');
    await enrol();
    const ended = stateOf();
    becomesCustomer(w);
    await w.advanceTo(w.now() + 40 * DAY);
    expect(stateOf().converted).toBe(true);
    expect(await exitEnrolment(ended, 'manual', deps)).toBe(false);
    expect(w.counters.get('converted')).toBe(1);
  });
});
