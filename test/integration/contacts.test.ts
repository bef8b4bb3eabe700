/**
 * The contacts and interactions adapters against the embedded DynamoDB: the email claim
 * under a race, pagination over several pages, the tier filter on gsi2, soft delete and
 * restore, bulk writes, the timeline.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { CONTACT_HEAD_SK, contactSk, interactionPk, tierGsi2 } from '../../shared/adapters/keys';
import { scaledClock } from '../../shared/clock';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { ContactEmailTakenError, ContactNotFoundError } from '../../shared/crm/contacts/errors';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import { timeline } from '../../shared/crm/contacts/record-interaction';
import { newContact } from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { interactionTimeline } from '../../shared/email/email-timeline';
import { InvalidCursorError } from '../../shared/governance/paging';

const PREFIX = 'crm-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let store: ContactStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'contacts-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
  store = dynamoContacts(db, CORE);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const at = '2026-03-01T10:00:00.000Z';
const contact = (workspaceId: string, body: Record<string, unknown>, id = randomUUID()): Contact =>
  newContact(workspaceId, contactCreateSchema.parse(body), id, at);
/** What the scorer does to a contact: score, tier and the gsi2 keys. */
const scoreAs = (c: Contact, score: number, tier: Contact['tier']) =>
  db.send(
    new UpdateCommand({
      TableName: CORE,
      Key: { pk: `WS#${c.workspaceId}`, sk: contactSk(c.contactId) },
      UpdateExpression: 'SET score = :s, tier = :t, gsi2pk = :p, gsi2sk = :k',
      ExpressionAttributeValues: {
        ':s': score,
        ':t': tier,
        ':p': tierGsi2(c.workspaceId, tier, score, c.contactId).gsi2pk,
        ':k': tierGsi2(c.workspaceId, tier, score, c.contactId).gsi2sk,
      },
    }),
  );

