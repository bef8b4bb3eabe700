import { describe, expect, it } from 'vitest';
import { ActionFailedError } from '../../../shared/campaigns/ports';
import { enrolContact, exitEnrolment, mayHaveInteractionsSince, runStep } from '../../../shared/campaigns/run-step';
import { ACCEPTANCE_JOURNEY, CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const acceptanceJourney = ACCEPTANCE_JOURNEY;
const enrol = (w: ReturnType<typeof campaignWorld>, contactId: string, launchId = 'l1') =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId }, w.deps);
const sentTo = (w: ReturnType<typeof campaignWorld>, contactId: string) =>
  [...w.sends.values()].filter((s) => s.contactId === contactId).map((s) => s.nodeId);

describe('running a journey', () => {
  it('runs the acceptance journey: welcome, wait, opened? A : B, goal, exit', async () => {
    const w = campaignWorld(acceptanceJourney);
    for (const id of ['opener', 'quiet', 'buyer']) w.addContact(id);
    for (const id of ['opener', 'quiet', 'buyer']) {
      expect(await enrol(w, id)).toMatchObject({ status: 'waiting', node: 'wait' });
    }
    expect(w.sends.size).toBe(3);
    w.interact('opener', 'email_opened', { sendId: w.enrolments.get(`${CAMPAIGN}#opener`)?.emails.welcome });
    // A privacy-proxy open of the quiet contact's mail is kept but answers no condition.
    w.interact('quiet', 'email_opened', {
      sendId: w.enrolments.get(`${CAMPAIGN}#quiet`)?.emails.welcome,
      suspectedBot: ['apple-mpp'],
    });
    await w.advanceTo(w.now() + 2 * DAY);
    expect(sentTo(w, 'opener')).toEqual(['welcome', 'a']);
    expect(sentTo(w, 'quiet')).toEqual(['welcome', 'b']);
    expect(sentTo(w, 'buyer')).toEqual(['welcome', 'b']);

    const buyer = w.contacts.get('buyer');
    if (!buyer) throw new Error('no buyer');
    w.contacts.set('buyer', { ...buyer, tags: ['customer'] });
    await w.advanceTo(w.now() + 10 * DAY);
    expect(w.enrolments.get(`${CAMPAIGN}#buyer`)).toMatchObject({
      status: 'completed',
      exitReason: 'completed',
      converted: true,
    });
    expect(w.enrolments.get(`${CAMPAIGN}#quiet`)).toMatchObject({ status: 'exited', exitReason: 'goal-not-met' });
    expect(w.timers.filter((t) => t.dueAt > w.now())).toEqual([]);
    expect(Object.fromEntries(w.counters)).toMatchObject({
      entered: 3,
      sent: 6,
      'node:welcome:sent': 3,
      'node:a:sent': 1,
      'node:b:sent': 2,
      converted: 1,
      completed: 1,
      'exited:goal-not-met': 2,
      waiting: 0,
    });
  });

  it('a reply before the wait ends exits the contact with no second email', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    await enrol(w, 'c1');
    await w.advanceTo(w.now() + DAY);
    w.interact('c1', 'email_replied');
    await w.advanceTo(w.now() + 5 * DAY);
    expect(sentTo(w, 'c1')).toEqual(['welcome']);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ status: 'exited', exitReason: 'replied' });
  });

  it('never enrols a deleted contact into sends, and exits a suppressed one', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('gone', { deleted: true });
    w.addContact('unsub');
    w.suppressed.set('unsub@example.com', ['unsubscribe']);
    // A deleted or unknown contact gets no record at all (nothing to count); a suppressed one exits.
    expect(await enrol(w, 'gone')).toEqual({ status: 'not-enrolled', why: 'no such contact' });
    expect(await enrol(w, 'unsub')).toEqual({ status: 'ended', reason: 'unsubscribed' });
    expect(await enrol(w, 'missing')).toEqual({ status: 'not-enrolled', why: 'no such contact' });
    expect(w.sends.size).toBe(0);
    expect(w.enrolments.has(`${CAMPAIGN}#gone`)).toBe(false);
    expect(w.counters.get('entered')).toBe(1);
  });

  it('a step delivered three times acts once; a stale timer after an exit does nothing', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    await enrol(w, 'c1');
    const timer = w.timers[0]?.message;
    if (!timer) throw new Error('no timer');
    await w.advanceTo(w.now() + 2 * DAY);
    expect(await runStep(timer, w.deps)).toEqual({ status: 'stale', why: 'it moved on' });
    expect(await runStep(timer, w.deps)).toEqual({ status: 'stale', why: 'it moved on' });
    expect(sentTo(w, 'c1')).toEqual(['welcome', 'b']);

    const state = w.enrolments.get(`${CAMPAIGN}#c1`);
    if (!state) throw new Error('no enrolment');
    expect(await exitEnrolment(state, 'manual', w.deps)).toBe(true);
    expect(await exitEnrolment(state, 'manual', w.deps)).toBe(false);
    const outcomes = await w.advanceTo(w.now() + 30 * DAY);
    expect(outcomes.every((o) => o.status === 'stale')).toBe(true);
    expect(w.counters.get('exited:manual')).toBe(1);
  });

  it('a message redelivered after its process died between the write and the timer sets the timer again', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    const lostTimer = { ...w.deps, timers: { set: async () => Promise.reject(new Error('killed')) } };
    const enrolMsg = { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' };
    // The write lands, the process dies before its timer: the message is not deleted.
    await expect(enrolContact(enrolMsg, lostTimer, 'm-1')).rejects.toThrow('killed');
    expect(w.timers).toHaveLength(0);
    // A duplicate (another message) changes nothing; the redelivery of m-1 sets the timer.
    expect(await enrolContact(enrolMsg, w.deps, 'm-other')).toEqual({
      status: 'not-enrolled',
      why: 'already enrolled',
    });
    expect(w.timers).toHaveLength(0);
    expect(await enrolContact(enrolMsg, w.deps, 'm-1')).toMatchObject({ status: 'stale' });
    expect(w.timers).toHaveLength(1);
    // The same for a step message: the wait's timer fires, the next write lands, the process dies.
    const timer = w.timers.shift()?.message;
    if (!timer) throw new Error('no timer');
    await w.advanceTo(w.now() + 2 * DAY - 1);
    await expect(runStep(timer, lostTimer, 'm-2')).rejects.toThrow('killed');
    expect(await runStep(timer, w.deps, 'm-3')).toEqual({ status: 'stale', why: 'it moved on' });
    expect(w.timers).toHaveLength(0);
    expect(await runStep(timer, w.deps, 'm-2')).toMatchObject({ status: 'stale' });
    expect(w.timers).toHaveLength(1);
    // Every mail still goes once: the journey finishes as usual.
    await w.advanceTo(w.now() + 30 * DAY);
    expect(sentTo(w, 'c1')).toEqual(['welcome', 'b']);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.status).not.toBe('waiting');
  });

  it('a racing copy that loses the conditional write changes nothing', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    const [first, second] = await Promise.all([enrol(w, 'c1'), enrol(w, 'c1')]);
    expect([first.status, second.status].sort()).toEqual(['stale', 'waiting']);
    expect(w.sends.size).toBe(1);
    expect(w.counters.get('entered')).toBe(1);
  });

  it('holds enrolments while the campaign is paused and resumes them', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    await enrol(w, 'c1');
    w.setStatus('paused');
    const outcomes = await w.advanceTo(w.now() + 3 * DAY);
    expect(outcomes).toEqual([{ status: 'held', node: 'wait' }]);
    expect(sentTo(w, 'c1')).toEqual(['welcome']);
    w.setStatus('active');
    const held = w.enrolments.get(`${CAMPAIGN}#c1`);
    if (!held) throw new Error('no enrolment');
    // What the due-time sweep does for a held enrolment once its campaign runs again.
    expect(
      await runStep(
        { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run: held.run, step: held.step },
        w.deps,
      ),
    ).toMatchObject({ status: 'waiting', node: 'goal' });
    expect(sentTo(w, 'c1')).toEqual(['welcome', 'b']);
  });

  it('defers an email to the send window in the contact’s zone', async () => {
    const w = campaignWorld(acceptanceJourney, {
      sendWindow: { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 },
    });
    // 10:00 UTC Monday is 19:00 in Tokyo: outside; Tuesday 09:00 JST is 00:00 UTC.
    w.addContact('tokyo', { timeZone: 'Asia/Tokyo' });
    expect(await enrol(w, 'tokyo')).toEqual({ status: 'waiting', node: 'welcome', dueAt: '2026-12-08T00:00:00.000Z' });
    expect(w.sends.size).toBe(0);
    await w.advanceTo(Date.parse('2026-12-08T00:00:00Z'));
    expect(sentTo(w, 'tokyo')).toEqual(['welcome']);
  });

  it('defers, never drops, a send over the frequency cap', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'one' },
          { id: 'one', kind: 'email', templateId: 't1', next: 'two' },
          { id: 'two', kind: 'email', templateId: 't2', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { frequencyCap: { max: 1, per: 'day' } },
    );
    w.addContact('c1');
    const start = w.now();
    expect(await enrol(w, 'c1')).toMatchObject({ status: 'waiting', node: 'two' });
    await w.advanceTo(start + 2 * DAY);
    const times = [...w.sends.values()].map((s) => s.at - start);
    expect(times).toEqual([0, DAY]);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.status).toBe('completed');
  });

  it('splits by stable hash, records the arm, and fails an enrolment whose webhook refuses for good', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'ab' },
        {
          id: 'ab',
          kind: 'split',
          arms: [
            { id: 'x', percent: 50, next: 'hook' },
            { id: 'y', percent: 50, next: 'tag' },
          ],
        },
        { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://example.com/h' }, next: 'end' },
        { id: 'tag', kind: 'action', action: { type: 'add-tag', tag: 'split-y' }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.deps.actions.perform = async (action, target) => {
      if (action.type === 'webhook') throw new ActionFailedError('https://example.com/h answered 410 Gone');
      w.actions.push({ key: target.idempotencyKey, type: action.type, contactId: target.contactId });
    };
    for (let i = 0; i < 40; i += 1) {
      w.addContact(`c${i}`);
      await enrol(w, `c${i}`);
    }
    const x = w.counters.get('arm:ab:x') ?? 0;
    const y = w.counters.get('arm:ab:y') ?? 0;
    expect(x + y).toBe(40);
    expect(w.counters.get('exited:failed')).toBe(x);
    expect(w.failures.count).toBe(x);
    expect(w.counters.get('completed')).toBe(y);
    const failed = [...w.enrolments.values()].find((e) => e.status === 'failed');
    expect(failed).toMatchObject({ arms: { ab: 'x' }, failure: 'https://example.com/h answered 410 Gone' });
  });

  it('re-enters only as the rule allows', async () => {
    const short = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'm' },
        { id: 'm', kind: 'email', templateId: 't', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const never = campaignWorld(short);
    never.addContact('c1');
    await enrol(never, 'c1');
    expect(await enrol(never, 'c1', 'l2')).toEqual({
      status: 'not-enrolled',
      why: 'already went through this campaign',
    });
    const after = campaignWorld(short, { reentry: { mode: 'after', days: 3 } });
    after.addContact('c1');
    await enrol(after, 'c1');
    expect((await enrol(after, 'c1', 'l2')).status).toBe('not-enrolled');
    await after.advanceTo(after.now() + 3 * DAY);
    expect(await enrol(after, 'c1', 'l3')).toEqual({ status: 'ended', reason: 'completed' });
    expect(after.sends.size).toBe(2);
    expect(after.enrolments.get(`${CAMPAIGN}#c1`)?.run).toBe(2);
  });

  it('holds a contact enrolled into a paused campaign at its trigger until the resume', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    w.setStatus('paused');
    expect(await enrol(w, 'c1')).toEqual({ status: 'held', node: 'start' });
    expect(w.sends.size).toBe(0);
    expect(Object.fromEntries(w.counters)).toMatchObject({ entered: 1, waiting: 1 });
    const held = w.enrolments.get(`${CAMPAIGN}#c1`);
    if (!held) throw new Error('not held');
    w.setStatus('active');
    const { workspaceId, campaignId, contactId, run, step } = held;
    expect(await runStep({ kind: 'step', workspaceId, campaignId, contactId, run, step }, w.deps)).toMatchObject({
      status: 'waiting',
      node: 'wait',
    });
    expect(sentTo(w, 'c1')).toEqual(['welcome']);
  });

  it('does not enrol into an archived campaign', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('c1');
    w.setStatus('archived');
    expect(await enrol(w, 'c1')).toEqual({ status: 'not-enrolled', why: 'campaign is archived' });
  });
});

