// Review round 20: this test failed at 16f866a.
// A listing whose Query read exactly the page's `limit` took DynamoDB's LastEvaluatedKey (given
// whenever the Query stops at its Limit) for "more": a page holding the last items answered a
// cursor to an empty page (the timeline's later pages, the score ledger, the recompute's contact
// pages, enrolment pages, hot leads, the audit log, security alerts). A cursor is answered only when
// an item beyond the page was read.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { beginsWith } from '../../shared/adapters/dynamo/cursor';
import { pagedQuery, rangeListing } from '../../shared/adapters/dynamo/query';
import { dynamoAlerts } from '../../shared/adapters/dynamo-alerts';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoScoreReader } from '../../shared/adapters/dynamo-score-reader';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { contactSk, interactionPk, ledgerSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { timeline } from '../../shared/crm/contacts/record-interaction';
import { createContact } from '../../shared/crm/contacts/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';
import { putContact } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
let AUDIT: string;
dynamoForFile('r20a-fix-last-page-', (h) => {
  db = h.db;
  CORE = h.table('core');
  AUDIT = h.table('audit');
});

/** Every page of a listing from the first, as [ids, whether a cursor was answered]. */
async function pages<T>(
  read: (cursor: string | undefined) => Promise<{ items: readonly T[]; cursor?: string | undefined }>,
  idOf: (item: T) => string,
): Promise<Array<[string[], boolean]>> {
  const out: Array<[string[], boolean]> = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    out.push([page.items.map(idOf), page.cursor !== undefined]);
    cursor = page.cursor;
  } while (cursor && out.length < 10);
  return out;
}

async function contactWithInteractions(count: number) {
  const ws = `ws-${randomUUID()}`;
  const contacts = dynamoContacts(db, CORE);
  const deps = { contacts, now: () => new Date(), newId: randomUUID, events: { publish: async () => {} } };
  const c = await createContact(ws, contactCreateSchema.parse({ email: 'pages@example.com' }), deps);
  const interactions = dynamoInteractions(db, CORE);
  for (let i = 0; i < count; i++) {
    await interactions.put({
      workspaceId: ws,
      contactId: c.contactId,
      interactionId: `v${i}`,
      type: 'page_visit',
      occurredAt: `2026-03-01T11:0${i}:00.000Z`,
      metadata: {},
      source: 'api',
    });
  }
  const read = (limit: number) => (cursor: string | undefined) =>
    timeline({ contacts, interactions }, ws, c.contactId, { limit, ...(cursor ? { cursor } : {}) }).then((p) => ({
      items: p.interactions,
      cursor: p.nextCursor,
    }));
  return { ws, c, read };
}

