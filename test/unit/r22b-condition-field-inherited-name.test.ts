// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (r22b). Defect: a `field` condition reads the contact's field with a plain
 * property lookup (conditions.ts `holds`: `subject.contact.fields[c.field]`) on an object literal,
 * so a field name that Object.prototype answers (`toString`, `valueOf`, `hasOwnProperty`,
 * `constructor`, `__proto__` ...) reads an inherited built-in as the contact's value: "exists" is
 * true and "missing" false for EVERY contact, although none holds such a field (`constructor` and
 * `__proto__` cannot even be a custom field: custom-field-key.ts). The journey is accepted on save
 * (the condition's field is only 1-64 characters), so the branch is silently wrong at run time:
 * every contact takes the "yes" branch of "has a `valueOf` field?".
 * Node and arm ids were guarded against exactly this (journey.ts RESERVED_IDS); condition field
 * names were not.
 */
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, WS } from './campaigns/campaign-world';

const journeyAsking = (field: string, op: 'exists' | 'missing' | 'contains', value?: string) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'has' },
    {
      id: 'has',
      kind: 'condition',
      if: { type: 'field', field, op, ...(value === undefined ? {} : { value }) },
      yes: 'yes-mail',
      no: 'no-mail',
    },
    { id: 'yes-mail', kind: 'email', templateId: 't-yes', next: 'end' },
    { id: 'no-mail', kind: 'email', templateId: 't-no', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

async function branchTaken(field: string, op: 'exists' | 'missing' | 'contains', value?: string) {
  const w = campaignWorld(journeyAsking(field, op, value));
  // A contact with a custom field and the built-ins, none of them named like a prototype member.
  w.addContact('c1', { fields: { plan: 'pro', email: 'c1@example.com', status: 'lead' } });
  await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
  return [...w.sends.values()].map((s) => s.nodeId);
}

describe('r22b: a field condition on a name the contact does not hold', () => {
  for (const field of ['valueOf', 'toString', 'hasOwnProperty', 'constructor']) {
    it(`"${field}" exists: not for a contact without that field`, async () => {
      expect(await branchTaken(field, 'exists'), `"${field} exists" judged an inherited built-in`).toEqual(['no-mail']);
    });
    it(`"${field}" missing: yes for a contact without that field`, async () => {
      expect(await branchTaken(field, 'missing'), `"${field} missing" judged an inherited built-in`).toEqual([
        'yes-mail',
      ]);
    });
  }
  it('"__proto__" contains "object": not for a contact without that field', async () => {
    expect(await branchTaken('__proto__', 'contains', 'object')).toEqual(['no-mail']);
  });
});
