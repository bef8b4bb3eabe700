// Review round 19: this test failed at d10baec.
/**
 * The sender's read of the contact a send names (dynamo-suppressions.ts `contactStatus`) answered the
 * status of a deleted contact's item as if it were live, and never its current address, so a queued
 * mail went to a deleted contact, or to the contact's old address. It now answers the live contact's
 * status and address (undefined for a deleted or missing one), still in the suppressions'
 * BatchGetItem (no request of its own), for a transactional send too (no opt-outs of the person).
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { newContact } from '../../shared/crm/contacts/use-cases';
import { countingClient, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r19d-fix-cas-';
let db: DynamoDBDocumentClient;
let core: string;

dynamoForFile(PREFIX, (harness) => {
  ({ db } = harness);
  core = harness.table('core');
});

describe('the contact a send names, read at send time (r19d-fix)', () => {
  it('answers the live contact’s status and address, none for a deleted or unknown one', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const contacts = dynamoContacts(db, core);
    const at = new Date().toISOString();
    const ada = newContact(workspaceId, { email: 'ada@example.com', status: 'customer' }, randomUUID(), at);
    await contacts.create(ada);
    const store = dynamoSuppressions(db, core);

    expect(await store.contactStatus(workspaceId, ada.contactId)).toEqual({
      status: 'customer',
      email: 'ada@example.com',
    });
    await contacts.setDeleted(workspaceId, ada.contactId, at, at);
    expect(await store.contactStatus(workspaceId, ada.contactId)).toBeUndefined();
    // Restored: live again.
    await contacts.setDeleted(workspaceId, ada.contactId, undefined, new Date().toISOString());
    expect(await store.contactStatus(workspaceId, ada.contactId)).toMatchObject({ email: 'ada@example.com' });
    expect(await store.contactStatus(workspaceId, 'c-nobody')).toBeUndefined();
  });

  it('rides in the suppressions’ BatchGetItem, for a transactional lookup too (no person’s opt-outs)', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const ada = newContact(workspaceId, { email: 'ada@example.com' }, randomUUID(), new Date().toISOString());
    await dynamoContacts(db, core).create(ada);
    const counted = countingClient(db);
    const { calls } = counted;
    const store = dynamoSuppressions(counted.db, core);
    const [reasons, contact] = await Promise.all([
      store.reasonsFor(workspaceId, ada.email),
      store.contactStatus(workspaceId, ada.contactId),
    ]);
    expect({ reasons, contact, calls }).toEqual({
      reasons: [],
      contact: { status: 'lead', email: 'ada@example.com' },
      calls: [BatchGetCommand.name],
    });
  });
});
