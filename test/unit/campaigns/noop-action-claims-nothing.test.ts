/**
 * Review round 15: this test failed at f03ad0e (a set-field or add-tag action with nothing to do
 * claimed nothing; the step retried later put a person's later change back).
 *
 * Defect (review round 15, MEDIUM): a journey `set-field` / `add-tag` action whose first run found
 * the contact already holding the value writes nothing AND CLAIMS NOTHING under its step key
 * (journey-actions.ts `changeOnce`: `contactChange` answers undefined -> return before any
 * `ContactStore.update`). When the same step runs again (an SQS redelivery after a failure further
 * on, or a failed enrolment retried by a person days later: `failStep` records the node the step
 * started from, so the retry re-runs the action under the same key), the key is unclaimed and the
 * action now acts, over whatever a person wrote meanwhile: the salesperson's `stage=customer` is put
 * back to `stage=nurture`, a `trial` tag a person removed comes back. That is exactly what round 14
 * (a00d653) promised can no longer happen: "a step delivered again or a failed enrolment retried
 * later writes nothing over what a person, an import or another campaign wrote meanwhile" (header
 * of shared/campaigns/journey-actions.ts; docs/CAMPAIGNS.md "Actions": "a retried enrolment meets
 * every node under the key it had the first time, and repeats no effect").
 *
 * Root cause: shared/campaigns/journey-actions.ts `changeOnce` (and the ContactStore.update
 * contract in shared/crm/contacts/ports.ts, "A change the contact already holds writes nothing and
 * claims nothing"; dynamo-contacts.ts `update` returns before `tryUpdate` when the rebased change is
 * empty): the step's effect is decided on the first run, but only recorded when it changed
 * something. Correct: the first run of a key decides its effect once: claim `EFFECT#<key>` even
 * when the change is a no-op (a conditional put of the claim alone), so any later run of the key
 * (whatever the contact holds then) writes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, failStep, retryEnrolment, runStep } from '../../../shared/campaigns/run-step';
import type { Contact } from '../../../shared/crm/model';
import { NotFoundError } from '../../../shared/errors';
import { memoryContacts } from '../crm/contacts/memory-stores';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const contactOf = (id: string, extra: Partial<Contact> = {}): Contact => ({
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
  ...extra,
});

const stepOf = (s: EnrolmentState): StepMessage => ({
  kind: 'step',
  workspaceId: s.workspaceId,
  campaignId: s.campaignId,
  contactId: s.contactId,
  run: s.run,
  step: s.step,
});
const stateOf = (w: World, id: string) => w.enrolments.get(`${CAMPAIGN}#${id}`) as EnrolmentState;

/** The real action performer over the in-memory contact store (same contract as the Dynamo adapter); mail fails while `gone.template`. */
function engine(w: World, contacts: ReturnType<typeof memoryContacts>, gone: { template: boolean }): StepDeps {
  const actions = journeyActions({
    contacts,
    now: w.deps.now,
    scoring: {} as never,
    webhooks: { secrets: { get: async () => 'whsec_test', put: async () => true }, poster: {} as never },
    notify: {} as never,
  });
  return {
    ...w.deps,
    actions,
    mailer: {
      ...w.deps.mailer,
      send: async (input) => {
        if (gone.template) throw new NotFoundError('Template not found', 'TEMPLATE_NOT_FOUND');
        return w.deps.mailer.send(input);
      },
    },
  };
}

/** wait 1 day -> `action` -> mail (its template deleted: the step fails 5 times, then failStep) -> exit. */
async function failAfterAction(action: unknown, contact: Contact) {
  const w = campaignWorld({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'wait' },
      { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'act' },
      { id: 'act', kind: 'action', action, next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 't-gone', next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  });
  w.addContact(contact.contactId);
  const contacts = memoryContacts();
  await contacts.create(contact);
  const gone = { template: true };
  const deps = engine(w, contacts, gone);
  await enrolContact(
    { workspaceId: WS, campaignId: CAMPAIGN, contactId: contact.contactId, launchId: 'l1' },
    deps,
    'm-0',
  );
  const waiting = stepOf(stateOf(w, contact.contactId));
  w.timers.length = 0;
  await w.advanceTo(w.now() + DAY);
  for (let i = 0; i < 5; i++) await expect(runStep(waiting, deps, 'm-1')).rejects.toThrow(/Template/);
  expect(await failStep(waiting, 'Failed after 5 attempts: Template not found', deps)).toBe(true);
  const retry = async () => {
    gone.template = false;
    const queued: StepMessage[] = [];
    expect(
      await retryEnrolment(stateOf(w, contact.contactId), {
        ...deps,
        queue: { sendAll: async (m) => void queued.push(...(m as StepMessage[])) },
      }),
    ).toBe(true);
    await runStep(queued[0] as StepMessage, deps, 'm-retry');
    expect(stateOf(w, contact.contactId).status).toBe('completed');
  };
  return { w, contacts, retry };
}

describe('a tag or field action that found nothing to do still decides its step key once', () => {
  it('set-field: a retried enrolment does not put back the value a salesperson changed after the no-op first run', async () => {
    // The contact was at stage=nurture already when the step ran (an import set it).
    const { w, contacts, retry } = await failAfterAction(
      { type: 'set-field', field: 'stage', value: 'nurture' },
      contactOf('c1', { customFields: { stage: 'nurture' } }),
    );
    // Days later a salesperson marks the contact a customer; then the enrolment is retried.
    await w.advanceTo(w.now() + 3 * DAY);
    const c = (await contacts.get(WS, 'c1')) as Contact;
    await contacts.update(c, { customFields: { stage: 'customer' }, updatedAt: new Date(w.now()).toISOString() });
    await retry();
    // The step's key was met on its first run (nothing to do then): it must not act now.
    expect((await contacts.get(WS, 'c1'))?.customFields.stage).toBe('customer');
  });

  it('add-tag: a retried enrolment does not add back a tag a person removed after the no-op first run', async () => {
    const { w, contacts, retry } = await failAfterAction(
      { type: 'add-tag', tag: 'trial' },
      contactOf('c1', { tags: ['trial'] }),
    );
    await w.advanceTo(w.now() + 3 * DAY);
    const c = (await contacts.get(WS, 'c1')) as Contact;
    await contacts.update(c, { tags: [], updatedAt: new Date(w.now()).toISOString() });
    await retry();
    expect((await contacts.get(WS, 'c1'))?.tags).toEqual([]);
  });
});
