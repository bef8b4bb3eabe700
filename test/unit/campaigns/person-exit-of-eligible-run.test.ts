/**
 * Review round 15: this test failed at f03ad0e (a person's exit of an ended run still eligible for its goal answered 409 and the run was later counted converted).
 *
 * Defect (review round 15, LOW): a person cannot take a contact out of a campaign's goal once its
 * journey has ended inside the goal's window. The run is `completed` but still eligible
 * (`goalUntil`): `POST /api/campaigns/{id}/enrolments/{contactId}/exit` calls `exitEnrolment`,
 * which refuses every finished run (`isFinished` -> false), so the route answers 409
 * ENROLMENT_CHANGED "already ended or moved" and the run stays eligible: woken by the contact's
 * events and judged at the deadline, it is later counted `converted` (and for its A/B arms) although
 * a person took it out. docs/CAMPAIGNS.md: "Ends that take the contact out of the campaign (a
 * suppression, a reply, a deletion, a person's exit, an archive, a failure) ... are never eligible";
 * enrolment.ts GOAL_ELIGIBLE_EXITS says the same of "a person's exit".
 *
 * Root cause: shared/campaigns/run-step.ts `exitEnrolment` (`if (isFinished(state)) return false`)
 * has no case for a finished run still awaiting its goal (`awaitsGoal`). Correct: a person's exit
 * of such a run removes its eligibility (drops `goalUntil`, moves the step so its deadline timer and
 * any wake are stale; no end counter moves, the run keeps its end), and the route answers 200.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignRules, EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { ContactSnapshot } from '../../../shared/campaigns/ports';
import { enrolContact, exitEnrolment } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const SHORT = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const GOAL: CampaignRules['goal'] = { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 7 };

describe("a person's exit of a run that ended inside its goal's window", () => {
  it('takes it out of the goal: it is not counted converted afterwards', async () => {
    const w = campaignWorld(SHORT, { goal: GOAL });
    w.addContact('c1');
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    const ended = w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;
    expect(ended).toMatchObject({ status: 'completed', goalUntil: expect.any(String) });

    // A person takes the contact out of the campaign (the exit route).
    const exited = await exitEnrolment(ended, 'manual', w.deps);

    // Later the contact becomes a customer, inside the window; the deadline's timer runs.
    w.contacts.set('c1', { ...(w.contacts.get('c1') as ContactSnapshot), tags: ['customer'] });
    await w.advanceTo(w.now() + 8 * DAY);
    expect({
      exitAccepted: exited,
      converted: w.counters.get('converted') ?? 0,
      exitReason: w.enrolments.get(`${CAMPAIGN}#c1`)?.exitReason,
    }).toEqual({ exitAccepted: true, converted: 0, exitReason: 'completed' });
  });
});
