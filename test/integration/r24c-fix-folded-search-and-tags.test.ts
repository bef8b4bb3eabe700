// Review round 24 (c), the class of r24c-search-query-unnormalised: search text, its query and tags are compared
// whatever the Unicode form and case they were typed in (shared/crm/fold-text.ts), and what was stored before
// (a `search` only lower-cased, with `ς` ending a word; a tag typed decomposed) is still found, and such a tag
// is still the tag its composed spelling names: held by a PATCH or import without a new `tag_added`,
// removed by a journey's remove-tag, not added twice by its add-tag, answered by a tag condition.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactSk, workspacePk } from '../../shared/adapters/keys';
import { type Condition, condition, holds } from '../../shared/campaigns/conditions';
import { journeyActions } from '../../shared/campaigns/journey-actions';
import type { ActionTarget } from '../../shared/campaigns/ports';
import { contactCreateSchema, contactPatchSchema } from '../../shared/crm/contacts/contact-fields';
import { contactFilterSchema } from '../../shared/crm/contacts/contact-filter';
import { createContact, newContact, updateContact } from '../../shared/crm/contacts/use-cases';
import type { DomainEvent } from '../../shared/crm/ports';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r24c-fold-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const at = '2026-03-01T10:00:00.000Z';
const CAFE_NFD = 'cafe\u0301';
const CAFE_NFC = 'caf\u00e9';

function workspace() {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const store = dynamoContacts(db, CORE);
  const published: DomainEvent[] = [];
  const deps = {
    contacts: store,
    now: () => new Date(at),
    newId: randomUUID,
    events: { publish: async (events: readonly DomainEvent[]) => void published.push(...events) },
  };
  const list = async (filter: Record<string, string>) =>
    (await store.list(workspaceId, contactFilterSchema.parse(filter), { limit: 25 })).contacts.map((c) => c.contactId);
  /** A contact as stored before search text and tags were folded: `search` lower-cased only, tags as typed. */
  const legacy = async (lastName: string, tags: string[]) => {
    const contact = newContact(
      workspaceId,
      contactCreateSchema.parse({ email: `${randomUUID()}@example.com`, lastName }),
      randomUUID(),
      at,
    );
    await store.create({ ...contact, tags });
    await db.send(
      new UpdateCommand({
        TableName: CORE,
        Key: { pk: workspacePk(workspaceId), sk: contactSk(contact.contactId) },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'search' },
        ExpressionAttributeValues: { ':s': `${lastName} ${contact.email}`.toLowerCase() },
      }),
    );
    return { ...contact, tags };
  };
  return { workspaceId, store, deps, published, list, legacy };
}

describe('search: new and old search texts, any form of the query', () => {
  it('finds a name stored folded by its capitals, its part, its decomposed spelling', async () => {
    const w = workspace();
    const c = await createContact(
      w.workspaceId,
      contactCreateSchema.parse({ email: 'k@example.com', lastName: 'ΚΩΣΤΑΣ', firstName: 'Jos\u00e9' }),
      w.deps,
    );
    for (const q of ['ΚΩΣ', 'κωσ', 'Κωστας', 'ΚΩΣΤΑΣ', 'κωστασ', 'JOSE\u0301 κωσ']) {
      expect(await w.list({ q }), q).toEqual([c.contactId]);
    }
  });

  it('finds a name whose search text was stored lower-cased only (ς ending the word)', async () => {
    const w = workspace();
    const c = await w.legacy('ΚΩΣΤΑΣ', []);
    for (const q of ['ΚΩΣ', 'κωσ', 'Κωστας', 'ΚΩΣΤΑΣ', 'ς']) {
      expect(await w.list({ q }), q).toEqual([c.contactId]);
    }
  });
});

describe('tags: one tag whatever its Unicode form, an old decomposed one included', () => {
  it('a tag typed composed and decomposed is one tag', async () => {
    const w = workspace();
    const c = await createContact(
      w.workspaceId,
      contactCreateSchema.parse({ email: 'a@example.com', tags: [CAFE_NFD, CAFE_NFC.toUpperCase()] }),
      w.deps,
    );
    expect(c.tags).toEqual([CAFE_NFC]);
    expect(await w.list({ tag: CAFE_NFD })).toEqual([c.contactId]);
  });

  it('a tag stored decomposed is found by either spelling, and kept by a PATCH without a new tag_added', async () => {
    const w = workspace();
    const old = await w.legacy('Lovelace', [CAFE_NFD]);
    expect(await w.list({ tag: CAFE_NFC })).toEqual([old.contactId]);
    expect(await w.list({ tag: CAFE_NFD.toUpperCase() })).toEqual([old.contactId]);

    // A client echoes the tags it read (its form NFC-normalised by the schema) and adds one.
    const after = await updateContact(
      w.workspaceId,
      old.contactId,
      contactPatchSchema.parse({ tags: [CAFE_NFD, 'vip'] }),
      w.deps,
    );
    expect(after.tags).toEqual([CAFE_NFD, 'vip']);
    expect(w.published.map((e) => e.detail.tag)).toEqual(['vip']);

    // A tag condition names it composed (tag-field.ts): the contact holds it.
    const tagged = holds(condition.parse({ type: 'tag', tag: CAFE_NFC }) as Condition, {
      contact: { fields: {}, tags: after.tags, score: 0, tier: 'cold' },
      interactions: [],
      emailActivity: {},
      now: new Date(at),
    });
    expect(tagged).toBe(true);

    // Removed by a PATCH naming the rest.
    const removed = await updateContact(
      w.workspaceId,
      old.contactId,
      contactPatchSchema.parse({ tags: ['vip'] }),
      w.deps,
    );
    expect(removed.tags).toEqual(['vip']);
  });

  it('a journey adds no second copy of a tag stored decomposed, and removes it', async () => {
    const w = workspace();
    const old = await w.legacy('Lovelace', [CAFE_NFD]);
    const actions = journeyActions({
      contacts: w.store,
      now: () => new Date(at),
      scoring: {} as never,
      webhooks: {} as never,
      notify: {} as never,
    });
    const target = (nodeId: string): ActionTarget => ({
      workspaceId: w.workspaceId,
      campaignId: 'camp',
      contactId: old.contactId,
      nodeId,
      version: 1,
      run: 1,
      step: 1,
      idempotencyKey: `campaign#camp#${old.contactId}#1#${nodeId}#1`,
    });
    await actions.perform({ type: 'add-tag', tag: CAFE_NFC }, target('add'));
    expect((await w.store.get(w.workspaceId, old.contactId))?.tags).toEqual([CAFE_NFD]);
    await actions.perform({ type: 'remove-tag', tag: CAFE_NFC }, target('remove'));
    expect((await w.store.get(w.workspaceId, old.contactId))?.tags).toEqual([]);
  });
});
