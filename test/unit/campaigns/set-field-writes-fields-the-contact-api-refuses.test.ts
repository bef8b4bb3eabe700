/**
 * Review round 10: this test failed at bad0c0c for the reason below; it passes since the fix.
 * FAULT (review 10, MEDIUM): a journey's `set-field` action writes custom fields the contacts API
 * refuses.
 *
 * Where: shared/campaigns/journey.ts:88-92 (the `set-field` action schema: `field` is only
 * `z.string().check(z.minLength(1), z.maxLength(64))`, untrimmed, no reserved names) and
 * shared/campaigns/journey-actions.ts:82-90 (`journeyActions` `case 'set-field'`: writes
 * `{ ...contact.customFields, [action.field]: action.value }` with no check of the key and no
 * MAX_CUSTOM_FIELDS limit).
 *
 * The contacts API (shared/crm/contacts/contact-fields.ts `customFieldsField`) refuses the reserved
 * keys `__proto__`, `constructor`, `prototype`, trims keys (a blank key is refused; `" plan"` and
 * `"plan"` are one field) and allows at most MAX_CUSTOM_FIELDS (50) fields. A journey bypasses all
 * of it: `POST /api/campaigns` with a set-field on `"__proto__"` answers 201 (seen on the running
 * runtime), and at run time the worker writes the key, a blank or whitespace-padded twin of an
 * existing field, or a 51st field onto the contact. The contact then holds fields its own PATCH
 * (and CSV re-import of its export) refuses. The same gap was closed for tags in review 8
 * (journey-tags-as-contacts-hold-them.test.ts); custom fields were left out.
 *
 * Fix: give `set-field.field` the contacts' own key rule (trim, 1-64, not reserved) so the journey
 * is refused at save (400 at `journey.nodes.<i>.action.field`), and in `journeyActions` fail the
 * enrolment (ActionFailedError) rather than add a field past MAX_CUSTOM_FIELDS or a key the rule
 * refuses (journeys published before the rule).
 */
import { describe, expect, it } from 'vitest';
import { type JourneyAction, journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { ActionTarget } from '../../../shared/campaigns/ports';
import { contactPatchSchema, MAX_CUSTOM_FIELDS } from '../../../shared/crm/contacts/contact-fields';
import type { Contact } from '../../../shared/crm/model';

const contactWith = (customFields: Record<string, string | number | boolean>): Contact => ({
  contactId: 'c-1',
  workspaceId: 'ws',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields,
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const target: ActionTarget = {
  workspaceId: 'ws',
  campaignId: 'camp',
  contactId: 'c-1',
  nodeId: 'set',
  version: 1,
  run: 1,
  step: 1,
  idempotencyKey: 'campaign#camp#c-1#1#set#1',
};

/** Performs `action` on a contact holding `fields`; answers the fields as written (or the error). */
async function perform(action: JourneyAction, fields: Record<string, string | number | boolean>) {
  let written = contactWith(fields);
  const actions = journeyActions({
    contacts: {
      get: async () => written,
      update: async (c, patch) => {
        written = { ...c, ...patch } as Contact;
        return written;
      },
    },
    now: () => new Date('2026-03-02T10:00:00Z'),
    scoring: {} as never,
    webhooks: {} as never,
    notify: {} as never,
  });
  const error = await actions.perform(action, target).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { fields: written.customFields, error };
}

const journeyWithSetField = (field: string) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'set' },
    { id: 'set', kind: 'action', action: { type: 'set-field', field, value: 'x' }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

/** Whether the contacts API takes `customFields` as a PATCH body. */
const contactsApiTakes = (customFields: Record<string, unknown>) =>
  contactPatchSchema.safeParse({ customFields }).success;

describe('set-field names a custom field as a contact may hold it', () => {
  for (const field of ['__proto__', 'constructor', 'prototype', '   ']) {
    it(`a journey setting ${JSON.stringify(field)} is refused at save, as the contacts API refuses the key`, () => {
      // The contacts API's own verdict on that key (as a JSON body would carry it); `__proto__` as a
      // key never reaches it: the edge's body parser refuses prototype-polluting JSON with a 400.
      if (field !== '__proto__') expect(contactsApiTakes(JSON.parse(`{${JSON.stringify(field)}: "x"}`))).toBe(false);
      // The journey schema must agree: today it accepts the node.
      expect(journeySchema.safeParse(journeyWithSetField(field)).success).toBe(false);
    });
  }

  it(`does not write a field past the contact's limit of ${MAX_CUSTOM_FIELDS}`, async () => {
    const full = Object.fromEntries(Array.from({ length: MAX_CUSTOM_FIELDS }, (_, i) => [`f${i}`, i]));
    expect(contactsApiTakes({ ...full, extra: 'x' })).toBe(false);
    const { fields } = await perform({ type: 'set-field', field: 'extra', value: 'x' }, full);
    // Today the worker writes a 51st field (a contact the contacts API could never save back).
    expect(Object.keys(fields).length).toBeLessThanOrEqual(MAX_CUSTOM_FIELDS);
  });

  it('does not write a whitespace-padded twin of a field the contact holds', async () => {
    const { fields } = await perform({ type: 'set-field', field: ' plan ', value: 'pro' }, { plan: 'free' });
    // Today: { plan: 'free', ' plan ': 'pro' }, two keys the contacts API says are the same field.
    expect(contactsApiTakes(fields)).toBe(true);
  });
});
