// Review round 18: this test failed at 842d566.
// The import's lookup by email may miss a contact created a moment before (an eventually consistent read):
// the create it then plans loses on the email claim, and the row must end as an update of that contact.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactEmailSk, workspacePk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import { createContact } from '../../shared/crm/contacts/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-fix-stale-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 18b: an import whose lookup missed a contact just created', () => {
  it('updates that contact (one contact per email), counted updated', async () => {
    const ws = `ws-${randomUUID()}`;
    const store = dynamoContacts(db, CORE);
    const base = {
      now: () => new Date('2026-03-01T10:00:00Z'),
      newId: randomUUID,
      events: { publish: async () => {} },
    };
    const ada = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), {
      ...base,
      contacts: store,
    });
    let lookups = 0;
    const contacts: ContactStore = {
      ...store,
      // The first lookup answers from a replica that has not seen Ada yet.
      async findByEmails(workspaceId, emails) {
        lookups += 1;
        return lookups === 1 ? new Map() : store.findByEmails(workspaceId, emails);
      },
    };
    const report = await importContacts(ws, 'email,status\r\nada@example.com,customer\r\nbob@example.com,lead\r\n', {
      ...base,
      contacts,
    });

    expect(report).toMatchObject({ rows: 2, created: 1, updated: 1, unchanged: 0, failed: 0 });
    const all = (await store.list(ws, {}, { limit: 10 })).contacts;
    expect(all.map((c) => c.email).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    expect((await store.get(ws, ada.contactId))?.status).toBe('customer');
  });

  it('a claim whose contact is not written yet (another import in flight) ends as a row error, no second contact', async () => {
    const ws = `ws-${randomUUID()}`;
    const store = dynamoContacts(db, CORE);
    const base = { now: () => new Date('2026-03-01T10:00:00Z'), newId: randomUUID };
    // Another import won the claim and has not batch-written its contact yet.
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: workspacePk(ws),
          sk: contactEmailSk('ada@example.com'),
          type: 'contactEmail',
          workspaceId: ws,
          contactId: 'in-flight',
          email: 'ada@example.com',
        },
      }),
    );
    const report = await importContacts(ws, 'email,status\r\nada@example.com,customer\r\n', {
      ...base,
      contacts: store,
    });

    expect(report).toMatchObject({ rows: 1, created: 0, updated: 0, failed: 1 });
    expect(report.errors[0]).toMatchObject({ line: 2, errors: [{ field: 'email' }] });
    expect((await store.list(ws, {}, { limit: 10 })).contacts).toEqual([]);
  });
});
