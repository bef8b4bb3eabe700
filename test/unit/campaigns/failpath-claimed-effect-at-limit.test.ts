// Review round 16: this test failed at 5bc3520.
// A step run again (redelivered, or a failed enrolment retried by a person) after the contact
// reached 50 tags / custom fields failed on the limit, though its tag or field effect was made
// (its EFFECT#<key> claimed) on the first run. A claimed effect is done; the limit is for new ones.
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, failStep, retryEnrolment, runStep } from '../../../shared/campaigns/run-step';
import type { WebhookPoster } from '../../../shared/campaigns/webhook-action';
import { MAX_CUSTOM_FIELDS } from '../../../shared/crm/contacts/custom-field-key';
import { MAX_TAGS } from '../../../shared/crm/contacts/tag-field';
import type { Contact } from '../../../shared/crm/model';
import { NotFoundError } from '../../../shared/errors';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const contactOf = (id: string, over: Partial<Contact> = {}): Contact => ({
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
  ...over,
});

/**
 * The real action performer over an in-memory contact store keeping `ContactStore.update`'s
 * contract (a change under a claimed key writes nothing) and answering which keys are claimed.
 */
function realActions(w: World, store: Map<string, Contact>, answers: number[]) {
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
      effectClaimed: async (_ws, _id, key) => claimed.has(key),
    },
    now: w.deps.now,
    scoring: {} as never,
    webhooks: { secrets: { get: async () => 'whsec_test', put: async () => true }, poster },
    notify: {} as never,
  });
  return { deps: { ...w.deps, actions } as StepDeps, claimed };
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
const tags = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('a step run again after the contact reached its limit', () => {
  it('add-tag: a retried enrolment whose tag was added before it failed does not fail on the 50 tags', async () => {
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
    const store = new Map([['c1', contactOf('c1', { tags: tags(MAX_TAGS - 1) })]]);
    const { deps: base } = realActions(w, store, []);
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
    for (let i = 0; i < 5; i++) await expect(runStep(waiting, deps, 'm-1')).rejects.toThrow(/Template/);
    expect(await failStep(waiting, 'Failed after 5 attempts: Template not found', deps)).toBe(true);
    expect(store.get('c1')?.tags).toHaveLength(MAX_TAGS);

    // A person swaps the campaign's tag for another: the contact is at 50 tags without it.
    const c = store.get('c1') as Contact;
    store.set('c1', { ...c, tags: [...c.tags.filter((t) => t !== 'trial'), 'vip'] });
    templateGone = false;
    const queued: StepMessage[] = [];
    expect(
      await retryEnrolment(stateOf(w, 'c1'), {
        ...deps,
        queue: { sendAll: async (m) => void queued.push(...(m as StepMessage[])) },
      }),
    ).toBe(true);
    await runStep(queued[0] as StepMessage, deps, 'm-retry');

    // Failed at 5bc3520: failed again, "The contact already has 50 tags ... "trial" was not added".
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed' });
    expect(stateOf(w, 'c1').failure).toBeUndefined();
    expect(store.get('c1')?.tags).not.toContain('trial');
    expect(store.get('c1')?.tags).toHaveLength(MAX_TAGS);
  });

  it('set-field: a redelivery after a webhook 503 does not fail on the 50 custom fields', async () => {
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
    const fields = Object.fromEntries(tags(MAX_CUSTOM_FIELDS - 1, 'f').map((k) => [k, 'v']));
    const store = new Map([['c1', contactOf('c1', { customFields: fields })]]);
    const { deps } = realActions(w, store, [503]);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const waiting = stepOf(stateOf(w, 'c1'));
    w.timers.length = 0;
    await w.advanceTo(w.now() + DAY);
    await expect(runStep(waiting, deps, 'm-1')).rejects.toThrow(/503/);
    expect(store.get('c1')?.customFields.stage).toBe('nurture');

    // A person clears the field and sets another: 50 fields, `stage` not among them.
    const { stage: _stage, ...rest } = (store.get('c1') as Contact).customFields;
    store.set('c1', { ...(store.get('c1') as Contact), customFields: { ...rest, owner: 'sales' } });

    await w.advanceTo(w.now() + 3 * 60_000);
    await runStep(waiting, deps, 'm-1');
    // Failed at 5bc3520: ended failed, "The contact already has 50 custom fields ...".
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed' });
    expect(store.get('c1')?.customFields.stage).toBeUndefined();
  });

  it('a new effect at the limit still fails the enrolment with its reason', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'tag' },
        { id: 'tag', kind: 'action', action: { type: 'add-tag', tag: 'trial' }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    const store = new Map([['c1', contactOf('c1', { tags: tags(MAX_TAGS) })]]);
    const { deps, claimed } = realActions(w, store, []);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'failed' });
    expect(stateOf(w, 'c1').failure).toMatch(/already has 50 tags/);
    // Nothing claimed: a retry once a tag is freed adds it.
    expect(claimed.size).toBe(0);
  });
});
