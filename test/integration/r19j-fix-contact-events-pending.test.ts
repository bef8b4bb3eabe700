// Review round 19: this test failed at 6a48c48.
// A create or a PATCH wrote the contact, then published contact.created / contact.tag_added; a
// failed publish was lost for good (the retry met a taken email, or no difference). Now the events
// are pending on the contact item, written with it, dropped once published, and published again by
// the retry (same event ids), against the embedded DynamoDB.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { auditPk, contactSk, workspacePk } from '../../shared/adapters/keys';
import { CONTACT_CREATED_EVENT, TAG_ADDED_EVENT } from '../../shared/crm/contact-events';
import { contactCreateSchema, contactPatchSchema } from '../../shared/crm/contacts/contact-fields';
import { ContactEmailTakenError } from '../../shared/crm/contacts/errors';
import {
  type ContactDeps,
  createContact,
  deleteContact,
  restoreContact,
  updateContact,
} from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { auditInWrite } from '../../shared/identity/audit';

const PREFIX = 'r19jfix-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r19jfix-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A bus whose next `failures` publishes throw (a refused PutEvents entry), then records. */
function bus() {
  const published: DomainEvent[] = [];
  let failures = 0;
  return {
    published,
    failNext: (n = 1) => {
      failures = n;
    },
    async publish(events: readonly DomainEvent[]) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('EventBridge refused 1 of 1 events: ThrottlingException');
      }
      published.push(...events);
    },
  };
}

function setup() {
  const events = bus();
  const deps: ContactDeps = { contacts: dynamoContacts(db, CORE), now: () => new Date(), newId: randomUUID, events };
  return { deps, events, ws: `ws-${randomUUID()}` };
}

const rawItem = async (ws: string, id: string) =>
  (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(ws), sk: contactSk(id) } }))).Item;

const idsOf = (events: readonly DomainEvent[], type: string) =>
  events.filter((e) => e.type === type).map((e) => e.detail.eventId);

