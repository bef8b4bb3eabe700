/**
 * Review round 25 (g), the contacts store swept for writes the SDK retried after DynamoDB applied
 * them (their answer lost, test/support/lost-answer.ts), and for an expression past DynamoDB's limits:
 * - an import's email claim (a conditional Put) was refused by itself and read as "taken": the row
 *   failed as a duplicate and the claim stayed with no contact, the address blocked. Now won;
 * - a PATCH adding a tag (one UpdateItem) was refused by its own landed write and read as another
 *   write's: its `contact.tag_added` was not published with it (left for the sweep). Now it is;
 * - the publish of a contact's pending events (up to 1 + MAX_TAGS + MAX_KEPT_EVENTS of them) put
 *   every slot's condition and the mark's IN list in one ConditionExpression: past 4 KB, refused,
 *   the events published again by every later publish. Now in writes that each stay within it.
 * Each failed before the fix.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_BYTES } from '../../shared/adapters/dynamo/add-expression';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactEmailSk, contactSk, workspacePk } from '../../shared/adapters/keys';
import { CONTACT_CREATED_EVENT, TAG_ADDED_EVENT } from '../../shared/crm/contact-events';
import { contactCreateSchema, MAX_TAGS } from '../../shared/crm/contacts/contact-fields';
import { MAX_KEPT_EVENTS } from '../../shared/crm/contacts/pending-events';
import { newContact } from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { type DynamoHarness, dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r25gct-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const core = () => dynamo.table('core');
const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const at = '2026-03-01T10:00:00.000Z';
const contact = (workspaceId: string, email: string): Contact =>
  newContact(workspaceId, contactCreateSchema.parse({ email }), randomUUID(), at);
const lossy = (command: string, when?: (input: Record<string, unknown>) => boolean) =>
  losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command, when);
const item = async (pk: string, sk: string) =>
  (await dynamo.db.send(new GetCommand({ TableName: core(), Key: { pk, sk }, ConsistentRead: true }))).Item;
const event = (workspaceId: string, contactId: string, type: string, detail: Record<string, unknown> = {}) =>
  ({
    type,
    workspaceId,
    occurredAt: at,
    detail: { eventId: randomUUID(), contactId, ...detail },
  }) satisfies DomainEvent;

describe("an import's email claim after a lost answer", () => {
  it('is won: the contact is created and holds its claim, no row fails', async () => {
    const w = ws();
    const batch = Array.from({ length: 3 }, (_, i) => contact(w, `lost${i}@example.com`));
    const target = batch[1] as Contact;
    const l = lossy(
      'PutItemCommand',
      (input) => (input.Item as Record<string, { S?: string }>)?.sk?.S === contactEmailSk(target.email),
    );
    const failures = await dynamoContacts(l.db, core()).writeMany(batch.map((c) => ({ kind: 'create', contact: c })));
    expect(l.lost()).toBe(1);
    expect(failures).toEqual([]);
    expect((await item(workspacePk(w), contactEmailSk(target.email)))?.contactId).toBe(target.contactId);
    expect(await item(workspacePk(w), contactSk(target.contactId))).toBeDefined();
  });
});

describe('a PATCH adding a tag after a lost answer', () => {
  it('is written, and its tag_added is handed over to be published', async () => {
    const w = ws();
    const c = contact(w, 'tagged@example.com');
    await dynamoContacts(dynamo.db, core()).create(c);
    const added = event(w, c.contactId, TAG_ADDED_EVENT, { tag: 'vip' });
    const l = lossy('UpdateItemCommand');
    let pending: readonly DomainEvent[] | undefined;
    const after = await dynamoContacts(l.db, core()).update(
      c,
      { tags: ['vip'], updatedAt: '2026-03-01T10:01:00.000Z' },
      { events: [added], onPending: (p) => (pending = p) },
    );
    expect(l.lost()).toBe(1);
    expect(after.tags).toEqual(['vip']);
    expect(pending?.map((e) => e.detail.eventId)).toEqual([added.detail.eventId]);
  });
});

describe('the publish of every pending event a contact may hold', () => {
  it('empties them all and takes the contact out of the due index, each expression within 4 KB', async () => {
    const w = ws();
    const c = contact(w, 'full@example.com');
    const events = [
      event(w, c.contactId, CONTACT_CREATED_EVENT),
      ...Array.from({ length: MAX_TAGS }, (_, i) => event(w, c.contactId, TAG_ADDED_EVENT, { tag: `tag-${i}` })),
      ...Array.from({ length: MAX_KEPT_EVENTS }, () => event(w, c.contactId, 'contact.interaction_recorded')),
    ];
    await dynamoContacts(dynamo.db, core()).create(c, { events });
    const held = async () => {
      const stored = (await item(workspacePk(w), contactSk(c.contactId))) ?? {};
      return Object.keys(stored).filter((k) => k.startsWith('pendingEvent:') || k === 'pendingMark' || k === 'gsi1pk');
    };
    expect((await held()).length).toBe(events.length + 2);
    const expressions: string[] = [];
    const watched = interceptedClient(dynamo.db, async (command, send) => {
      if (command instanceof UpdateCommand) {
        expressions.push(String(command.input.ConditionExpression ?? ''), String(command.input.UpdateExpression));
      }
      return send(command);
    });
    await dynamoContacts(watched, core()).published(w, c.contactId, events);
    expect(await held()).toEqual([]);
    for (const expression of expressions) {
      expect(Buffer.byteLength(expression)).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
      for (const list of expression.matchAll(/IN \(([^)]*)\)/g)) {
        expect(String(list[1]).split(',').length).toBeLessThanOrEqual(100);
      }
    }
  });
});
