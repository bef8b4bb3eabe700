/**
 * A launch's audience (`contactAudience`) pages the workspace's contacts in key order (by contact
 * id, `order: 'key'`), every filter of `GET /api/contacts/list` a FilterExpression: it selects
 * exactly the live contacts the list selects, for each filter and their combinations, and never
 * a deleted one. The list itself keeps its order (a tier filter: best score first). A cursor that
 * is a position in the tier index (a launch begun before key order) goes on in that index.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { contactAudience } from '../../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import type { ContactFilter, ContactStore } from '../../shared/crm/contacts/ports';
import { matchesFilter } from '../../shared/crm/contacts/search';
import type { Contact } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('audience-filters-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const at = '2026-03-01T10:00:00.000Z';
type Seed = Pick<Contact, 'status' | 'tags' | 'score' | 'tier'> & { firstName: string; company?: string };

const seeds: Seed[] = [
  { firstName: 'Ada', company: 'Acme', status: 'lead', tags: ['vip'], score: 91, tier: 'hot' },
  { firstName: 'Ben', company: 'Globex', status: 'customer', tags: ['vip', 'eu'], score: 75, tier: 'warm' },
  { firstName: 'Cleo', status: 'lead', tags: ['eu'], score: 72.5, tier: 'warm' },
  { firstName: 'Dan', company: 'Acme Labs', status: 'lead', tags: [], score: 70, tier: 'warm' },
  { firstName: 'Eve', status: 'customer', tags: ['vip'], score: 65, tier: 'warm' },
  { firstName: 'Finn', status: 'lead', tags: ['eu'], score: 40, tier: 'lukewarm' },
  { firstName: 'Gus', company: 'acme', status: 'lead', tags: ['vip'], score: 10, tier: 'cold' },
  { firstName: 'Hal', status: 'lead', tags: ['vip'], score: 71, tier: 'warm' }, // deleted below
];

async function workspace() {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contacts = dynamoContacts(db, CORE);
  const people: Contact[] = [];
  for (const [i, s] of seeds.entries()) {
    const c: Contact = {
      contactId: `c${i}-${randomUUID().slice(0, 6)}`,
      workspaceId,
      email: `${s.firstName.toLowerCase()}-${randomUUID().slice(0, 6)}@example.com`,
      customFields: {},
      createdAt: at,
      updatedAt: at,
      ...s,
    };
    await contacts.create(c);
    people.push(c);
  }
  const deleted = people[7] as Contact;
  await contacts.setDeleted(workspaceId, deleted.contactId, at, at);
  const live = people.slice(0, 7);
  return { workspaceId, contacts, live, deleted };
}

/** Every page of the audience, as a launch reads it (small pages, so cursors are crossed). */
async function audienceOf(contacts: ContactStore, workspaceId: string, filter: ContactFilter, cursor?: string) {
  const source = contactAudience(contacts);
  const ids: string[] = [];
  let next = cursor;
  for (let page = 0; page < 50; page++) {
    const out = await source.page(workspaceId, filter, 2, next);
    ids.push(...out.contactIds);
    if (!out.cursor) return ids;
    next = out.cursor;
  }
  throw new Error('the audience did not end');
}

async function listOf(contacts: ContactStore, workspaceId: string, filter: ContactFilter) {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await contacts.list(workspaceId, filter, { limit: 2, ...(cursor ? { cursor } : {}) });
    ids.push(...page.contacts.map((c) => c.contactId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

const filters: ContactFilter[] = [
  {},
  { tier: 'warm' },
  { tier: 'warm', minScore: 70 },
  { tier: 'warm', maxScore: 72.5 },
  { tier: 'warm', minScore: 66, maxScore: 74 },
  { minScore: 60 },
  { maxScore: 40 },
  { status: 'customer' },
  { tag: 'vip' },
  { tag: 'vip', tier: 'warm' },
  { q: 'acme' },
  { q: 'ACME', tier: 'warm' },
  { status: 'lead', tag: 'eu', minScore: 30, maxScore: 80 },
  { tier: 'hot', tag: 'eu' },
];

describe("a launch's audience in key order", () => {
  it('selects exactly the live contacts each filter of the list selects, deleted ones never', async () => {
    const { workspaceId, contacts, live, deleted } = await workspace();
    for (const filter of filters) {
      const expected = live.filter((c) => matchesFilter(c, filter)).map((c) => c.contactId);
      const audience = await audienceOf(contacts, workspaceId, filter);
      expect({ filter, audience: [...audience].sort() }).toEqual({ filter, audience: [...expected].sort() });
      // Key order: by contact id, each once.
      expect(audience).toEqual([...audience].sort());
      expect(audience).not.toContain(deleted.contactId);
      // The same selection as the list's own.
      expect(new Set(await listOf(contacts, workspaceId, filter))).toEqual(new Set(audience));
    }
  });

  it('leaves the list in its order: a tier filter lists best score first', async () => {
    const { workspaceId, contacts, live } = await workspace();
    const warm = live.filter((c) => c.tier === 'warm').sort((a, b) => b.score - a.score);
    expect(await listOf(contacts, workspaceId, { tier: 'warm' })).toEqual(warm.map((c) => c.contactId));
  });

  it('goes on in the tier index from a cursor of a launch begun there', async () => {
    const { workspaceId, contacts, live } = await workspace();
    const warm = live.filter((c) => c.tier === 'warm').sort((a, b) => b.score - a.score);
    // The first page as a launch read it before key order: the tier index, best score first.
    const first = await contacts.list(workspaceId, { tier: 'warm' }, { limit: 2 });
    expect(first.contacts.map((c) => c.contactId)).toEqual(warm.slice(0, 2).map((c) => c.contactId));
    const rest = await audienceOf(contacts, workspaceId, { tier: 'warm' }, first.nextCursor);
    expect(rest).toEqual(warm.slice(2).map((c) => c.contactId));
  });
});
