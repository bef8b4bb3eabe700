/**
 * Regression (review 7, engine): opens and clicks flagged as a bot / privacy proxy
 * (`metadata.suspectedBot`) answered `interaction` conditions, goals and waits for an event.
 * docs/CAMPAIGNS.md: such opens and clicks "stay on the timeline but answer no condition". A user
 * who branched on "clicked at least once in the last 7 days" sent the "engaged" mail to a contact
 * whose only click was a link scanner's; a "wait until email_opened" ended at once on an Apple MPP
 * open; a scanner's click counted as a conversion. Only `emailActivityOf`
 * (shared/campaigns/conditions.ts) filtered bots; `holds` for `interaction` (hence goals and the
 * campaign goal, through `holds` and `heldAtDeadline`) and `occurredWithin` (windows.ts, used by
 * event waits in execute-node.ts) counted every interaction on the timeline.
 *
 * Fixed: the step runner leaves them out once, where it builds what every judgement reads
 * (run-step.ts `answering`, conditions.ts `answersConditions`); the judging functions filter
 * nothing themselves. And a flagged event wakes no enrolment (wake-on-event.ts).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { type WakeOnEventDeps, wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const BOT = { suspectedBot: ['link-scanner'] };
const HOUR = 3_600_000;

const enrol = (w: World, contactId = 'c1') =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
const mailed = (w: World) => [...w.sends.values()].map((s) => s.nodeId);
const stateOf = (w: World, contactId = 'c1') => w.enrolments.get(`${CAMPAIGN}#${contactId}`);

describe('a bot-flagged click or open', () => {
  it('does not make an "interaction" condition hold (it answers no condition)', async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'engaged' },
        {
          id: 'engaged',
          kind: 'condition',
          if: { type: 'interaction', interaction: 'email_clicked', withinDays: 7 },
          yes: 'hot',
          no: 'cold',
        },
        { id: 'hot', kind: 'email', templateId: 't-hot', next: 'end' },
        { id: 'cold', kind: 'email', templateId: 't-cold', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const w = campaignWorld(journey);
    w.addContact('c1');
    // The contact's only click: a mail scanner following every link of an earlier mail.
    w.interact('c1', 'email_clicked', { sendId: 'older-send', ...BOT });
    await w.advanceTo(w.now() + 60_000);
    await enrol(w);
    expect(mailed(w)).toEqual(['cold']);
    // A person's click does.
    const person = campaignWorld(journey);
    person.addContact('c1');
    person.interact('c1', 'email_clicked', { sendId: 'older-send' });
    await person.advanceTo(person.now() + 60_000);
    await enrol(person);
    expect(mailed(person)).toEqual(['hot']);
  });

  it('does not end a wait for that interaction', async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'wait' },
        {
          id: 'wait',
          kind: 'wait',
          for: { type: 'event', interaction: 'email_opened', timeout: { days: 3 } },
          next: 'thanks',
          timeoutNext: 'nudge',
        },
        { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'end' },
        { id: 'nudge', kind: 'email', templateId: 't-nudge', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const w = campaignWorld(journey);
    w.addContact('c1');
    await enrol(w);
    const sendId = stateOf(w)?.emails.mail;
    // Apple's privacy proxy fetches the pixel a minute later; nobody reads the mail.
    await w.advanceTo(w.now() + 60_000);
    w.interact('c1', 'email_opened', { sendId, suspectedBot: ['apple-mpp'] });
    await w.advanceTo(w.now() + 4 * DAY);
    expect(mailed(w)).toEqual(['mail', 'nudge']);
    // It stays on the timeline: only judging leaves it out.
    expect(w.timelines.get('c1')?.map((i) => i.type)).toEqual(['email_opened']);
  });

  it('does not meet a goal node: no conversion, the goal times out', async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'goal' },
        {
          id: 'goal',
          kind: 'goal',
          if: { type: 'interaction', interaction: 'email_clicked', withinDays: 7 },
          within: { days: 3 },
          next: 'thanks',
          timeoutNext: 'nudge',
        },
        { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'end' },
        { id: 'nudge', kind: 'email', templateId: 't-nudge', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const run = async (metadata: Record<string, unknown>) => {
      const w = campaignWorld(journey);
      w.addContact('c1');
      await enrol(w);
      await w.advanceTo(w.now() + HOUR);
      w.interact('c1', 'email_clicked', { sendId: stateOf(w)?.emails.mail, ...metadata });
      await w.advanceTo(w.now() + 4 * DAY);
      return w;
    };
    const scanned = await run(BOT);
    expect(mailed(scanned)).toEqual(['mail', 'nudge']);
    expect(stateOf(scanned)?.converted).toBeUndefined();
    expect(scanned.counters.get('converted') ?? 0).toBe(0);
    expect(scanned.counters.get('node:goal:converted') ?? 0).toBe(0);
    // A person's click meets it.
    const clicked = await run({});
    expect(mailed(clicked)).toEqual(['mail', 'thanks']);
    expect(clicked.counters.get('converted')).toBe(1);
  });

  it('does not meet an email-activity goal either (the bot filter lives where the subject is built)', async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'goal' },
        {
          id: 'goal',
          kind: 'goal',
          if: { type: 'email-activity', node: 'mail', activity: 'opened' },
          within: { days: 3 },
          next: 'end',
        },
        { id: 'end', kind: 'exit' },
      ],
    };
    const w = campaignWorld(journey);
    w.addContact('c1');
    await enrol(w);
    w.interact('c1', 'email_clicked', { sendId: stateOf(w)?.emails.mail, ...BOT });
    await w.advanceTo(w.now() + 4 * DAY);
    expect(stateOf(w)).toMatchObject({ status: 'exited', exitReason: 'goal-not-met' });
  });

  describe('does not meet the campaign goal', () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { hours: 12 } }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'later' },
        { id: 'later', kind: 'wait', for: { type: 'duration', duration: { days: 2 } }, next: 'last' },
        { id: 'last', kind: 'email', templateId: 't2', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const goal = {
      if: { type: 'interaction' as const, interaction: 'email_clicked' as const, withinDays: 7, atLeast: 1 },
      withinDays: 1,
    };

    it('judged inside its window (holds)', async () => {
      const w = campaignWorld(journey, { goal });
      w.addContact('c1');
      await enrol(w);
      w.interact('c1', 'email_clicked', { sendId: 'older-send', ...BOT });
      await w.advanceTo(w.now() + 13 * HOUR);
      expect(mailed(w)).toEqual(['mail']);
      expect(stateOf(w)).toMatchObject({ node: 'later', status: 'waiting' });
      expect(w.counters.get('converted') ?? 0).toBe(0);
    });

    it("judged past its deadline (heldAtDeadline), while a person's click before it converts", async () => {
      const run = async (metadata: Record<string, unknown>) => {
        const w = campaignWorld(journey, { goal });
        w.addContact('c1');
        await enrol(w);
        await w.advanceTo(w.now() + 13 * HOUR);
        w.interact('c1', 'email_clicked', { sendId: stateOf(w)?.emails.mail, ...metadata });
        // The next step comes two days later, past the goal's one-day window.
        await w.advanceTo(w.now() + 3 * DAY);
        return w;
      };
      const scanned = await run(BOT);
      expect(mailed(scanned)).toEqual(['mail', 'last']);
      expect(stateOf(scanned)).toMatchObject({ status: 'completed', exitReason: 'completed' });
      expect(scanned.counters.get('converted') ?? 0).toBe(0);
      const clicked = await run({});
      expect(mailed(clicked)).toEqual(['mail']);
      expect(stateOf(clicked)).toMatchObject({ status: 'completed', exitReason: 'converted' });
      expect(clicked.counters.get('converted')).toBe(1);
    });
  });
});

describe('a bot-flagged interaction event', () => {
  const GOAL = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 't1', next: 'goal' },
      {
        id: 'goal',
        kind: 'goal',
        if: { type: 'email-activity', node: 'mail', activity: 'clicked' },
        within: { days: 30 },
        next: 'end',
      },
      { id: 'end', kind: 'exit' },
    ],
  };
  const clicked = (detail: Record<string, unknown>): DomainEventEnvelope => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'contact.interaction_recorded',
    source: 'unite-hub',
    detail: {
      workspaceId: WS,
      contactId: 'c1',
      interactionType: 'email_clicked',
      interactionId: randomUUID(),
      ...detail,
    },
  });

  it('wakes no enrolment and reads none; the same event without the flag wakes the goal', async () => {
    const w = campaignWorld(GOAL);
    w.addContact('c1');
    await enrol(w);
    expect(stateOf(w)).toMatchObject({ node: 'goal', status: 'waiting' });
    const queued: StepMessage[] = [];
    let reads = 0;
    const deps: WakeOnEventDeps = {
      holding: {
        async of(_ws, contactId) {
          reads += 1;
          return [...w.enrolments.values()].filter((e) => e.contactId === contactId && e.status === 'waiting');
        },
      },
      enrolments: w.deps.enrolments,
      versions: w.deps.versions,
      queue: { sendAll: async (m) => void queued.push(...(m.filter((x) => x.kind === 'step') as StepMessage[])) },
      now: w.deps.now,
    };
    expect(await wakeOnEvent(clicked(BOT), deps)).toEqual({ holding: 0, woken: 0, suspectedBot: true });
    expect({ reads, queued: queued.length }).toEqual({ reads: 0, queued: 0 });
    // An empty list of signals is no flag.
    expect(await wakeOnEvent(clicked({ suspectedBot: [] }), deps)).toEqual({ holding: 1, woken: 1 });
    expect(await wakeOnEvent(clicked({}), deps)).toEqual({ holding: 1, woken: 1 });
  });
});