describe('timeline reads', () => {
  const contact = (lastInteractionAt?: string | null) => ({
    contactId: 'c',
    email: 'c@example.com',
    deleted: false,
    fields: {},
    tags: [],
    score: 0,
    tier: 'cold',
    ...(lastInteractionAt === undefined ? {} : { lastInteractionAt }),
  });
  const since = Date.parse('2026-12-05T10:00:00.000Z');

  it('are needed unless the latest interaction is known to be older than the time asked for', () => {
    expect(mayHaveInteractionsSince(contact(null), since)).toBe(false);
    expect(mayHaveInteractionsSince(contact('2026-12-05T09:59:59.999Z'), since)).toBe(false);
    expect(mayHaveInteractionsSince(contact('2026-12-05T10:00:00.000Z'), since)).toBe(true);
    expect(mayHaveInteractionsSince(contact('2026-12-05T10:00:00.001Z'), since)).toBe(true);
    // Not known, or not a time: read as before.
    expect(mayHaveInteractionsSince(contact(), since)).toBe(true);
    expect(mayHaveInteractionsSince(contact('soon'), since)).toBe(true);
  });

  it('are skipped for a contact that has done nothing since it entered, and made once it has', async () => {
    const w = campaignWorld(acceptanceJourney);
    w.addContact('quiet');
    w.addContact('opener');
    await enrol(w, 'quiet');
    await enrol(w, 'opener');
    expect(w.timelineReads.count).toBe(0);
    w.interact('opener', 'email_opened', { sendId: w.enrolments.get(`${CAMPAIGN}#opener`)?.emails.welcome });
    await w.advanceTo(w.now() + 2 * DAY);
    // The condition still sees the open: the opener's step read its timeline, the quiet one's did not.
    expect(sentTo(w, 'opener')).toEqual(['welcome', 'a']);
    expect(sentTo(w, 'quiet')).toEqual(['welcome', 'b']);
    expect(w.timelineReads.count).toBe(1);
  });

  it('still finds an interaction older than the enrolment that a condition looks back to', async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'visited' },
        {
          id: 'visited',
          kind: 'condition',
          if: { type: 'interaction', interaction: 'page_visit', withinDays: 30 },
          yes: 'a',
          no: 'b',
        },
        { id: 'a', kind: 'email', templateId: 't-a', next: 'end' },
        { id: 'b', kind: 'email', templateId: 't-b', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const w = campaignWorld(journey);
    w.addContact('visitor');
    w.addContact('stranger');
    w.interact('visitor', 'page_visit');
    await w.advanceTo(w.now() + 3 * DAY);
    await enrol(w, 'visitor');
    await enrol(w, 'stranger');
    expect(sentTo(w, 'visitor')).toEqual(['a']);
    expect(sentTo(w, 'stranger')).toEqual(['b']);
    expect(w.timelineReads.count).toBe(1);
  });
});
