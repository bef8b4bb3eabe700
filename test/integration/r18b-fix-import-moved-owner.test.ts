// Review round 18: this test failed at 842d566.
// An import row's update landed on whichever contact held the row's email when the import read it, even after
// that contact moved to another email: the row must follow the email (a new owner, or a new contact), counted exactly.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import { createContact, updateContact } from '../../shared/crm/contacts/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-fix-moved-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const setup = async () => {
  const ws = `ws-${randomUUID()}`;
  const store = dynamoContacts(db, CORE);
  const base = { now: () => new Date('2026-03-01T10:00:00Z'), newId: randomUUID, events: { publish: async () => {} } };
  const deps = { ...base, contacts: store };
  const ada = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), deps);
  return { ws, store, base, deps, ada };
};

describe('review 18b: an import row whose email moved to another contact during the import', () => {
  it('creates the contact for the email that was left free, and counts it created', async () => {
    const { ws, store, base, deps, ada } = await setup();
    let moved = false;
    const contacts: ContactStore = {
      ...store,
      async writeMany(writes, onProgress) {
        if (!moved) await updateContact(ws, ada.contactId, { email: 'ada.new@example.com' }, deps);
        moved = true;
        return store.writeMany(writes, onProgress);
      },
    };
    const report = await importContacts(ws, 'email,status,tags\r\nada@example.com,customer,vip\r\n', {
      ...base,
      contacts,
    });

    expect(report).toMatchObject({ rows: 1, created: 1, updated: 0, unchanged: 0, failed: 0 });
    const created = (await store.findByEmails(ws, ['ada@example.com'])).get('ada@example.com');
    expect({ id: created?.contactId === ada.contactId, status: created?.status, tags: created?.tags }).toEqual({
      id: false,
      status: 'customer',
      tags: ['vip'],
    });
    expect((await store.get(ws, ada.contactId))?.status).toBe('lead');
  });

  it('updates the contact that took the email meanwhile, and counts it updated', async () => {
    const { ws, store, base, deps, ada } = await setup();
    let other: string | undefined;
    const contacts: ContactStore = {
      ...store,
      async writeMany(writes, onProgress) {
        if (!other) {
          await updateContact(ws, ada.contactId, { email: 'ada.new@example.com' }, deps);
          other = (await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), deps)).contactId;
        }
        return store.writeMany(writes, onProgress);
      },
    };
    const report = await importContacts(ws, 'email,status\r\nada@example.com,customer\r\n', { ...base, contacts });

    expect(report).toMatchObject({ rows: 1, created: 0, updated: 1, unchanged: 0, failed: 0 });
    expect((await store.get(ws, other ?? ''))?.status).toBe('customer');
    expect((await store.get(ws, ada.contactId))?.status).toBe('lead');
  });

  it('reports a row error naming the deleted contact when the email now belongs to one', async () => {
    const { ws, store, base, deps, ada } = await setup();
    let done = false;
    const contacts: ContactStore = {
      ...store,
      async writeMany(writes, onProgress) {
        if (!done) {
          await updateContact(ws, ada.contactId, { email: 'ada.new@example.com' }, deps);
          const other = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), deps);
          await store.setDeleted(ws, other.contactId, '2026-03-01T10:00:01Z', '2026-03-01T10:00:01Z');
        }
        done = true;
        return store.writeMany(writes, onProgress);
      },
    };
    const report = await importContacts(ws, 'email,status\r\nada@example.com,customer\r\n', { ...base, contacts });

    expect(report).toMatchObject({ rows: 1, created: 0, updated: 0, unchanged: 0, failed: 1 });
    expect(report.errors[0]).toMatchObject({ line: 2, errors: [{ field: 'email' }] });
    expect(report.errors[0]?.errors[0]?.message).toMatch(/deleted contact/);
    expect((await store.get(ws, ada.contactId))?.status).toBe('lead');
  });
});
