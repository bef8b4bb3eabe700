/**
 * A journey's `set-field` names a custom field as a contact holds it (custom-field-key.ts
 * `customFieldKey`, the contacts API's own key rule: trimmed, 1-64, not `__proto__`,
 * `constructor` or `prototype`): a journey naming any other key is refused at save at
 * `journey.nodes.<i>.action.field`; at run time a key the rule refuses (a journey published before
 * it) or a new field past MAX_CUSTOM_FIELDS fails the enrolment (ActionFailedError) and writes
 * nothing; a padded key sets the field it trims to.
 */
import { describe, expect, it } from 'vitest';
import { type JourneyAction, journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import { ActionFailedError, type ActionTarget } from '../../../shared/campaigns/ports';
import { customFieldKey, MAX_CUSTOM_FIELDS } from '../../../shared/crm/contacts/contact-fields';
import type { Contact } from '../../../shared/crm/model';

type Fields = Record<string, string | number | boolean>;

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

async function perform(action: JourneyAction, customFields: Fields) {
  let written: Contact = {
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
  };
  let updates = 0;
  const actions = journeyActions({
    contacts: {
      get: async () => written,
      update: async (c, patch) => {
        // A patch of nothing but `updatedAt` changes no field: it claims the step's key only.
        if (Object.keys(patch).some((k) => k !== 'updatedAt')) updates += 1;
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
  return { fields: written.customFields, updates, error };
}

const journeyWithSetField = (field: string) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'set' },
    { id: 'set', kind: 'action', action: { type: 'set-field', field, value: 'x' }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

const full: Fields = Object.fromEntries(Array.from({ length: MAX_CUSTOM_FIELDS }, (_, i) => [`f${i}`, i]));

describe('set-field at save', () => {
  it.each(['', '   ', '__proto__', ' constructor ', 'prototype', 'x'.repeat(65)])(
    'refuses %j at the node path',
    (field) => {
      const parsed = journeySchema.safeParse(journeyWithSetField(field));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('nodes.1.action.field');
    },
  );

  it('keeps a key trimmed, as the contacts API stores it', () => {
    const parsed = journeySchema.parse(journeyWithSetField('  plan  '));
    expect(parsed.nodes[1]).toMatchObject({ action: { type: 'set-field', field: 'plan' } });
    expect(customFieldKey.parse(' plan ')).toBe('plan');
  });
});

describe('set-field at run time', () => {
  it.each(['__proto__', 'constructor', '   ', 'x'.repeat(65)])(
    'fails the enrolment on %j (a journey saved before the rule) and writes nothing',
    async (field) => {
      const { fields, updates, error } = await perform({ type: 'set-field', field, value: 'x' }, { plan: 'free' });
      expect(error).toBeInstanceOf(ActionFailedError);
      expect(updates).toBe(0);
      expect(fields).toEqual({ plan: 'free' });
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    },
  );

  it(`fails the enrolment rather than add a field past ${MAX_CUSTOM_FIELDS}`, async () => {
    const { fields, updates, error } = await perform({ type: 'set-field', field: 'extra', value: 'x' }, full);
    expect(error).toBeInstanceOf(ActionFailedError);
    expect((error as Error).message).toContain(`(${MAX_CUSTOM_FIELDS})`);
    expect(updates).toBe(0);
    expect(Object.keys(fields)).toHaveLength(MAX_CUSTOM_FIELDS);
  });

  it('still changes a field the full contact holds', async () => {
    const { fields, error } = await perform({ type: 'set-field', field: ' f3 ', value: 'x' }, full);
    expect(error).toBeUndefined();
    expect(fields.f3).toBe('x');
    expect(Object.keys(fields)).toHaveLength(MAX_CUSTOM_FIELDS);
  });

  it('sets the field a padded key trims to, and writes nothing when it already holds the value', async () => {
    const set = await perform({ type: 'set-field', field: ' plan ', value: 'pro' }, { plan: 'free' });
    expect(set.fields).toEqual({ plan: 'pro' });
    const same = await perform({ type: 'set-field', field: 'plan', value: 'pro' }, { plan: 'pro' });
    expect(same.updates).toBe(0);
  });
});
