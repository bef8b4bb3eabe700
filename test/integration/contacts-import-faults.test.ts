/**
 * Review round 11: this test failed at eab1d13 (a bulk import that failed part-way left email
 * claims behind with no contact, so creating that email answered 409 naming no owner; and a
 * BatchWrite that failed after writing some contacts deleted those contacts' claims, so the
 * same email could then be created a second time).
 *
 * `writeMany` against the embedded DynamoDB, with faults injected into the document client the
 * store is given: whatever fails, every email ends with its contact and its claim, or neither.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { CONTACT_HEAD_SK, contactEmailSk, contactSk, interactionPk, workspacePk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { ContactEmailTakenError } from '../../shared/crm/contacts/errors';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import { newContact } from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('import-faults-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const at = '2026-03-01T10:00:00.000Z';
const contact = (workspaceId: string, email: string): Contact =>
  newContact(workspaceId, contactCreateSchema.parse({ email }), randomUUID(), at);
const creates = (contacts: readonly Contact[]) => contacts.map((c) => ({ kind: 'create' as const, contact: c }));

/** A throttle as the SDK throws it once its own retries are spent. */
const throttle = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
  });

type Send = (command: unknown) => Promise<unknown>;
/** `db` whose `send` goes through `intercept` first (which may answer, throw, or pass on to `real`). */
const faulty = (intercept: (command: unknown, real: Send) => Promise<unknown>): DynamoDBDocumentClient =>
  new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'send'
        ? (command: unknown) => intercept(command, (c) => (target.send as Send).call(target, c))
        : Reflect.get(target, prop, receiver),
  });

const item = async (pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: CORE, Key: { pk, sk }, ConsistentRead: true }))).Item;

/** Per contact: whether its item, its email claim (held by it) and its head exist. */
const stateOf = async (c: Contact) => {
  const claim = await item(workspacePk(c.workspaceId), contactEmailSk(c.email));
  return {
    email: c.email,
    contact: (await item(workspacePk(c.workspaceId), contactSk(c.contactId))) !== undefined,
    claim: claim === undefined ? 'none' : claim.contactId === c.contactId ? 'own' : 'other',
    head: (await item(interactionPk(c.workspaceId, c.contactId), CONTACT_HEAD_SK)) !== undefined,
  };
};

/** Lets any write still in flight after a rejection land before the table is read. */
const settle = () => new Promise((r) => setTimeout(r, 300));

/** Every email: contact, claim and head all there, or none of them. */
const expectAllOrNothing = async (contacts: readonly Contact[]) => {
  const states = await Promise.all(contacts.map(stateOf));
  for (const s of states) {
    expect(s, s.email).toEqual(
      s.contact
        ? { email: s.email, contact: true, claim: 'own', head: expect.any(Boolean) }
        : { email: s.email, contact: false, claim: 'none', head: false },
    );
  }
  return states;
};

describe('a claim Put failing (not on its condition) in the middle of a chunk', () => {
  it('releases the claims this call won: the emails can be created afterwards', async () => {
    const w = ws();
    const batch = Array.from({ length: 8 }, (_, i) => contact(w, `claim${i}@example.com`));
    const failing = batch[5] as Contact;
    const store = dynamoContacts(
      faulty(async (command, real) => {
        if (command instanceof PutCommand && command.input.Item?.email === failing.email) {
          await new Promise((r) => setTimeout(r, 50)); // the others' claims are won by now
          throw throttle();
        }
        return real(command);
      }),
      CORE,
    );
    await expect(store.writeMany(creates(batch))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await settle();
    const states = await expectAllOrNothing(batch);
    expect(states.every((s) => !s.contact)).toBe(true);
    // No email is blocked: each can be created now (before the fix: 409 naming no contact).
    const healthy = dynamoContacts(db, CORE);
    for (const c of batch) await expect(healthy.create(contact(w, c.email))).resolves.toBeUndefined();
  });

  it('through the import: a failed import leaves the file importable again', async () => {
    const w = ws();
    const emails = Array.from({ length: 6 }, (_, i) => `again${i}@example.com`);
    const csv = `email\n${emails.join('\n')}\n`;
    let calls = 0;
    const store = dynamoContacts(
      faulty(async (command, real) => {
        if (command instanceof PutCommand && command.input.Item?.type === 'contactEmail' && ++calls === 4) {
          await new Promise((r) => setTimeout(r, 50));
          throw throttle();
        }
        return real(command);
      }),
      CORE,
    );
    const deps = { now: () => new Date(at), newId: () => randomUUID() };
    await expect(importContacts(w, csv, { ...deps, contacts: store })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await settle();
    const report = await importContacts(w, csv, { ...deps, contacts: dynamoContacts(db, CORE) });
    expect(report).toMatchObject({ created: 6, failed: 0, errors: [] });
  });
});

describe('the BatchWrite of the contacts failing part-way', () => {
  /** Asserts the all-or-nothing outcome, and that the email rule holds for each afterwards. */
  const expectConsistent = async (batch: readonly Contact[]) => {
    const states = await expectAllOrNothing(batch);
    const landed = states.filter((s) => s.contact).length;
    // Part-way: some contacts were written, some were not.
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(batch.length);
    const healthy = dynamoContacts(db, CORE);
    for (const [i, c] of batch.entries()) {
      const again = healthy.create(contact(c.workspaceId, c.email));
      if (states[i]?.contact) {
        // The written contact still owns its email: no second contact with it.
        await expect(again).rejects.toBeInstanceOf(ContactEmailTakenError);
        await expect(again).rejects.toMatchObject({ details: { contactId: c.contactId } });
      } else {
        await expect(again).resolves.toBeUndefined();
      }
    }
  };

  it('after an error on a later BatchWriteItem call: keeps the claims of the contacts that were written', async () => {
    const w = ws();
    const batch = Array.from({ length: 30 }, (_, i) => contact(w, `part${i}@example.com`));
    let batches = 0;
    const store = dynamoContacts(
      faulty(async (command, real) => {
        if (command instanceof BatchWriteCommand && ++batches > 1) {
          await new Promise((r) => setTimeout(r, 50)); // the first call has landed by now
          throw throttle();
        }
        return real(command);
      }),
      CORE,
    );
    await expect(store.writeMany(creates(batch))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await settle();
    await expectConsistent(batch);
  });

  it('with items left unprocessed and the retry failing', async () => {
    const w = ws();
    const batch = Array.from({ length: 10 }, (_, i) => contact(w, `unprocessed${i}@example.com`));
    let batches = 0;
    const store = dynamoContacts(
      faulty(async (command, real) => {
        if (!(command instanceof BatchWriteCommand)) return real(command);
        batches += 1;
        if (batches > 1) throw throttle();
        // DynamoDB processes the first half and hands the rest back.
        const requests = command.input.RequestItems?.[CORE] ?? [];
        const half = Math.floor(requests.length / 2);
        await real(new BatchWriteCommand({ RequestItems: { [CORE]: requests.slice(0, half) } }));
        return { UnprocessedItems: { [CORE]: requests.slice(half) }, $metadata: {} };
      }),
      CORE,
    );
    await expect(store.writeMany(creates(batch))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await settle();
    await expectConsistent(batch);
  });
});
