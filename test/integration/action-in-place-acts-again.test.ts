/**
 * Review round 15: this test failed at f03ad0e (a tag or field action that found its change in place claimed nothing; run again, it acted over a person's later change).
 *
 * Review round 15 (writes). Defect: a journey `set-field` / `remove-tag` / `add-tag` whose change is
 * already in place when its step runs claims nothing, so the same step run again (SQS redelivery after
 * a later node of the step failed, an operator's retry of a failed enrolment days later) acts then, and
 * overwrites what a person wrote in between: the contact a salesperson moved to `stage=customer` is put
 * back to `stage=nurture`; a tag a person added is removed again. This is the very harm a00d653 was
 * made to stop ("a step run again ... never puts an old value back"; docs/CAMPAIGNS.md: "a redelivered
 * message ... repeats no effect"): the step's outcome was "stage is nurture" - it held; one delivery of
 * the key later the step decides again on newer data and writes an old value.
 * The same happens when the change was rebased to nothing on a lost race (another campaign made the
 * same change at the same time): `ContactStore.update` returns before writing the claim.
 *
 * Severity: MEDIUM (silent overwrite of a person's newer contact data by a replayed step).
 * Root cause: shared/campaigns/journey-actions.ts `contactChange` / `changeOnce` (returns without a
 * claim when the change is in place) and shared/adapters/dynamo-contacts.ts `update`
 * (`if (!changesSomething(change)) return before` skips the `EFFECT#<key>` claim).
 * Correct: the step's key is claimed whenever the action ran (a lone conditional Put of
 * `EFFECT#<key>` when nothing is to change), so any later run of the same key writes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { journeyActions } from '../../shared/campaigns/journey-actions';
import type { ActionTarget } from '../../shared/campaigns/ports';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import type { Contact } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r15inplace-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

async function seed(store: ContactStore, over: Partial<Contact>): Promise<Contact> {
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId: randomUUID(),
    workspaceId: `ws-${randomUUID()}`,
    email: `${randomUUID()}@example.test`,
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
    ...over,
  };
  await store.create(contact);
  return contact;
}

const performer = (contacts: ContactStore) =>
  journeyActions({ contacts, now: () => new Date(), scoring: {} as never, webhooks: {} as never, notify: {} as never });

const stepOf = (c: Contact, node: string): ActionTarget => ({
  workspaceId: c.workspaceId,
  campaignId: 'camp-1',
  contactId: c.contactId,
  nodeId: node,
  version: 1,
  run: 1,
  step: 3,
  idempotencyKey: `campaign#camp-1#${c.contactId}#1#${node}#3`,
});

/** A person's edit between the two deliveries (a PATCH: the store's update from a fresh read). */
async function personSets(store: ContactStore, c: Contact, change: Partial<Contact>) {
  const read = (await store.get(c.workspaceId, c.contactId)) as Contact;
  await store.update(read, { ...change, updatedAt: new Date().toISOString() });
}

describe('a step whose field or tag action found its change in place, run again', () => {
  it('set-field: does not put the old value back over the one a person set after the step ran', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await seed(store, { customFields: { stage: 'nurture' } });
    const actions = performer(store);
    const step = stepOf(contact, 'stage');

    // Delivery 1: the field already holds the step's value (the step's outcome holds).
    await actions.perform({ type: 'set-field', field: 'stage', value: 'nurture' }, step);
    // Then a salesperson marks the contact a customer.
    await personSets(store, contact, { customFields: { stage: 'customer' } });
    // Delivery 2 of the same step (a later node failed; SQS redelivers the message).
    await actions.perform({ type: 'set-field', field: 'stage', value: 'nurture' }, step);

    expect((await store.get(contact.workspaceId, contact.contactId))?.customFields.stage).toBe('customer');
  });

  it('remove-tag: does not remove a tag a person added after the step ran', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await seed(store, { tags: ['lead'] });
    const actions = performer(store);
    const step = stepOf(contact, 'untag');

    await actions.perform({ type: 'remove-tag', tag: 'vip' }, step);
    await personSets(store, contact, { tags: ['lead', 'vip'] });
    await actions.perform({ type: 'remove-tag', tag: 'vip' }, step);

    expect((await store.get(contact.workspaceId, contact.contactId))?.tags).toEqual(['lead', 'vip']);
  });
});
