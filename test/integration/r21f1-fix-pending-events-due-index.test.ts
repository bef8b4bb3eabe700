/**
 * Review round 21 (r21f1), the class of the fix: the due index of contacts' pending events (gsi1,
 * sparse, sharded) is held exactly while a contact holds events no publish has taken, whichever
 * write left them. Against the embedded DynamoDB, through the use cases and the store:
 * - the ordinary path (create, PATCH adding tags, restore, each publishing) leaves no entry behind,
 *   so the sweep never visits a contact whose events went out;
 * - every write that records events (create, PATCH, keep, restore of a contact holding some) enters
 *   the contact, due a grace after the write, not before;
 * - a publish whose read missed a later write's events (the mark moved) leaves the contact in the
 *   index for them; a publish given only some of the events puts it back;
 * - a delete takes it out (nothing of a deleted contact is published), `settle` takes out a deleted
 *   contact or one with nothing left pending, and keeps one a write recorded events on since.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTACT_EVENTS_DUE_SHARDS,
  dueContactEvents,
  PENDING_MARK,
  settleContactEvents,
} from '../../shared/adapters/dynamo-contact-events-due';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactSk, workspacePk } from '../../shared/adapters/keys';
import { contactCreatedEvents, tagAddedEvents } from '../../shared/crm/contact-events';
import { contactCreateSchema, contactPatchSchema } from '../../shared/crm/contacts/contact-fields';
import { PENDING_EVENTS_GRACE_MS } from '../../shared/crm/contacts/sweep-pending-events';
import {
  type ContactDeps,
  createContact,
  deleteContact,
  restoreContact,
  updateContact,
} from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

let dynamo: DynamoHarness;
let core: string;

beforeAll(async () => {
  dynamo = await startDynamo('r21f1due-');
  core = dynamo.table('core');
});

afterAll(async () => {
  await dynamo?.stop();
});

/** A clock the store's due times follow. */
const clock = { at: Date.parse('2026-12-07T10:00:00.000Z') };
const store = () => dynamoContacts(dynamo.db, core, { now: () => new Date(clock.at) });

/** A bus that records, or refuses everything while `down`. */
function bus() {
  const published: DomainEvent[] = [];
  const state = { down: false };
  return {
    published,
    state,
    publish: async (events: readonly DomainEvent[]) => {
      if (state.down) throw new Error('bus and queue down');
      published.push(...events);
    },
  };
}

function depsOf(events: ReturnType<typeof bus>): ContactDeps {
  return { contacts: store(), events, now: () => new Date(clock.at), newId: randomUUID };
}

/** The contact's due index entry as stored (its gsi1 keys), if any. */
async function dueEntry(workspaceId: string, contactId: string) {
  const got = await dynamo.db.send(
    new GetCommand({
      TableName: core,
      Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) },
      ConsistentRead: true,
    }),
  );
  const item = got.Item ?? {};
  return item.gsi1pk === undefined ? undefined : { pk: String(item.gsi1pk), sk: String(item.gsi1sk) };
}

/** The contact's `pendingMark` as stored, if any: it goes with the due index entry. */
async function markOf(workspaceId: string, contactId: string) {
  const got = await dynamo.db.send(
    new GetCommand({
      TableName: core,
      Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) },
      ConsistentRead: true,
    }),
  );
  return got.Item?.[PENDING_MARK];
}

/** Whether the index lists the contact as due at `at` (every shard read). */
async function listedDue(workspaceId: string, contactId: string, at: number): Promise<boolean> {
  for (let shard = 0; shard < CONTACT_EVENTS_DUE_SHARDS; shard += 1) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await dueContactEvents(dynamo.db, core, shard, new Date(at), 100, after);
      if (page.contacts.some((c) => c.workspaceId === workspaceId && c.contactId === contactId)) return true;
      after = page.next;
    } while (after);
  }
  return false;
}

const newContact = (workspaceId: string, tags: string[] = []): Contact => {
  const at = new Date(clock.at).toISOString();
  return {
    contactId: randomUUID(),
    workspaceId,
    email: `${randomUUID()}@example.com`,
    status: 'lead',
    tags,
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  };
};