describe('contact events are pending with the write and published by the retry', () => {
  it('a retried create publishes its events once more under the same ids and answers the contact', async () => {
    const { deps, events, ws } = setup();
    const body = contactCreateSchema.parse({ email: 'ada@example.com', firstName: 'Ada', tags: ['vip'] });
    events.failNext();
    await expect(createContact(ws, body, deps)).rejects.toThrow(/EventBridge/);
    const id = (await deps.contacts.list(ws, {}, { limit: 5 })).contacts[0]?.contactId;
    if (!id) throw new Error('the first attempt wrote no contact');
    const pending = (await deps.contacts.getWithPending(ws, id))?.pending ?? [];
    expect(pending.map((e) => e.type).sort()).toEqual([CONTACT_CREATED_EVENT, TAG_ADDED_EVENT]);

    const retried = await createContact(ws, body, deps);
    expect(retried.contactId).toBe(id);
    expect(idsOf(events.published, CONTACT_CREATED_EVENT)).toEqual([`created-${id}`]);
    expect(idsOf(events.published, TAG_ADDED_EVENT)).toEqual(idsOf(pending, TAG_ADDED_EVENT));
    expect((await rawItem(ws, id))?.pendingEvents, 'dropped once published').toBeUndefined();

    // Published now: the same POST again is the duplicate it is.
    await expect(createContact(ws, body, deps)).rejects.toBeInstanceOf(ContactEmailTakenError);
    expect(events.published).toHaveLength(2);
  });

  it('another create of the email is still 409, and publishes what the holder had pending', async () => {
    const { deps, events, ws } = setup();
    events.failNext();
    await expect(createContact(ws, contactCreateSchema.parse({ email: 'bo@example.com' }), deps)).rejects.toThrow();
    const other = contactCreateSchema.parse({ email: 'bo@example.com', firstName: 'Someone else' });
    const error = await createContact(ws, other, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContactEmailTakenError);
    const holder = (error as ContactEmailTakenError).details.contactId;
    expect(idsOf(events.published, CONTACT_CREATED_EVENT)).toEqual([`created-${holder}`]);
    expect((await deps.contacts.getWithPending(ws, String(holder)))?.pending).toEqual([]);
  });

  it('a create whose publish went through leaves nothing pending, and no answer shows the attribute', async () => {
    const { deps, events, ws } = setup();
    const created = await createContact(ws, contactCreateSchema.parse({ email: 'cy@example.com', tags: ['a'] }), deps);
    expect(events.published).toHaveLength(2);
    const item = await rawItem(ws, created.contactId);
    expect(item?.pendingEvents).toBeUndefined();
    expect(item?.type).toBe('contact');
    events.failNext();
    await expect(
      updateContact(ws, created.contactId, contactPatchSchema.parse({ tags: ['a', 'b'] }), deps),
    ).rejects.toThrow();
    const stored = await deps.contacts.get(ws, created.contactId);
    expect(stored).toBeDefined();
    expect(Object.keys(stored ?? {})).not.toContain('pendingEvents');
  });

  it('a retried PATCH publishes the tag event its first attempt left pending, with its id, once', async () => {
    const { deps, events, ws } = setup();
    const contact = await createContact(ws, contactCreateSchema.parse({ email: 'di@example.com' }), deps);
    events.published.length = 0;
    const patch = contactPatchSchema.parse({ tags: ['vip', 'beta'] });
    events.failNext();
    await expect(updateContact(ws, contact.contactId, patch, deps)).rejects.toThrow(/EventBridge/);
    const pending = (await deps.contacts.getWithPending(ws, contact.contactId))?.pending ?? [];
    expect(pending.map((e) => e.detail.tag).sort()).toEqual(['beta', 'vip']);

    await updateContact(ws, contact.contactId, patch, deps);
    expect(idsOf(events.published, TAG_ADDED_EVENT).sort()).toEqual(idsOf(pending, TAG_ADDED_EVENT).sort());
    expect((await rawItem(ws, contact.contactId))?.pendingEvents).toBeUndefined();
    await updateContact(ws, contact.contactId, patch, deps);
    expect(events.published).toHaveLength(2);
  });

  it('events left pending go out with the next write of the contact, or its restore', async () => {
    const { deps, events, ws } = setup();
    const contact = await createContact(ws, contactCreateSchema.parse({ email: 'ed@example.com' }), deps);
    events.published.length = 0;
    events.failNext();
    await expect(
      updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['vip'] }), deps),
    ).rejects.toThrow();
    await updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['vip', 'new'] }), deps);
    expect(events.published.map((e) => e.detail.tag).sort()).toEqual(['new', 'vip']);

    events.published.length = 0;
    events.failNext();
    await expect(
      updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['vip', 'new', 'x'] }), deps),
    ).rejects.toThrow();
    await deleteContact(ws, contact.contactId, deps);
    await restoreContact(ws, contact.contactId, deps);
    expect(events.published.map((e) => e.detail.tag)).toEqual(['x']);
    expect((await rawItem(ws, contact.contactId))?.pendingEvents).toBeUndefined();
  });

  it('the request’s audit entry is written in the create’s transaction (the call count stays)', async () => {
    const { events, ws } = setup();
    const deps: ContactDeps = {
      contacts: dynamoContacts(db, CORE, { auditTable: AUDIT }),
      now: () => new Date(),
      newId: randomUUID,
      events,
    };
    const entryFor = (c: Contact) => ({
      workspaceId: ws,
      eventType: 'contacts.create',
      eventAction: 'POST',
      actorType: 'user' as const,
      actorId: 'u-1',
      resourceType: 'contact',
      resourceId: c.contactId,
    });
    const slot = auditInWrite(entryFor);
    const created = await createContact(ws, contactCreateSchema.parse({ email: 'fa@example.com' }), deps, slot);
    expect(slot.written).toBe(true);
    const rows = await db.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(ws) },
      }),
    );
    expect(rows.Items?.map((r) => r.resourceId)).toEqual([created.contactId]);
    // A create refused (the email taken) writes no entry.
    const again = auditInWrite(entryFor);
    await expect(
      createContact(ws, contactCreateSchema.parse({ email: 'fa@example.com', firstName: 'X' }), deps, again),
    ).rejects.toBeInstanceOf(ContactEmailTakenError);
    expect(again.written).toBe(false);
  });
});
