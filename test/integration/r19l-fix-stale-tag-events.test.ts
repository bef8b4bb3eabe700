// Review round 19: this test failed at e88bb96.
// A pending `contact.tag_added` outlived its tag: a PATCH (or a journey action) removing `vip` then
// published, or a restore published, the stale `tag_added vip`; and a PATCH rebased onto a
// concurrent PATCH that had added the same tag still recorded and published its own (a second id).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { TAG_ADDED_EVENT } from '../../shared/crm/contact-events';
import { contactCreateSchema, contactPatchSchema } from '../../shared/crm/contacts/contact-fields';
import {
  type ContactDeps,
  createContact,
  deleteContact,
  restoreContact,
  updateContact,
} from '../../shared/crm/contacts/use-cases';
import type { DomainEvent } from '../../shared/crm/ports';

const PREFIX = 'r19lfix-tag-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r19lfix-tag-'));
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

/** A bus whose next `failures` publishes throw, then records. */
function bus() {
  const published: DomainEvent[] = [];
  let failures = 0;
  return {
    published,
    failNext: () => {
      failures = 1;
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

async function setup(tags: string[] = []) {
  const events = bus();
  const deps: ContactDeps = { contacts: dynamoContacts(db, CORE), now: () => new Date(), newId: randomUUID, events };
  const ws = `ws-${randomUUID()}`;
  const contact = await createContact(
    ws,
    contactCreateSchema.parse({ email: `t-${randomUUID()}@example.com`, tags }),
    deps,
  );
  events.published.length = 0;
  return { deps, events, ws, contact };
}

const tagsAdded = (events: readonly DomainEvent[], tag: string) =>
  events.filter((e) => e.type === TAG_ADDED_EVENT && e.detail.tag === tag);

describe('r19l fix: a pending tag_added goes with its tag', () => {
  it('a PATCH removing the tag publishes no stale tag_added, and none is left pending', async () => {
    const { deps, events, ws, contact } = await setup();
    events.failNext();
    await expect(
      updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['vip'] }), deps),
    ).rejects.toThrow();
    await updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['other'] }), deps);
    expect(tagsAdded(events.published, 'vip')).toEqual([]);
    expect(tagsAdded(events.published, 'other')).toHaveLength(1);
    expect((await deps.contacts.getWithPending(ws, contact.contactId))?.pending).toEqual([]);
  });

  it('a tag removed by another write (a journey action) is not announced by a later restore', async () => {
    const { deps, events, ws, contact } = await setup(['a']);
    events.failNext();
    await expect(
      updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['a', 'vip'] }), deps),
    ).rejects.toThrow();
    const before = await deps.contacts.get(ws, contact.contactId);
    if (!before) throw new Error('contact missing');
    await deps.contacts.update(before, { tags: ['a'], updatedAt: new Date().toISOString() });
    await deleteContact(ws, contact.contactId, deps);
    await restoreContact(ws, contact.contactId, deps);
    expect(tagsAdded(events.published, 'vip')).toEqual([]);
    expect((await deps.contacts.getWithPending(ws, contact.contactId))?.pending).toEqual([]);
  });

  it('two PATCHes adding the same tag at once: one tag_added (one event id) for it', async () => {
    const { deps, events, ws, contact } = await setup();
    // Both PATCHes read the contact before either writes: the second's write is rebased.
    let arrived = 0;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const store = deps.contacts;
    const racing: ContactDeps = {
      ...deps,
      contacts: {
        ...store,
        getWithPending: async (w, id) => {
          const found = await store.getWithPending(w, id);
          arrived += 1;
          if (arrived === 2) open();
          if (arrived <= 2) await gate;
          return found;
        },
      },
    };
    await Promise.all([
      updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['vip'], firstName: 'Ann' }), racing),
      updateContact(ws, contact.contactId, contactPatchSchema.parse({ tags: ['vip'], lastName: 'Lee' }), racing),
    ]);
    const ids = new Set(tagsAdded(events.published, 'vip').map((e) => e.detail.eventId));
    expect(ids.size).toBe(1);
    expect((await deps.contacts.getWithPending(ws, contact.contactId))?.pending).toEqual([]);
  });
});