describe('email claim', () => {
  it('lets exactly one of several racing creates of one email win', async () => {
    const w = ws();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        store.create(contact(w, { email: i % 2 ? 'RACE@example.com' : 'race@example.com' })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(losers).toHaveLength(5);
    for (const l of losers) expect(l.reason).toBeInstanceOf(ContactEmailTakenError);
    expect((await store.list(w, {}, { limit: 10 })).contacts).toHaveLength(1);
  });

  it('moves the claim with the email, atomically, and refuses a taken one', async () => {
    const w = ws();
    const a = contact(w, { email: 'a@example.com', firstName: 'A' });
    const b = contact(w, { email: 'b@example.com' });
    await store.create(a);
    await store.create(b);
    await expect(store.update(a, { email: 'b@example.com' })).rejects.toBeInstanceOf(ContactEmailTakenError);
    expect((await store.get(w, a.contactId))?.email).toBe('a@example.com');
    const moved = await store.update(a, { email: 'a2@example.com', firstName: undefined, updatedAt: at });
    expect(moved.email).toBe('a2@example.com');
    expect(moved.firstName).toBeUndefined();
    const found = await store.findByEmails(w, ['a@example.com', 'a2@example.com', 'b@example.com']);
    expect([...found.keys()].sort()).toEqual(['a2@example.com', 'b@example.com']);
    await expect(store.create(contact(w, { email: 'a@example.com' }))).resolves.toBeUndefined();
  });
});

describe('listing', () => {
  it('pages through more than one page without gaps or repeats, skipping deleted contacts', async () => {
    const w = ws();
    const all = Array.from({ length: 60 }, (_, i) => contact(w, { email: `p${i}@example.com` }));
    expect(await store.writeMany(all.map((c) => ({ kind: 'create' as const, contact: c })))).toEqual([]);
    const deleted = all[30] as Contact;
    await store.setDeleted(w, deleted.contactId, at, at);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(w, {}, { limit: 25, ...(cursor ? { cursor } : {}) });
      seen.push(...page.contacts.map((c) => c.contactId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(59);
    expect(seen).not.toContain(deleted.contactId);
  });

  it('fills a filtered page across DynamoDB pages (text, tag, status)', async () => {
    const w = ws();
    const all = Array.from({ length: 300 }, (_, i) =>
      contact(w, {
        email: `f${i}@example.com`,
        company: i % 50 === 0 ? 'Needle Corp' : 'Hay Ltd',
        tags: i % 3 === 0 ? ['three'] : [],
        status: i % 2 ? 'customer' : 'lead',
      }),
    );
    await store.writeMany(all.map((c) => ({ kind: 'create' as const, contact: c })));
    const needles = await store.list(w, { q: 'needle' }, { limit: 10 });
    expect(needles.contacts).toHaveLength(6);
    expect(needles.nextCursor).toBeUndefined();
    const tagged = await store.list(w, { tag: 'three', status: 'customer' }, { limit: 100 });
    expect(tagged.contacts.every((c) => c.tags.includes('three') && c.status === 'customer')).toBe(true);
    expect(tagged.contacts).toHaveLength(50);
  });

  it('lists a tier from gsi2, best score first, within a score range', async () => {
    const w = ws();
    const cs = Array.from({ length: 5 }, (_, i) => contact(w, { email: `t${i}@example.com` }));
    for (const c of cs) await store.create(c);
    await scoreAs(cs[0] as Contact, 91, 'hot');
    await scoreAs(cs[1] as Contact, 85.5, 'hot');
    await scoreAs(cs[2] as Contact, 99, 'hot');
    await scoreAs(cs[3] as Contact, 50, 'warm');
    const hot = await store.list(w, { tier: 'hot' }, { limit: 2 });
    expect(hot.contacts.map((c) => c.score)).toEqual([99, 91]);
    const rest = await store.list(w, { tier: 'hot' }, { limit: 2, cursor: hot.nextCursor });
    expect(rest.contacts.map((c) => c.score)).toEqual([85.5]);
    expect((await store.list(w, { tier: 'hot', maxScore: 95 }, { limit: 10 })).contacts.map((c) => c.score)).toEqual([
      91, 85.5,
    ]);
    expect((await store.list(w, { tier: 'cold' }, { limit: 10 })).contacts).toHaveLength(1);
    // A cursor of one tier does not read another.
    await expect(store.list(w, { tier: 'warm' }, { limit: 2, cursor: hot.nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(store.list(ws(), {}, { limit: 2, cursor: hot.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('soft delete and restore', () => {
  it('takes the contact off lists and gsi2, keeps the claim, and restore brings both back', async () => {
    const w = ws();
    const c = contact(w, { email: 'soft@example.com' });
    await store.create(c);
    await scoreAs(c, 88, 'hot');
    await store.setDeleted(w, c.contactId, at, at);
    const item = (
      await db.send(new GetCommand({ TableName: CORE, Key: { pk: `WS#${w}`, sk: contactSk(c.contactId) } }))
    ).Item;
    expect(item).toMatchObject({ deletedAt: at });
    expect(item?.gsi2pk).toBeUndefined();
    expect((await store.list(w, { tier: 'hot' }, { limit: 10 })).contacts).toEqual([]);
    const again = await store.create(contact(w, { email: 'soft@example.com' })).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'CONTACT_EMAIL_TAKEN', details: { contactId: c.contactId, deleted: true } });
    await store.setDeleted(w, c.contactId, undefined, at);
    expect((await store.list(w, { tier: 'hot' }, { limit: 10 })).contacts.map((x) => x.contactId)).toEqual([
      c.contactId,
    ]);
    await expect(store.setDeleted(w, 'missing', at, at)).rejects.toMatchObject({ status: 404 });
  });
});

describe('bulk writes', () => {
  it('writes chunks in transactions and reports only the rows that failed', async () => {
    const w = ws();
    await store.create(contact(w, { email: 'taken@example.com' }));
    const batch = Array.from({ length: 120 }, (_, i) =>
      contact(w, { email: i === 77 ? 'taken@example.com' : `bulk${i}@example.com` }),
    );
    const progress: number[] = [];
    const failures = await store.writeMany(
      batch.map((c) => ({ kind: 'create' as const, contact: c })),
      (done) => progress.push(done),
    );
    expect(failures.map((f) => f.index)).toEqual([77]);
    expect(failures[0]?.error).toBeInstanceOf(ContactEmailTakenError);
    expect(progress.at(-1)).toBe(120);
    const found = await store.findByEmails(
      w,
      batch.map((c) => c.email),
    );
    expect(found.size).toBe(120);
  });
});

describe('interactions', () => {
  it('reads the timeline newest first, page by page, and stores an interaction once', async () => {
    const interactions = dynamoInteractions(db, CORE);
    const w = ws();
    const base = { workspaceId: w, contactId: 'c1', metadata: { campaignId: 'k' }, source: 'campaigns' };
    const types = ['email_sent', 'email_delivered', 'email_opened'] as const;
    for (const [i, type] of types.entries()) {
      expect(
        await interactions.put({ ...base, interactionId: `i${i}`, type, occurredAt: `2026-03-01T10:0${i}:00.000Z` }),
      ).toBe(true);
    }
    expect(
      await interactions.put({
        ...base,
        interactionId: 'i0',
        type: 'email_sent',
        occurredAt: '2026-03-01T10:00:00.000Z',
      }),
    ).toBe(false);
    const first = await interactions.timeline(w, 'c1', { limit: 2 });
    expect(first.interactions.map((i) => i.type)).toEqual(['email_opened', 'email_delivered']);
    expect(first.interactions[0]).toMatchObject({
      metadata: { campaignId: 'k' },
      source: 'campaigns',
      contactId: 'c1',
    });
    const rest = await interactions.timeline(w, 'c1', { limit: 2, cursor: first.nextCursor });
    expect(rest.interactions.map((i) => i.type)).toEqual(['email_sent']);
    await expect(interactions.timeline(w, 'c2', { limit: 2, cursor: first.nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe("the timeline reads the contact's state with its first page", () => {
  const interactions = () => dynamoInteractions(db, CORE);
  const deps = () => ({ contacts: store, interactions: interactions() });
  const visit = (c: Contact, i: number) =>
    interactions().put({
      workspaceId: c.workspaceId,
      contactId: c.contactId,
      interactionId: `v${i}`,
      type: 'page_visit',
      occurredAt: `2026-03-01T11:0${i}:00.000Z`,
      metadata: {},
      source: 'api',
    });

  it('follows create, delete and restore, and pages past the head', async () => {
    const w = ws();
    const c = contact(w, { email: 'head@example.com' });
    await store.create(c);
    const empty = await interactions().timeline(w, c.contactId, { limit: 2 });
    expect(empty).toEqual({ interactions: [], contactState: 'live' });
    for (const i of [0, 1, 2]) await visit(c, i);

    const first = await interactions().timeline(w, c.contactId, { limit: 2 });
    expect(first.contactState).toBe('live');
    expect(first.interactions.map((i) => i.interactionId)).toEqual(['v2', 'v1']);
    const rest = await timeline(deps(), w, c.contactId, { limit: 2, cursor: first.nextCursor });
    expect(rest).toEqual({ interactions: [expect.objectContaining({ interactionId: 'v0' })] });

    await store.setDeleted(w, c.contactId, at, at);
    expect((await interactions().timeline(w, c.contactId, { limit: 2 })).contactState).toBe('deleted');
    await expect(timeline(deps(), w, c.contactId, { limit: 2 })).rejects.toBeInstanceOf(ContactNotFoundError);
    // A cursor issued while it was live reads nothing once it is deleted.
    await expect(timeline(deps(), w, c.contactId, { limit: 2, cursor: first.nextCursor })).rejects.toBeInstanceOf(
      ContactNotFoundError,
    );

    await store.setDeleted(w, c.contactId, undefined, at);
    const back = await timeline(deps(), w, c.contactId, { limit: 5 });
    expect(back.interactions.map((i) => i.interactionId)).toEqual(['v2', 'v1', 'v0']);
    expect(back.nextCursor).toBeUndefined();
  });

  it('imported contacts get their head; a partition without one falls back to the contact', async () => {
    const w = ws();
    const [imported, legacy] = [contact(w, { email: 'imp@example.com' }), contact(w, { email: 'old@example.com' })];
    expect(await store.writeMany([{ kind: 'create', contact: imported }])).toEqual([]);
    expect((await interactions().timeline(w, imported.contactId, { limit: 1 })).contactState).toBe('live');

    // A contact stored before heads existed: soft-deleted, with interactions, and no head.
    await store.create(legacy);
    await db.send(
      new DeleteCommand({ TableName: CORE, Key: { pk: interactionPk(w, legacy.contactId), sk: CONTACT_HEAD_SK } }),
    );
    await db.send(
      new UpdateCommand({
        TableName: CORE,
        Key: { pk: `WS#${w}`, sk: contactSk(legacy.contactId) },
        UpdateExpression: 'SET deletedAt = :d',
        ExpressionAttributeValues: { ':d': at },
      }),
    );
    await visit(legacy, 0);
    const page = await interactions().timeline(w, legacy.contactId, { limit: 1 });
    expect(page.contactState).toBeUndefined();
    expect(page.interactions).toHaveLength(1);
    await expect(timeline(deps(), w, legacy.contactId, { limit: 1 })).rejects.toBeInstanceOf(ContactNotFoundError);
    // Nobody at all: 404, not an empty page.
    await expect(timeline(deps(), w, randomUUID(), { limit: 1 })).rejects.toBeInstanceOf(ContactNotFoundError);
  });
});

describe('provider events on the timeline (email-timeline.ts)', () => {
  const emailTimeline = () => {
    let lookups = 0;
    const counted: ContactStore = {
      ...store,
      findByEmails: (workspaceId, emails) => {
        lookups += 1;
        return store.findByEmails(workspaceId, emails);
      },
    };
    const timelineOf = interactionTimeline({
      contacts: counted,
      interactions: dynamoInteractions(db, CORE),
      scorer: interactionScorer({
        store: dynamoScoreStore(db, CORE),
        events: { publish: async () => undefined },
        now: () => new Date(),
      }),
      now: () => new Date(),
      newId: randomUUID,
      events: { publish: async () => undefined },
    });
    return { timelineOf, lookups: () => lookups };
  };
  const delivered = () => ({
    type: 'email_delivered' as const,
    interactionId: randomUUID(),
    occurredAt: new Date().toISOString(),
    metadata: { provider: 'ses', sendId: 's-1' },
  });
  const typesOn = async (c: Contact) =>
    (await dynamoInteractions(db, CORE).timeline(c.workspaceId, c.contactId, { limit: 10 })).interactions.map(
      (i) => i.type,
    );

  it('records on the contact the send named, without a lookup by address; else on the live contact with it', async () => {
    const w = ws();
    const named = contact(w, { email: 'named@example.com' });
    const byAddress = contact(w, { email: 'now@example.com' });
    await store.create(named);
    await store.create(byAddress);
    const { timelineOf, lookups } = emailTimeline();
    // The named contact's address changed since the send: the delivery is still its own.
    expect(await timelineOf.record(w, 'now@example.com', delivered(), named.contactId)).toBe('recorded');
    expect(lookups()).toBe(0);
    expect(await typesOn(named)).toEqual(['email_delivered']);
    expect(await typesOn(byAddress)).toEqual([]);
    expect(await timelineOf.record(w, 'now@example.com', delivered())).toBe('recorded');
    expect(lookups()).toBe(1);
    expect(await typesOn(byAddress)).toEqual(['email_delivered']);
  });

  it('records nothing for a named contact that was deleted or is not in the workspace', async () => {
    const w = ws();
    const gone = contact(w, { email: 'gone@example.com' });
    await store.create(gone);
    await store.setDeleted(w, gone.contactId, at, at);
    const elsewhere = contact(ws(), { email: 'other@example.com' });
    await store.create(elsewhere);
    const { timelineOf } = emailTimeline();
    expect(await timelineOf.record(w, 'gone@example.com', delivered(), gone.contactId)).toBe('no-contact');
    expect(await timelineOf.record(w, 'other@example.com', delivered(), elsewhere.contactId)).toBe('no-contact');
    expect(await typesOn(elsewhere)).toEqual([]);
  });

  it('places the provider’s time on the campaign clock (TIME_SCALE): after the send, with the contact’s lastInteractionAt', async () => {
    const w = ws();
    const c = contact(w, { email: 'scaled@example.com' });
    await store.create(c);
    const realNow = Date.now();
    const clock = scaledClock(3600, { realMs: realNow - 2_000, clockMs: realNow + 86_400_000 });
    const timelineOf = interactionTimeline(
      {
        contacts: store,
        interactions: dynamoInteractions(db, CORE),
        scorer: interactionScorer({
          store: dynamoScoreStore(db, CORE),
          events: { publish: async () => undefined },
          now: () => clock.now(),
        }),
        now: () => clock.now(),
        newId: randomUUID,
        events: { publish: async () => undefined },
      },
      clock,
    );
    // Stamped by the provider one real second ago: one campaign hour ago, a day ahead of real time.
    const stamped = new Date(Date.now() - 1_000);
    expect(
      await timelineOf.record(
        w,
        'scaled@example.com',
        { ...delivered(), occurredAt: stamped.toISOString() },
        c.contactId,
      ),
    ).toBe('recorded');
    const [entry] = (await dynamoInteractions(db, CORE).timeline(w, c.contactId, { limit: 10 })).interactions;
    expect(entry?.occurredAt).toBe(clock.fromReal(stamped.getTime()).toISOString());
    expect(Date.parse(entry?.occurredAt ?? '')).toBeGreaterThan(stamped.getTime() + 86_000_000);
    expect((await store.get(w, c.contactId))?.lastInteractionAt).toBe(entry?.occurredAt);
  });
});

// Review 8: `update` derived `search` (and the email-claim move) from the contact as read and
// wrote it whatever was stored by then, so a racing PATCH's value was lost from `search` for good,
// and a racing email change answered 404. A stale `before` is that lost race, made deterministic.
describe('updates racing other writes', () => {
  const searchOf = async (c: Contact) =>
    (await db.send(new GetCommand({ TableName: CORE, Key: { pk: `WS#${c.workspaceId}`, sk: contactSk(c.contactId) } })))
      .Item?.search;

  it('recomputes search from the stored contact when another write changed a search field meanwhile', async () => {
    const c = contact(ws(), { email: 'race@example.com', firstName: 'Old', company: 'Oldco' });
    await store.create(c);
    await store.update(c, { firstName: 'Newname', updatedAt: at });
    // The second PATCH read the contact before the first one wrote.
    const after = await store.update(c, { company: 'Newco', updatedAt: at });
    expect([after.firstName, after.company]).toEqual(['Newname', 'Newco']);
    expect(await searchOf(c)).toBe('newname race@example.com newco');
  });

  it('leaves search alone when no field it is made of changes', async () => {
    const c = contact(ws(), { email: 'quiet@example.com', firstName: 'Ann' });
    await store.create(c);
    await store.update(c, { firstName: 'Bea', updatedAt: at });
    await store.update(c, { status: 'customer', updatedAt: at });
    expect(await searchOf(c)).toBe('bea quiet@example.com');
  });

  it('moves the email from a stale read: the last change wins, no 404, claims follow', async () => {
    const c = contact(ws(), { email: 'one@example.com' });
    await store.create(c);
    await store.update(c, { email: 'two@example.com', updatedAt: at });
    const after = await store.update(c, { email: 'three@example.com', updatedAt: at });
    expect(after.email).toBe('three@example.com');
    expect(await searchOf(c)).toBe('three@example.com');
    const claims = await store.findByEmails(c.workspaceId, ['one@example.com', 'two@example.com', 'three@example.com']);
    expect([...claims.keys()]).toEqual(['three@example.com']);
  });

  it('still answers 404 for a deleted contact and 409 for a taken email', async () => {
    const workspaceId = ws();
    const c = contact(workspaceId, { email: 'gone@example.com' });
    const other = contact(workspaceId, { email: 'held@example.com' });
    await store.create(c);
    await store.create(other);
    await expect(store.update(c, { email: 'held@example.com', updatedAt: at })).rejects.toBeInstanceOf(
      ContactEmailTakenError,
    );
    await store.setDeleted(workspaceId, c.contactId, at, at);
    await expect(store.update(c, { firstName: 'X', updatedAt: at })).rejects.toBeInstanceOf(ContactNotFoundError);
    await expect(store.update(c, { email: 'new@example.com', updatedAt: at })).rejects.toBeInstanceOf(
      ContactNotFoundError,
    );
  });

  it('many concurrent PATCHes of different fields all end up in search', async () => {
    const c = contact(ws(), { email: 'many@example.com', firstName: 'A', lastName: 'B', company: 'C' });
    await store.create(c);
    await Promise.all([
      store.update(c, { firstName: 'Firstx', updatedAt: at }),
      store.update(c, { lastName: 'Lastx', updatedAt: at }),
      store.update(c, { company: 'Compx', updatedAt: at }),
    ]);
    expect(await searchOf(c)).toBe('firstx lastx many@example.com compx');
  });

  it('a restore puts gsi2 back at the tier and score stored (its write is conditional on them)', async () => {
    const workspaceId = ws();
    const c = contact(workspaceId, { email: 'restore-race@example.com' });
    await store.create(c);
    await store.setDeleted(workspaceId, c.contactId, at, at);
    await scoreAs(c, 80, 'hot');
    await store.setDeleted(workspaceId, c.contactId, undefined, at);
    const item = (
      await db.send(new GetCommand({ TableName: CORE, Key: { pk: `WS#${workspaceId}`, sk: contactSk(c.contactId) } }))
    ).Item;
    expect([item?.gsi2pk, item?.gsi2sk]).toEqual([
      tierGsi2(workspaceId, 'hot', 80, c.contactId).gsi2pk,
      tierGsi2(workspaceId, 'hot', 80, c.contactId).gsi2sk,
    ]);
  });
});
