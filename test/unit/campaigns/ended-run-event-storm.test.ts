/**
 * Review round 15: this test failed at f03ad0e (30 contact events that could not meet the goal of an ended, still-eligible run gave 30 writes and 31 deadline timers).
 *
 * Defect (review round 15, MEDIUM, cost): a run that ended inside its campaign goal's window
 * (`goalUntil`) is woken by every contact event that "may affect" the goal, and every such wake
 * that does not meet the goal writes the enrolment again (step + 1) and creates ONE MORE deadline
 * timer (an EventBridge Scheduler schedule: its name is per run and step, step-timers.ts) for the
 * very same deadline. Nothing about the ended run changed: the deadline timer set when it ended is
 * still there. So N events give N Puts, N schedules created, and N stale Lambda invocations at the
 * deadline, for as long as the window lasts (up to 90 days), per eligible run of the contact (one per
 * campaign it went through). A tag goal is woken by ANY tag added (wake-on-event.ts `mayAffect`
 * ignores which tag), a score goal by any interaction at all (every delivery, open, page visit), and
 * each judgement reads the contact's whole timeline since entry (O(N^2) item reads over a storm).
 * docs/CAMPAIGNS.md states the cost of an eligible run as "one deadline timer (a Scheduler schedule),
 * one step at the deadline ..., and its enrolment re-read by key on each contact event while
 * eligible": 30 unrelated tags give 30 writes and 31 schedules here.
 *
 * Root cause: shared/campaigns/run-step.ts `judgeEndedGoal`, verdict 'open' (saves `{...next,
 * goalUntil}` and calls `deps.timers.set` again though the deadline and its timer stand), with
 * shared/campaigns/wake-on-event.ts `mayAffect` (a `tag` condition woken by any tag_added, the
 * event's `detail.tag` unread). Correct: a judgement that does not meet the goal changes nothing
 * (no write, no new timer: the timer set at the end still judges at the deadline; a met goal is
 * written conditionally on the step, so racing copies still count once), and a tag goal is woken
 * only by the tag it names.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { awaitsGoal, type CampaignRules, type EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { DomainEventEnvelope, StepMessage } from '../../../shared/campaigns/messages';
import type { ContactSnapshot, StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { type WakeOnEventDeps, wakeOnEvent } from '../../../shared/campaigns/wake-on-event';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const SHORT = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const GOAL: CampaignRules['goal'] = { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 };

const tagAdded = (contactId: string, tag: string): DomainEventEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'contact.tag_added',
  source: 'unite-hub',
  detail: { workspaceId: WS, contactId, tag },
});

describe('an ended run still eligible for its campaign goal, under a storm of contact events', () => {
  it('events that do not meet the goal cost no enrolment write and no new schedule each', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    let writes = 0;
    const deps: StepDeps = {
      ...w.deps,
      enrolments: {
        ...w.deps.enrolments,
        save: async (...args) => {
          writes += 1;
          return w.deps.enrolments.save(...args);
        },
      },
    };
    const queued: StepMessage[] = [];
    const wakeDeps: WakeOnEventDeps = {
      holding: {
        async of(_ws, contactId) {
          return [...w.enrolments.values()].filter(
            (e: EnrolmentState) => e.contactId === contactId && (e.status === 'waiting' || awaitsGoal(e)),
          );
        },
      },
      enrolments: deps.enrolments,
      versions: deps.versions,
      queue: { sendAll: async (m) => void queued.push(...(m as StepMessage[])) },
      now: deps.now,
    };
    w.addContact('c1');
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ status: 'completed', goalUntil: expect.any(String) });
    expect(w.timers).toHaveLength(1);
    const writesAtEnd = writes;

    // A day later an import (or a form) adds 30 tags, none of them the goal's: 30 tag_added events.
    await w.advanceTo(w.now() + DAY);
    for (let i = 0; i < 30; i++) {
      w.contacts.set('c1', { ...(w.contacts.get('c1') as ContactSnapshot), tags: [`interest-${i}`] });
      await wakeOnEvent(tagAdded('c1', `interest-${i}`), wakeDeps);
      for (const m of queued.splice(0)) await runStep(m, deps, `wake-${i}`);
    }

    // Nothing changed for the ended run: still eligible, still one deadline to judge it at.
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.goalUntil).toBeDefined();
    expect({ writes: writes - writesAtEnd, schedules: w.timers.length }).toEqual({ writes: 0, schedules: 1 });
  });
});
