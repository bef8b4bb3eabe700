// Review round 16: this test failed at 5bc3520.
// A webhook action's attempts were counted by the step message's receive count, which starts
// again when the sweep re-sends the step or a checkpoint moves it (a new message): a receiver
// answering 503 was POSTed more than the stated 5 times. The attempts are counted per effect key,
// durably: at most 5 POSTs, then the enrolment fails with its reason (a person's retry: 5 more).
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, retryEnrolment, runStep } from '../../../shared/campaigns/run-step';
import { WEBHOOK_ATTEMPTS, type WebhookPoster } from '../../../shared/campaigns/webhook-action';
import type { Contact } from '../../../shared/crm/model';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';
import { memoryWebhookAttempts } from './r16x-fix-memory-webhook-attempts';

type World = ReturnType<typeof campaignWorld>;

/** drip-steps' maxReceiveCount: the worker runs a message's 5th receive with `finalAttempt`. */
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

/** The drip-step worker's two sets of deps over one receiver and one durable attempt count. */
function worker(w: World, answer: () => number) {
  const posts: string[] = [];
  const poster: WebhookPoster = {
    async post(_url, _body, headers) {
      posts.push(headers['Idempotency-Key'] as string);
      return { kind: 'answered', status: answer() };
    },
  };
  const { attempts } = memoryWebhookAttempts();
  const actionDeps = {
    contacts: { get: async () => contact, update: async () => contact },
    now: w.deps.now,
    scoring: {} as never,
    webhooks: { secrets: { get: async () => 'whsec_test', put: async () => true }, poster, attempts },
    notify: {} as never,
  };
  const deps: StepDeps = { ...w.deps, actions: journeyActions(actionDeps) };
  const last: StepDeps = { ...w.deps, actions: journeyActions({ ...actionDeps, finalAttempt: true }) };
  /** One receive of a message, as the worker runs it; its error (a retry) swallowed. */
  const receive = (message: StepMessage, messageId: string, receiveCount: number) =>
    runStep(message, receiveCount >= LAST_RECEIVE ? last : deps, messageId).catch((e: Error) => e);
  return { deps, posts, receive };
}

const stepOf = (s: EnrolmentState): StepMessage => ({
  kind: 'step',
  workspaceId: s.workspaceId,
  campaignId: s.campaignId,
  contactId: s.contactId,
  run: s.run,
  step: s.step,
});
const stateOf = (w: World) => w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;

describe('a webhook answering 503 again and again', () => {
  it('is POSTed at most 5 times though the sweep re-sends its step', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'hook' },
        { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://hooks.example.com/x' }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    let status = 503;
    const { deps, posts, receive } = worker(w, () => status);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const step = stepOf(stateOf(w));
    w.timers.length = 0;
    await w.advanceTo(w.now() + DAY);

    // The timer's message: 3 receives fail; the enrolment stays waiting, overdue.
    for (let r = 1; r <= 3; r++) await receive(step, 'm-timer', r);
    // The sweep re-sends the step (a new message, receive count 1): 4 receives.
    for (let r = 1; r <= 4; r++) await receive(step, 'm-sweep', r);
    // The timer's message comes back twice more (its 5th receive is its last).
    for (let r = 4; r <= 5; r++) await receive(step, 'm-timer', r);

    // Failed at 5bc3520: POSTed 9 times (3 + 4 + 2), each new message starting at attempt 1.
    expect(posts.length).toBe(WEBHOOK_ATTEMPTS);
    expect(stateOf(w)).toMatchObject({ status: 'failed' });
    expect(stateOf(w).failure).toMatch(/last attempt \(answered 503\)/);
    expect(w.counters.get('exited:failed')).toBe(1);

    // A person retries it once the receiver is fixed: a new round of attempts, same key.
    status = 200;
    const queued: StepMessage[] = [];
    await retryEnrolment(stateOf(w), {
      ...deps,
      queue: { sendAll: async (m) => void queued.push(...(m as StepMessage[])) },
    });
    await receive(queued[0] as StepMessage, 'm-retry', 1);
    expect(stateOf(w)).toMatchObject({ status: 'completed' });
    expect(posts.length).toBe(WEBHOOK_ATTEMPTS + 1);
    expect(new Set(posts).size).toBe(1);
  });

  it('is POSTed at most 5 times though a checkpoint moved its step (the timer set again)', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'lead' },
        {
          id: 'lead',
          kind: 'condition',
          if: { type: 'field', field: 'status', op: 'equals', value: 'lead' },
          yes: 'hook',
          no: 'end',
        },
        { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://hooks.example.com/x' }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1', { fields: { status: 'lead' } });
    const { deps, posts, receive } = worker(w, () => 503);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const step = stepOf(stateOf(w));
    w.timers.length = 0;
    await w.advanceTo(w.now() + DAY);

    // Receive 1: the condition's checkpoint is written (the step moves on), the webhook answers 503.
    await receive(step, 'm-timer', 1);
    // Receive 2 finds the step moved: the message that wrote it sets the timer again (a new message).
    await receive(step, 'm-timer', 2);
    const again = w.timers.shift()?.message as StepMessage;
    expect(again.step).toBeGreaterThan(step.step);
    for (let r = 1; r <= 5; r++) await receive(again, 'm-again', r);

    // Failed at 5bc3520: POSTed 6 times (1 + 5).
    expect(posts.length).toBe(WEBHOOK_ATTEMPTS);
    expect(stateOf(w)).toMatchObject({ status: 'failed' });
  });
});
