// Review round 19: this test failed at e88bb96.
// A create retried after its failed publish was answered 201 without telling the edge its audit
// entry was written (a second `contacts.create` entry), and another caller's identical create was
// answered with the contact as theirs. Now only the same caller's retry is answered (its entry
// marked written when the first attempt wrote it), any other caller gets the 409.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { auditPk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { ContactEmailTakenError } from '../../shared/crm/contacts/errors';
import { type ContactDeps, createContact } from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { auditInWrite } from '../../shared/identity/audit';

const PREFIX = 'r19lfix-retry-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r19lfix-retry-'));
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

function setup(withAuditTable: boolean) {
  const published: DomainEvent[] = [];
  let failures = 0;
  const events = {
    failNext: () => {
      failures = 1;
    },
    async publish(list: readonly DomainEvent[]) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('EventBridge refused 1 of 1 events: ThrottlingException');
      }
      published.push(...list);
    },
  };
  const contacts = dynamoContacts(db, CORE, withAuditTable ? { auditTable: AUDIT } : {});
  const deps: ContactDeps = { contacts, now: () => new Date(), newId: randomUUID, events };
  const ws = `ws-${randomUUID()}`;
  const slotOf = (actorId: string) =>
    auditInWrite((c: Contact) => ({
      workspaceId: ws,
      eventType: 'contacts.create',
      eventAction: 'POST',
      actorType: 'user' as const,
      actorId,
      resourceType: 'contact',
      resourceId: c.contactId,
    }));
  return { deps, events, published, ws, slotOf };
}

const auditRows = async (ws: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(ws) },
      }),
    )
  ).Items ?? [];

const body = contactCreateSchema.parse({ email: 'ada@example.com', firstName: 'Ada' });

describe('r19l fix: a create retried after its failed publish', () => {
  it('the same caller: answered with the contact, its entry already written (one in all)', async () => {
    const { deps, events, ws, slotOf } = setup(true);
    events.failNext();
    const first = slotOf('u-1');
    await expect(createContact(ws, body, deps, first)).rejects.toThrow(/EventBridge/);
    expect(first.written).toBe(true);
    const retry = slotOf('u-1');
    const contact = await createContact(ws, body, deps, retry);
    expect(retry.written).toBe(true);
    expect((await auditRows(ws)).map((r) => [r.actorId, r.resourceId])).toEqual([['u-1', contact.contactId]]);
  });

  it('another caller with the same fields: the 409, nothing written for them', async () => {
    const { deps, events, published, ws, slotOf } = setup(true);
    events.failNext();
    await expect(createContact(ws, body, deps, slotOf('u-1'))).rejects.toThrow(/EventBridge/);
    const other = slotOf('u-2');
    await expect(createContact(ws, body, deps, other)).rejects.toBeInstanceOf(ContactEmailTakenError);
    expect(other.written).toBe(false);
    expect((await auditRows(ws)).map((r) => r.actorId)).toEqual(['u-1']);
    // The owner's pending events went out all the same.
    expect(published.map((e) => e.type)).toEqual(['contact.created']);
  });

  it('a store that writes no audit entry: the retry’s entry is left to the edge (the first 500 wrote none)', async () => {
    const { deps, events, ws, slotOf } = setup(false);
    events.failNext();
    const first = slotOf('u-1');
    await expect(createContact(ws, body, deps, first)).rejects.toThrow(/EventBridge/);
    expect(first.written).toBe(false);
    const retry = slotOf('u-1');
    await createContact(ws, body, deps, retry);
    expect(retry.written).toBe(false);
  });
});
