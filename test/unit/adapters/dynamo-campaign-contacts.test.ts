import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignContacts, snapshotOf } from '../../../shared/adapters/dynamo-campaign-contacts';
import { nextWindowOpening } from '../../../shared/campaigns/send-window';
import type { ContactStore } from '../../../shared/crm/contacts/ports';
import type { Contact } from '../../../shared/crm/model';

const contact = (customFields: Contact['customFields']): Contact => ({
  contactId: 'c1',
  workspaceId: 'ws1',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields,
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('snapshotOf: the contact time zone', () => {
  it('takes a valid IANA zone from the custom field', () => {
    expect(snapshotOf(contact({ timeZone: 'Europe/Berlin' })).timeZone).toBe('Europe/Berlin');
  });

  it('leaves the zone unset when the field is not a known time zone, so the campaign zone applies', () => {
    for (const bad of ['Mars/Olympus_Mons', 'Europe/Berlin ', 'not a zone', '', 42, true]) {
      const snapshot = snapshotOf(contact({ timeZone: bad }));
      expect(snapshot).not.toHaveProperty('timeZone');
      // The raw field is still there for conditions and personalisation.
      expect(snapshot.fields.timeZone).toBe(bad);
    }
    expect(snapshotOf(contact({})).timeZone).toBeUndefined();
  });

  it('a send window for a contact with a made-up zone runs on the campaign zone instead of throwing', () => {
    const snapshot = snapshotOf(contact({ timeZone: 'Mars/Olympus_Mons' }));
    const now = new Date('2026-12-04T18:00:00Z'); // Friday 19:00 in Berlin
    const window = { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 };
    expect(nextWindowOpening(now, window, snapshot.timeZone ?? 'Europe/Berlin').toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    );
  });

  it('the adapter snapshot applies the same rule', async () => {
    const store = { get: async () => contact({ timeZone: 'Mars/Olympus_Mons' }) } as unknown as ContactStore;
    const port = dynamoCampaignContacts({} as DynamoDBDocumentClient, 'table', store);
    const snapshot = await port.snapshot('ws1', 'c1');
    expect(snapshot?.contactId).toBe('c1');
    expect(snapshot?.timeZone).toBeUndefined();
  });
});
