/**
 * Review round 14: this test failed at cb20668 (tag and field actions acted again when their step ran again: a newer value a person wrote was put back).
 *
 * Defect: `set-field`, `add-tag` and `remove-tag` actions are NOT keyed by their step: they are
 * re-applied by every run of the step that reaches them ("idempotent by nature" only holds when
 * nothing else wrote the contact in between). A step that acted and then failed further on (a
 * webhook answering 503, a deleted template) is delivered again minutes later (SQS visibility
 * timeout, the sweep) or retried by an operator days later (`retryEnrolment` after `failStep`),
 * and the action writes its value again over whatever a person, an import or another campaign
 * wrote meanwhile: the customer a salesperson marked `stage=customer` is put back to
 * `stage=nurture`, a tag a person removed comes back.
 * docs/CAMPAIGNS.md promises the opposite ("what that step did before it failed ... is not done
 * again"; "a redelivered message ... repeats no effect").
 *
 * Severity: MEDIUM (silent overwrite of newer contact data; a second effect of one step key).
 * Root cause: shared/campaigns/journey-actions.ts `journeyActions().perform` (add-tag, remove-tag,
 * set-field) writes unconditionally and records nothing under `target.idempotencyKey`; the engine
 * (shared/campaigns/execute-node.ts `executeNode` case 'action') relies on it being a no-op.
 * Correct: an action acts once per effect key: claim the key (e.g. a marker written in the same
 * conditional update as the contact change, as adjust-score does with SCORED#<key>), and a replay
 * of the key writes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, failStep, retryEnrolment, runStep } from '../../../shared/campaigns/run-step';
import type { WebhookPoster } from '../../../shared/campaigns/webhook-action';
import type { Contact } from '../../../shared/crm/model';
import { NotFoundError } from '../../../shared/errors';
import { CAMPAIGN, campaignWorld, DAY, WS } from '../campaigns/campaign-world';

type World = ReturnType<typeof campaignWorld>;

const contactOf = (id: string): Contact => ({
  contactId: id,
  workspaceId: WS,
  email: `${id}@example.com`,
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

/**
 * The real action performer over an in-memory contact store; the webhook answers as `answers` says.
 * The store keeps `ContactStore.update`'s contract: a change under an effect key claimed already
 * writes nothing (the Dynamo adapter claims the key in the same transaction as the change).
 */
function realActions(w: World, store: Map<string, Contact>, answers: number[]): StepDeps {
  const poster: WebhookPoster = {
    async post() {
      return { kind: 'answered', status: answers.shift() ?? 200 };
    },
  };
  const claimed = new Set<string>();
  const actions = journeyActions({
    contacts: {
      get: async (_ws, id) => store.get(id),
      update: async (contact, patch, options) => {
        if (options?.effectKey !== undefined) {
          if (claimed.has(options.effectKey)) return store.get(contact.contactId) as Contact;
          claimed.add(options.effectKey);
        }
        const next = { ...contact, ...patch } as Contact;
        store.set(contact.contactId, next);
        return next;
      },
    },
    now: w.deps.now,
    scoring: {} as never,
    webhooks: {
      secrets: { get: async () => 'whsec_test', put: async () => true },
      poster,
    },
    notify: {} as never,
  });
  return { ...w.deps, actions };
}

const stepOf = (s: EnrolmentState): StepMessage => ({
  kind: 'step',
  workspaceId: s.workspaceId,
  campaignId: s.campaignId,
  contactId: s.contactId,
  run: s.run,
  step: s.step,
});
const stateOf = (w: World, id: string) => w.enrolments.get(`${CAMPAIGN}#${id}`) as EnrolmentState;

describe('a step delivered again does not write its field or tag actions again', () => {
  it('set-field: a redelivery after a webhook 503 does not overwrite the value set meanwhile', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'stage' },
        { id: 'stage', kind: 'action', action: { type: 'set-field', field: 'stage', value: 'nurture' }, next: 'hook' },
        { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://hooks.example.com/x' }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    const store = new Map([['c1', contactOf('c1')]]);
    const deps = realActions(w, store, [503]);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const waiting = stepOf(stateOf(w, 'c1'));
    w.timers.length = 0;

    // Delivery 1 (a day later): the field is set, then the webhook answers 503: the message comes back.
    await w.advanceTo(w.now() + DAY);
    await expect(runStep(waiting, deps, 'm-1')).rejects.toThrow(/503/);
    expect(store.get('c1')?.customFields.stage).toBe('nurture');

    // Meanwhile a salesperson marks the contact a customer.
    const c = store.get('c1') as Contact;
    store.set('c1', { ...c, customFields: { ...c.customFields, stage: 'customer' } });

    // Delivery 2 (the visibility timeout later): the webhook goes through this time.
    await w.advanceTo(w.now() + 3 * 60_000);
    await runStep(waiting, deps, 'm-1');
    expect(stateOf(w, 'c1').status).toBe('completed');
    // The set-field of this step key acted on delivery 1; acting again overwrites the customer.
    expect(store.get('c1')?.customFields.stage).toBe('customer');
  });

  it('add-tag: a retried enrolment (failed on its last delivery) does not add back a tag removed meanwhile', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'tag' },
        { id: 'tag', kind: 'action', action: { type: 'add-tag', tag: 'trial' }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't-gone', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    const store = new Map([['c1', contactOf('c1')]]);
    const base = realActions(w, store, []);
    let templateGone = true;
    const deps: StepDeps = {
      ...base,
      mailer: {
        ...base.mailer,
        send: async (input) => {
          if (templateGone) throw new NotFoundError('Template not found', 'TEMPLATE_NOT_FOUND');
          return base.mailer.send(input);
        },
      },
    };
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const waiting = stepOf(stateOf(w, 'c1'));
    w.timers.length = 0;
    await w.advanceTo(w.now() + DAY);
    // Five deliveries fail on the deleted template; the last one fails the enrolment (failStep).
    for (let i = 0; i < 5; i++) await expect(runStep(waiting, deps, 'm-1')).rejects.toThrow(/Template/);
    expect(await failStep(waiting, 'Failed after 5 attempts: Template not found', deps)).toBe(true);
    expect(store.get('c1')?.tags).toEqual(['trial']);

    // Days later: a person removes the tag; the template is restored and the enrolment retried.
    await w.advanceTo(w.now() + 3 * DAY);
    store.set('c1', { ...(store.get('c1') as Contact), tags: [] });
    templateGone = false;
    w.timers.length = 0;
    const queued: StepMessage[] = [];
    expect(
      await retryEnrolment(stateOf(w, 'c1'), {
        ...deps,
        queue: { sendAll: async (m) => void queued.push(...(m as StepMessage[])) },
      }),
    ).toBe(true);
    await runStep(queued[0] as StepMessage, deps, 'm-retry');
    expect(stateOf(w, 'c1').status).toBe('completed');
    // The add-tag of this step key acted before the failure; the retry must not act again.
    expect(store.get('c1')?.tags).toEqual([]);
  });
});