describe('review 20a fix: a page holding the last items answers no cursor', () => {
  it('the timeline, on its first and later pages', async () => {
    const six = await contactWithInteractions(6);
    expect(await pages(six.read(3), (i) => i.interactionId)).toEqual([
      [['v5', 'v4', 'v3'], true],
      [['v2', 'v1', 'v0'], false],
    ]);
    const four = await contactWithInteractions(4);
    expect(await pages(four.read(3), (i) => i.interactionId)).toEqual([
      [['v3', 'v2', 'v1'], true],
      [['v0'], false],
    ]);
    expect(await pages(four.read(2), (i) => i.interactionId)).toEqual([
      [['v3', 'v2'], true],
      [['v1', 'v0'], false],
    ]);
    expect(await pages(four.read(4), (i) => i.interactionId)).toEqual([[['v3', 'v2', 'v1', 'v0'], false]]);
  });

  it('a contact without a head item (stored before heads were kept): its first page', async () => {
    const ws = `ws-${randomUUID()}`;
    const contactId = randomUUID();
    const at = '2026-03-01T10:00:00.000Z';
    const contact = {
      contactId,
      workspaceId: ws,
      email: 'legacy@example.com',
      status: 'lead',
      tags: [],
      customFields: {},
      score: 0,
      tier: 'cold',
      createdAt: at,
      updatedAt: at,
    };
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: workspacePk(ws), sk: contactSk(contactId), type: 'contact', ...contact },
      }),
    );
    const interactions = dynamoInteractions(db, CORE);
    for (const i of [0, 1]) {
      await interactions.put({
        workspaceId: ws,
        contactId,
        interactionId: `v${i}`,
        type: 'page_visit',
        occurredAt: `2026-03-01T11:0${i}:00.000Z`,
        metadata: {},
        source: 'api',
      });
    }
    const page = await timeline({ contacts: dynamoContacts(db, CORE), interactions }, ws, contactId, { limit: 2 });
    expect({ ids: page.interactions.map((i) => i.interactionId), cursor: page.nextCursor }).toEqual({
      ids: ['v1', 'v0'],
      cursor: undefined,
    });
  });

  it('the score ledger', async () => {
    const ws = `ws-${randomUUID()}`;
    const contactId = randomUUID();
    for (const i of [0, 1, 2]) {
      const at = `2026-03-01T11:0${i}:00.000Z`;
      await db.send(
        new PutCommand({
          TableName: CORE,
          Item: {
            pk: interactionPk(ws, contactId),
            sk: ledgerSk(at, `e${i}`),
            type: 'scoreLedger',
            ledgerId: `e${i}`,
            at,
            ruleId: 'r',
            rule: 'r',
            group: 'engagement',
            points: 1,
            before: i,
            after: i + 1,
            scoreBefore: i,
            scoreAfter: i + 1,
          },
        }),
      );
    }
    const reader = dynamoScoreReader(db, CORE);
    const read = (limit: number) => (cursor: string | undefined) => reader.ledger(ws, contactId, limit, cursor);
    expect(await pages(read(3), (e) => e.ledgerId)).toEqual([[['e2', 'e1', 'e0'], false]]);
    expect(await pages(read(2), (e) => e.ledgerId)).toEqual([
      [['e2', 'e1'], true],
      [['e0'], false],
    ]);
  });

  it("the recompute's contact pages", async () => {
    const ws = `ws-${randomUUID()}`;
    const ids = [];
    for (const _ of [0, 1, 2, 3]) ids.push((await putContact(db, CORE, ws)).contactId);
    const recompute = dynamoRecomputeStore(db, CORE);
    const read = (limit: number) => (cursor: string | undefined) => recompute.contacts(ws, limit, cursor);
    const byKey = [...ids].sort();
    expect(await pages(read(2), (c) => c.contactId)).toEqual([
      [byKey.slice(0, 2), true],
      [byKey.slice(2), false],
    ]);
    expect(await pages(read(4), (c) => c.contactId)).toEqual([[byKey, false]]);
  });

  it('a listing of an index (its cursor holds the index and table keys)', async () => {
    const ws = `ws-${randomUUID()}`;
    const gsi1pk = `R20A#${ws}`;
    for (const i of [0, 1, 2, 3]) {
      await db.send(
        new PutCommand({
          TableName: CORE,
          Item: { pk: workspacePk(ws), sk: `R20A#${i}`, gsi1pk, gsi1sk: `S#${i}`, n: i },
        }),
      );
    }
    const listing = rangeListing(CORE, gsi1pk, beginsWith('S#'), {
      index: 'gsi1',
      tablePk: workspacePk(ws),
      tableSk: beginsWith('R20A#'),
    });
    const read = (limit: number) => (cursor: string | undefined) =>
      pagedQuery(db, listing.input, { limit, cursor, shape: listing.shape });
    expect(await pages(read(2), (i) => String(i.n))).toEqual([
      [['0', '1'], true],
      [['2', '3'], false],
    ]);
    expect(await pages(read(3), (i) => String(i.n))).toEqual([
      [['0', '1', '2'], true],
      [['3'], false],
    ]);
  });

  it('hot leads', async () => {
    const ws = `ws-${randomUUID()}`;
    for (const score of [90, 80]) {
      const contactId = `hot-${score}`;
      await db.send(
        new PutCommand({
          TableName: CORE,
          Item: {
            pk: workspacePk(ws),
            sk: contactSk(contactId),
            type: 'contact',
            contactId,
            workspaceId: ws,
            email: `${contactId}@example.com`,
            score,
            tier: 'hot',
            ...tierGsi2(ws, 'hot', score, contactId),
          },
        }),
      );
    }
    const reader = dynamoScoreReader(db, CORE);
    const read = (limit: number) => (cursor: string | undefined) => reader.hotLeads(ws, limit, cursor);
    expect(await pages(read(2), (l) => l.contactId)).toEqual([[['hot-90', 'hot-80'], false]]);
    expect(await pages(read(1), (l) => l.contactId)).toEqual([
      [['hot-90'], true],
      [['hot-80'], false],
    ]);
  });

  it('the audit log and security alerts', async () => {
    const ws = `ws-${randomUUID()}`;
    const audit = dynamoAudit(db, AUDIT);
    for (const i of [0, 1]) {
      await audit.append({
        id: `a${i}`,
        createdAt: `2026-03-01T11:0${i}:00.000Z`,
        workspaceId: ws,
        eventType: 'contacts.create',
        eventAction: 'POST',
        actorType: 'user',
        actorId: 'u-1',
        resourceType: 'contacts',
        resourceId: `r-${i}`,
        metadata: {},
      });
    }
    const readAudit = (limit: number) => (cursor: string | undefined) =>
      audit.list({ workspaceId: ws, limit, ...(cursor ? { cursor } : {}) }).then((p) => ({
        items: p.items,
        cursor: p.nextCursor,
      }));
    expect(await pages(readAudit(2), (e) => e.id)).toEqual([[['a1', 'a0'], false]]);
    expect(await pages(readAudit(1), (e) => e.id)).toEqual([
      [['a1'], true],
      [['a0'], false],
    ]);

    const sink = dynamoSecurityAlerts(db, CORE);
    for (const i of [0, 1]) {
      await sink.raise({
        id: `al${i}`,
        alertType: 'auth_anomaly',
        severity: 'low',
        title: 't',
        metadata: {},
        workspaceId: ws,
        createdAt: `2026-03-01T11:0${i}:00.000Z`,
      });
    }
    const alerts = dynamoAlerts(db, CORE);
    const readAlerts = (limit: number) => (cursor: string | undefined) =>
      alerts.list({ workspaceId: ws, limit, ...(cursor ? { cursor } : {}) }).then((p) => ({
        items: p.items,
        cursor: p.nextCursor,
      }));
    expect(await pages(readAlerts(2), (a) => a.id)).toEqual([[['al1', 'al0'], false]]);
    expect(await pages(readAlerts(1), (a) => a.id)).toEqual([
      [['al1'], true],
      [['al0'], false],
    ]);
  });
});
