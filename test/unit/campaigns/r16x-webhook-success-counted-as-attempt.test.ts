/**
 * Review round 16: this test failed at 1ef047a.
 *
 * DEFECT (MEDIUM): a webhook that SUCCEEDED is counted against its 5 attempts, so a downstream
 * outage that the sweep is meant to recover from fails the enrolment "at the webhook".
 *
 * Journey: wait -> webhook (receiver answers 200) -> email. The email queue is down for the whole
 * life of the step's timer message (5 receives): each receive re-runs the step from the wait, so
 * the webhook is POSTed (2xx, receiver dedupes on the Idempotency-Key) and counted each time.
 * The enrolment stays waiting (a service error), and once the outage is over the sweep re-sends
 * the step (a new message). That copy finds the webhook's counter at 6 and refuses to POST
 * ("its 5 attempts were made without success"), so the re-sent step can never pass the webhook
 * node: on its last receive the enrolment FAILS with a webhook failure, though the webhook never
 * failed and the email queue is back.
 *
 * Root cause: shared/campaigns/webhook-action.ts sendWebhook counts an attempt (attempts.count)
 * before every POST, and refuses once the count passes WEBHOOK_ATTEMPTS, whatever the earlier
 * attempts answered; a 2xx does not end the effect's count (nor mark it done).
 * Correct: only failed attempts count toward the limit (or a 2xx records the effect as done, so a
 * later copy skips / re-posts it freely); the sweep's re-send completes the run and sends the mail.
 */
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import type { WebhookPoster } from '../../../shared/campaigns/webhook-action';
import type { Contact } from '../../../shared/crm/model';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';
import { memoryWebhookAttempts } from './r16x-fix-memory-webhook-attempts';

const LAST_RECEIVE = 5;

const contact: Contact = {
  contactId: 'c1',
  workspaceId: WS,
  email: 'c1@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('a webhook node that succeeded, followed by a node hit by an outage', () => {
  it('does not fail the enrolment when the sweep re-sends the step after the outage', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'hook' },
        { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://hooks.example.com/x' }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't-mail', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    const posts: number[] = [];
    const poster: WebhookPoster = {
      async post() {
        posts.push(200);
        return { kind: 'answered', status: 200 };
      },
    };
    // The durable record of the webhook's attempts (the port grew: a 2xx is recorded as done).
    const { attempts, records } = memoryWebhookAttempts();
    let queueDown = true;
    const mailer: StepDeps['mailer'] = {
      ...w.deps.mailer,
      async send(input) {
        if (queueDown) throw new Error('SQS SendMessage: ServiceUnavailable');
        return w.deps.mailer.send(input);
      },
    };
    const actionDeps = {
      contacts: { get: async () => contact, update: async () => contact },
      now: w.deps.now,
      scoring: {} as never,
      webhooks: { secrets: { get: async () => 'whsec_test', put: async () => true }, poster, attempts },
      notify: {} as never,
    };
    const deps: StepDeps = { ...w.deps, mailer, actions: journeyActions(actionDeps) };
    const last: StepDeps = { ...deps, actions: journeyActions({ ...actionDeps, finalAttempt: true }) };
    const receive = (message: StepMessage, id: string, n: number) =>
      runStep(message, n >= LAST_RECEIVE ? last : deps, id).catch((e: Error) => e);

    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const s = w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;
    const step: StepMessage = {
      kind: 'step',
      workspaceId: WS,
      campaignId: CAMPAIGN,
      contactId: 'c1',
      run: s.run,
      step: s.step,
    };
    w.timers.length = 0;
    await w.advanceTo(w.now() + DAY);

    // The timer's message: 5 receives, the email queue down on each. The webhook answered 200 on
    // the first: the effect is done, so the later receives neither POST it again nor count it
    // (at 1ef047a it was POSTed and counted on each of the 5).
    for (let r = 1; r <= LAST_RECEIVE; r++) await receive(step, 'm-timer', r);
    expect(posts.length).toBe(1);
    expect([...records.values()]).toEqual([{ attempts: 1, failed: 0, done: true }]);
    expect((w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState).status).toBe('waiting');

    // The outage is over; the sweep re-sends the overdue step (a new message).
    queueDown = false;
    for (let r = 1; r <= LAST_RECEIVE; r++) {
      await receive(step, 'm-sweep', r);
      if ((w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState).status !== 'waiting') break;
    }

    const final = w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;
    expect(posts.length).toBe(1);
    expect(
      { status: final.status, failure: final.failure, mails: w.sends.size },
      'the webhook succeeded every time, yet its success was counted as a spent attempt',
    ).toEqual({ status: 'completed', failure: undefined, mails: 1 });
  });
});