describe('r21f1-fix: the due index of pending contact events', () => {
  it('the ordinary path (create, PATCH, restore, each publishing) leaves no entry behind', async () => {
    // Prepare
    const events = bus();
    const deps = depsOf(events);
    const workspaceId = `ws-${randomUUID()}`;
    // Act
    const created = await createContact(
      workspaceId,
      contactCreateSchema.parse({ email: `${randomUUID()}@example.com`, tags: ['a'] }),
      deps,
    );
    const afterCreate = await dueEntry(workspaceId, created.contactId);
    await updateContact(workspaceId, created.contactId, contactPatchSchema.parse({ tags: ['a', 'b'] }), deps);
    const afterPatch = await dueEntry(workspaceId, created.contactId);
    await deleteContact(workspaceId, created.contactId, deps);
    await restoreContact(workspaceId, created.contactId, deps);
    const afterRestore = await dueEntry(workspaceId, created.contactId);
    const markAfterRestore = await markOf(workspaceId, created.contactId);
    // Assess
    expect(events.published.map((e) => e.type).sort()).toEqual([
      'contact.created',
      'contact.tag_added',
      'contact.tag_added',
    ]);
    expect(afterCreate).toBeUndefined();
    expect(afterPatch).toBeUndefined();
    expect(afterRestore).toBeUndefined();
    expect(markAfterRestore).toBeUndefined();
  });

  it('a create, a PATCH and a keep that publish nothing enter the contact, due a grace after the write, not before', async () => {
    // Prepare
    const events = bus();
    events.state.down = true;
    const deps = depsOf(events);
    const workspaceId = `ws-${randomUUID()}`;
    // Act: a create whose publish fails.
    const input = contactCreateSchema.parse({ email: `${randomUUID()}@example.com` });
    await expect(createContact(workspaceId, input, deps)).rejects.toThrow('down');
    const [contact] = (await store().list(workspaceId, {}, { limit: 5 })).contacts;
    const contactId = contact?.contactId as string;
    const created = await dueEntry(workspaceId, contactId);
    // Assess: due at the write plus the grace; listed once that time has come, not a moment before.
    expect(created?.sk.startsWith(new Date(clock.at + PENDING_EVENTS_GRACE_MS).toISOString())).toBe(true);
    expect(await listedDue(workspaceId, contactId, clock.at + PENDING_EVENTS_GRACE_MS - 1)).toBe(false);
    expect(await listedDue(workspaceId, contactId, clock.at + PENDING_EVENTS_GRACE_MS)).toBe(true);

    // Act: a later PATCH adding a tag, its publish failing too: due a grace after it.
    clock.at += 60_000;
    await expect(
      updateContact(workspaceId, contactId, contactPatchSchema.parse({ tags: ['x'] }), deps),
    ).rejects.toThrow('down');
    const patched = await dueEntry(workspaceId, contactId);
    // Assess
    expect(patched?.sk.startsWith(new Date(clock.at + PENDING_EVENTS_GRACE_MS).toISOString())).toBe(true);
    expect(patched?.pk).toBe(created?.pk);

    // Act: the bus back, the next write publishes everything: out of the index.
    events.state.down = false;
    await updateContact(workspaceId, contactId, contactPatchSchema.parse({}), deps);
    // Assess
    expect(await dueEntry(workspaceId, contactId)).toBeUndefined();

    // Act: an interaction's events kept on the contact.
    const kept: DomainEvent = {
      type: 'contact.interaction_recorded',
      workspaceId,
      occurredAt: new Date(clock.at).toISOString(),
      detail: { eventId: `interaction-${randomUUID()}`, contactId, interactionId: 'i1', interactionType: 'note' },
    };
    expect(await store().keepPending(workspaceId, contactId, [kept])).toEqual([]);
    // Assess
    expect(await dueEntry(workspaceId, contactId)).toBeDefined();
  });

  it('a publish whose read missed a later write keeps the contact in the index; one given only some events puts it back', async () => {
    // Prepare: a contact written with its events (no publish), then a second write recording more.
    const contacts = store();
    const workspaceId = `ws-${randomUUID()}`;
    const contact = newContact(workspaceId, ['a']);
    const first = contactCreatedEvents(contact, randomUUID);
    await contacts.create(contact, { events: first });
    const at = new Date(clock.at).toISOString();
    const second = tagAddedEvents(workspaceId, contact.contactId, ['a'], ['a', 'b'], at, randomUUID);
    await contacts.update(contact, { tags: ['a', 'b'], updatedAt: at }, { events: second });
    // Act: the first writer publishes what it read (its own events only).
    await contacts.published(workspaceId, contact.contactId, first);
    // Assess: the second write's event is pending, and the contact still in the index for it.
    const left = (await contacts.getWithPending(workspaceId, contact.contactId))?.pending ?? [];
    expect(left.map((e) => e.detail.eventId)).toEqual(second.map((e) => e.detail.eventId));
    expect(await dueEntry(workspaceId, contact.contactId)).toBeDefined();

    // Act: the second writer publishes all it read: out of the index.
    await contacts.published(workspaceId, contact.contactId, left);
    // Assess
    expect(await dueEntry(workspaceId, contact.contactId)).toBeUndefined();
    expect(await markOf(workspaceId, contact.contactId)).toBeUndefined();

    // Act: a contact with three events, given to `published` one at a time.
    const third = newContact(workspaceId, ['p', 'q']);
    const all = contactCreatedEvents(third, randomUUID);
    await contacts.create(third, { events: all });
    await contacts.published(workspaceId, third.contactId, all.slice(-1));
    // Assess: the others still pending, the contact still (or again) in the index.
    expect((await contacts.getWithPending(workspaceId, third.contactId))?.pending).toHaveLength(all.length - 1);
    expect(await dueEntry(workspaceId, third.contactId)).toBeDefined();
  });

  it('a delete takes the contact out; its restore puts it back while it holds pending events', async () => {
    // Prepare
    const contacts = store();
    const workspaceId = `ws-${randomUUID()}`;
    const contact = newContact(workspaceId, ['t']);
    await contacts.create(contact, { events: contactCreatedEvents(contact, randomUUID) });
    const at = new Date(clock.at).toISOString();
    // Act
    await contacts.setDeleted(workspaceId, contact.contactId, at, at);
    const deleted = await dueEntry(workspaceId, contact.contactId);
    await contacts.setDeleted(workspaceId, contact.contactId, undefined, at);
    const restored = await dueEntry(workspaceId, contact.contactId);
    // Assess
    expect(deleted).toBeUndefined();
    expect(restored).toBeDefined();
  });

  it('settle takes out a deleted contact and one with nothing pending, and keeps one holding live events', async () => {
    // Prepare: a contact whose only pending event was dropped by a write removing its tag (a
    // journey remove-tag: no publish), one deleted while indexed (a keep after the delete), one live.
    const contacts = store();
    const workspaceId = `ws-${randomUUID()}`;
    const at = new Date(clock.at).toISOString();
    const emptied = newContact(workspaceId);
    await contacts.create(emptied, {});
    const added = tagAddedEvents(workspaceId, emptied.contactId, [], ['gone'], at, randomUUID);
    const tagged = await contacts.update(emptied, { tags: ['gone'], updatedAt: at }, { events: added });
    await contacts.update(tagged, { tags: [], updatedAt: at });
    const deleted = newContact(workspaceId);
    await contacts.create(deleted, {});
    await contacts.setDeleted(workspaceId, deleted.contactId, at, at);
    const kept: DomainEvent = {
      type: 'contact.interaction_recorded',
      workspaceId,
      occurredAt: at,
      detail: {
        eventId: `interaction-${randomUUID()}`,
        contactId: deleted.contactId,
        interactionId: 'i',
        interactionType: 'note',
      },
    };
    expect(await contacts.keepPending(workspaceId, deleted.contactId, [kept])).toEqual([]);
    const live = newContact(workspaceId);
    await contacts.create(live, { events: contactCreatedEvents(live, randomUUID) });
    const before = await Promise.all([emptied, deleted, live].map((c) => dueEntry(workspaceId, c.contactId)));
    // Act
    for (const c of [emptied, deleted, live]) await settleContactEvents(dynamo.db, core, workspaceId, c.contactId);
    // Assess
    expect(before.every((entry) => entry !== undefined)).toBe(true);
    expect(await dueEntry(workspaceId, emptied.contactId)).toBeUndefined();
    expect(await markOf(workspaceId, emptied.contactId)).toBeUndefined();
    expect(await dueEntry(workspaceId, deleted.contactId)).toBeUndefined();
    expect(await dueEntry(workspaceId, live.contactId)).toBeDefined();
    expect((await contacts.getWithPending(workspaceId, deleted.contactId))?.pending).toHaveLength(1);
  });
});
