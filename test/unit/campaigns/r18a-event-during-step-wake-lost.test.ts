// Review round 18: this test failed at 3f055a0.
/**
 * Defect: an interaction that arrives while the step moving an enrolment INTO a wait-for-event
 * runs (after the step read the timeline, before it saved the hold) wakes nothing: the wake finds
 * no waiting enrolment (or one at an older step / another node) and queues no step, and the step
 * then saves its hold with a due time one poll away (pollIntervalMs: up to 12 h). The contact who
 * did exactly what the journey waits for gets the next mail up to 12 hours late, although
 * docs/CAMPAIGNS.md ("Waking on events", wake-on-event.ts header) promise that the contact's domain
 * event moves such a wait "at once".
 * Severity: MEDIUM (wrong timing of a campaign's core feature for every contact whose event lands in
 * the window of its own step: typically a form or click right after the mail that asks for it).
 * Root cause: shared/campaigns/run-step.ts:advance (case 'hold') + shared/campaigns/wake-on-event.ts
 * :wakeOnEvent: the step's judgement reads the timeline once before it writes the hold, and the wake
 * only wakes enrolments already stored as `waiting` at a node the event could move; nothing closes
 * the gap between the two (no re-read of the timeline after the hold is written, nor a short first
 * poll).
 * Correct: after the hold at a wait for an event (or a goal) is saved, an interaction already
 * recorded that meets it moves the enrolment at once (e.g. re-read the contact's timeline since
 * the step's read after the write, and set the timer for now when it holds a matching interaction).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { type WakeOnEventDeps, wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const MIN = 60_000;

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ask' },
    { id: 'ask', kind: 'email', templateId: 't-ask', next: 'form' },
    {
      id: 'form',
      kind: 'wait',
      for: { type: 'event', interaction: 'form_submit', timeout: { days: 7 } },
      next: 'thanks',
    },
    { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

describe('a wait for an event whose event lands during the step that enters the wait', () => {
  it('moves on at once (the wake and the step must not both miss it), not at the next poll hours later', async () => {
    const w = campaignWorld(JOURNEY);
    w.addContact('c1');
    const queued: StepMessage[] = [];
    const wakeDeps: WakeOnEventDeps = {
      holding: {
        async of(_ws, contactId) {
          return [...w.enrolments.values()].filter((e) => e.contactId === contactId && e.status === 'waiting');
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
    const event: DomainEventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'contact.interaction_recorded',
      source: 'unite-hub',
      detail: { workspaceId: WS, contactId: 'c1', interactionType: 'form_submit', interactionId: randomUUID() },
    };
    // The contact submits the form while the step that queues the "ask" mail is running: the
    // interaction is recorded and its domain event handled (the wake) before the step saves its hold.
    const send = w.deps.mailer.send.bind(w.deps.mailer);
    let injected = false;
    (w.deps.mailer as { send: typeof send }).send = async (input) => {
      const sent = await send(input);
      if (!injected && input.nodeId === 'ask') {
        injected = true;
        w.interact('c1', 'form_submit');
        await wakeOnEvent(event, wakeDeps);
      }
      return sent;
    };

    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    expect(injected).toBe(true);
    // Whatever the wake queued runs now, as the worker would.
    for (const m of queued.splice(0)) await runStep(m, w.deps);
    // A few minutes pass: every timer due in them fires.
    await w.advanceTo(w.now() + 5 * MIN);

    const thanks = [...w.sends.values()].filter((s) => s.nodeId === 'thanks');
    const state = w.enrolments.get(`${CAMPAIGN}#c1`);
    expect(
      { thanksSent: thanks.length, node: state?.node, dueAt: state?.dueAt },
      'the form_submit recorded during the step is seen only at the poll hours later',
    ).toMatchObject({ thanksSent: 1 });
  });
});
