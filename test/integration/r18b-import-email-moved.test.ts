/**
 * Review 18b — MEDIUM. A CSV import upserts by email, but writes a row's changes onto whichever
 * contact held that email when the import started, even after that contact moved to another email:
 * the row lands on the wrong contact, and the email it names gets no contact at all.
 * Root cause: shared/crm/contacts/import-contacts.ts:importContacts plans each update from one
 * `findByEmails` read at the start, and shared/adapters/dynamo-contacts.ts:writeMany ->
 * update/tryUpdate conditions the write only on the fields the change itself derives from
 * (`search` inputs, tags, custom fields), never on the contact still holding the row's email. An
 * import of 10,000 rows runs for many seconds; a PATCH that moves a contact from `ada@` to
 * `ada.new@` meanwhile makes the row `ada@example.com,...,customer,vip` set status and tags of
 * the contact now at `ada.new@` (a different person, as far as the file says), and the report
 * counts it `updated` for `ada@`.
 * Correct: an import row's update holds only while the contact still has the row's email (a
 * condition `email = :rowEmail`, on failure re-read by email: create, update the new owner, or a
 * row error), so a file never changes a contact that no longer has the email it names.
 */
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
dynamoForFile('r18b-import-moved-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 18b: an import row whose email moved to another address during the import', () => {
  it('does not change the contact that left that email', async () => {
    const ws = `ws-${randomUUID()}`;
    const store = dynamoContacts(db, CORE);
    const events = { publish: async () => {} };
    const base = { now: () => new Date('2026-03-01T10:00:00Z'), newId: randomUUID, events };
    const ada = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), {
      ...base,
      contacts: store,
    });

    // The import has read who holds each email; before it writes, a user moves Ada to a new address.
    const contacts: ContactStore = {
      ...store,
      async writeMany(writes, onProgress) {
        await updateContact(ws, ada.contactId, { email: 'ada.new@example.com' }, { ...base, contacts: store });
        return store.writeMany(writes, onProgress);
      },
    };
    const report = await importContacts(ws, 'email,status,tags\r\nada@example.com,customer,vip\r\n', {
      ...base,
      contacts,
    });

    const moved = await store.get(ws, ada.contactId);
    expect(
      { email: moved?.email, status: moved?.status, tags: moved?.tags },
      `import report: ${JSON.stringify(report)}`,
    ).toEqual({ email: 'ada.new@example.com', status: 'lead', tags: [] });
  });
});
