/**
 * The DynamoDB scorer against the embedded DynamoDB: one transaction per interaction
 * (ledger, state, the contact's score/tier/gsi2), idempotency, concurrent updates, the
 * ledger read newest first, hot leads from gsi2, rule versions and a recompute job.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreReader } from '../../shared/adapters/dynamo-score-reader';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import type { Contact, Interaction } from '../../shared/crm/model';
import type { DomainEvent, DomainEventPublisher, InteractionScorer } from '../../shared/crm/ports';
import { type RecomputeMessage, ScoreConflictError } from '../../shared/crm/scoring/ports';
import { getContactScore, listHotLeads } from '../../shared/crm/scoring/read-score';
import { getScoringRules, putScoringRules, recomputePage } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { emptyScoreState } from '../../shared/crm/scoring/score-state';
import { auditInWrite } from '../../shared/identity/audit';

const PREFIX = 'scoring-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scoring-'));
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

const now = () => new Date();
const events = () => {
  const published: DomainEvent[] = [];
  return { published, publish: async (e: readonly DomainEvent[]) => void published.push(...e) };
};

async function putContact(workspaceId: string, extra: Partial<Contact> = {}): Promise<Contact> {
  const contactId = randomUUID();
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId,
    workspaceId,
    email: `${contactId}@example.test`,
    firstName: 'Ada',
    jobTitle: 'CEO',
    company: 'Acme',
    phone: '+15550100',
    customFields: { companySize: 300 },
    status: 'lead',
    tags: [],
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(workspaceId),
        sk: contactSk(contactId),
        ...contact,
        ...tierGsi2(workspaceId, 'cold', 0, contactId),
      },
    }),
  );
  return contact;
}

const interaction = (c: Contact, type: Interaction['type'], id = randomUUID()): Interaction => ({
  interactionId: id,
  workspaceId: c.workspaceId,
  contactId: c.contactId,
  type,
  occurredAt: new Date().toISOString(),
  metadata: {},
  source: 'test',
});

/** The scorer the contacts function wires: the use case over the DynamoDB score store. */
const dynamoScorer = (events: DomainEventPublisher) =>
  interactionScorer({ store: dynamoScoreStore(db, CORE), events, now: () => new Date() });

describe('the score store and a contact deleted meanwhile', () => {
  it('refuses to put a contact deleted since the read back on the tier index (a conflict to re-read)', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const store = dynamoScoreStore(db, CORE);
    // Deleted after the scorer read it live: the delete takes the contact off the tier index.
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: workspacePk(ws), sk: contactSk(c.contactId), ...c, deletedAt: new Date().toISOString() },
      }),
    );
    const state = {
      ...emptyScoreState(new Date(), DEFAULT_SCORING_RULES),
      version: 1,
      score: 80,
      tier: 'hot' as const,
    };
    await expect(
      store.commit({ workspaceId: ws, contactId: c.contactId, expectedVersion: 0, state, entries: [] }),
    ).rejects.toBeInstanceOf(ScoreConflictError);
    // The retry reads it deleted: the score is kept, the index left alone.
    await store.commit({
      workspaceId: ws,
      contactId: c.contactId,
      expectedVersion: 0,
      state,
      entries: [],
      contactDeleted: true,
    });
    const item = (
      await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(ws), sk: contactSk(c.contactId) } }))
    ).Item;
    expect(item).toMatchObject({ score: 80, tier: 'hot' });
    expect(item?.gsi2pk).toBeUndefined();
  });
});

describe('interactionScorer over DynamoDB', () => {
  it('writes ledger, state and the contact in one transaction; a redelivery changes nothing', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const bus = events();
    const scorer = dynamoScorer(bus);
    const click = interaction(c, 'email_clicked');
    const first = await scorer.applyInteraction(c, click);
    expect(first).toEqual({ score: 46, tier: 'lukewarm', previousScore: 0, previousTier: 'cold' });
    expect(await scorer.applyInteraction(c, click)).toMatchObject({ score: 46, previousScore: 46 });

    const item = (
      await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(ws), sk: contactSk(c.contactId) } }))
    ).Item;
    expect(item).toMatchObject({ score: 46, tier: 'lukewarm', ...tierGsi2(ws, 'lukewarm', 46, c.contactId) });
    const view = await getContactScore(
      ws,
      c.contactId,
      { limit: 50 },
      { reader: dynamoScoreReader(db, CORE), store: dynamoScoreStore(db, CORE), now },
    );
    expect(view).toMatchObject({ score: 46, tier: 'lukewarm', model: 'rules', groups: { engagement: 10, fit: 100 } });
    expect(view.ledger.map((e) => e.ruleId).sort()).toEqual(['email-clicked', 'profile']);
    // The redelivery publishes the crossing its claim keeps again (a publish that failed after the
    // commit is not lost), with the same event id: consumers dedupe, so it is one crossing.
    expect(bus.published).toHaveLength(2);
    expect(new Set(bus.published.map((e) => e.detail.eventId)).size).toBe(1);
    expect(bus.published[1]?.detail).toMatchObject({ fromTier: 'cold', toTier: 'lukewarm', score: 46 });
  });

  it('serialises concurrent interactions by version: every one counts once', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws, { jobTitle: undefined, company: undefined, phone: undefined, customFields: {} });
    const scorer = dynamoScorer(events());
    await Promise.all(Array.from({ length: 4 }, () => scorer.applyInteraction(c, interaction(c, 'call'))));
    const state = await dynamoScoreStore(db, CORE).readState(ws, c.contactId);
    expect(state?.engagementRaw).toBeCloseTo(40, 1);
    expect(state?.version).toBe(4);
  });

  describe('recording and scoring in one read and one write', () => {
    /** The calls `fn` sends, by command name. */
    async function callsOf<T>(fn: () => Promise<T>): Promise<{ value: T; calls: string[] }> {
      const calls: string[] = [];
      const name = `calls-${randomUUID()}`;
      raw.middlewareStack.add(
        (next, context) => async (args) => {
          calls.push(String(context.commandName).replace(/Command$/, ''));
          return next(args);
        },
        { step: 'initialize', name },
      );
      try {
        return { value: await fn(), calls };
      } finally {
        raw.middlewareStack.remove(name);
      }
    }
    const recordWith = (scorer: InteractionScorer, i: Interaction) => scorer.recordAndScore(i);
    const timelineOf = (c: Contact) => dynamoInteractions(db, CORE).timeline(c.workspaceId, c.contactId, { limit: 50 });
    const contactItem = async (c: Contact) =>
      (
        await db.send(
          new GetCommand({ TableName: CORE, Key: { pk: workspacePk(c.workspaceId), sk: contactSk(c.contactId) } }),
        )
      ).Item;

    it('stores the interaction with its score: one BatchGetItem, one TransactWriteItems; a replay writes nothing', async () => {
      const ws = `ws-${randomUUID()}`;
      const c = await putContact(ws);
      // The rules are read once per instance and kept: read them before counting.
      const store = dynamoScoreStore(db, CORE);
      await store.readRules(ws);
      const scorer = interactionScorer({ store, events: events(), now: () => new Date() });
      const click = interaction(c, 'email_clicked');
      const first = await callsOf(() => recordWith(scorer, click));
      expect(first.calls).toEqual(['BatchGetItem', 'TransactWriteItems']);
      expect(first.value).toMatchObject({ previousScore: 0 });
      expect(first.value?.score).toBeGreaterThan(0);
      const again = await callsOf(() => recordWith(scorer, click));
      expect(again.calls).toEqual(['BatchGetItem']);
      expect(again.value).toMatchObject({ score: first.value?.score, previousScore: first.value?.score });
      expect((await timelineOf(c)).interactions.map((i) => i.interactionId)).toEqual([click.interactionId]);
      expect(await contactItem(c)).toMatchObject({ lastInteractionAt: click.occurredAt, score: first.value?.score });
    });

    it('writes the request’s audit entry in the interaction’s transaction; a replay writes none', async () => {
      const ws = `ws-${randomUUID()}`;
      const c = await putContact(ws);
      const store = dynamoScoreStore(db, CORE, { auditTable: AUDIT });
      await store.readRules(ws);
      const scorer = interactionScorer({ store, events: events(), now: () => new Date() });
      const entryFor = (i: Interaction) => ({
        workspaceId: ws,
        eventType: 'interactions.create',
        eventAction: 'POST',
        actorType: 'user' as const,
        actorId: 'u-1',
        resourceType: 'contact',
        resourceId: c.contactId,
        metadata: { interactionId: i.interactionId },
      });
      const auditRows = async () =>
        (
          await db.send(
            new QueryCommand({
              TableName: AUDIT,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': workspacePk(ws) },
            }),
          )
        ).Items ?? [];
      // Scored, and (an email_sent no rule scores) a lone PutItem that becomes a transaction with its entry.
      for (const type of ['email_clicked', 'email_sent'] as const) {
        const i = interaction(c, type);
        const slot = auditInWrite(entryFor);
        const first = await callsOf(() => scorer.recordAndScore(i, slot));
        expect(first.calls).toEqual(['BatchGetItem', 'TransactWriteItems']);
        expect(slot.written).toBe(true);
        const replayed = auditInWrite(entryFor);
        await scorer.recordAndScore(i, replayed);
        expect(replayed.written).toBe(false);
      }
      const rows = await auditRows();
      expect(rows.map((r) => r.metadata?.interactionId).sort()).toEqual(
        (await timelineOf(c)).interactions.map((i) => i.interactionId).sort(),
      );
      // All or nothing: an interaction for a contact that is gone writes no entry either.
      const ghost = { ...interaction(c, 'email_clicked'), contactId: `gone-${randomUUID()}` };
      const slot = auditInWrite(entryFor);
      await expect(scorer.recordAndScore(ghost, slot)).rejects.toMatchObject({ code: 'CONTACT_NOT_FOUND' });
      expect(slot.written).toBe(false);
      expect(await auditRows()).toHaveLength(2);
      // A store without the audit table leaves the entry to the edge.
      const bare = interactionScorer({ store: dynamoScoreStore(db, CORE), events: events(), now: () => new Date() });
      const unaudited = auditInWrite(entryFor);
      await bare.recordAndScore(interaction(c, 'email_opened'), unaudited);
      expect(unaudited.written).toBe(false);
      expect(await auditRows()).toHaveLength(2);
    });

    // Review round 18: one transaction, not a PutItem: the interaction is stored only with a check
    // that the contact is live (a delete after the read refuses it).
    it('an interaction no rule scores is one write, stored once, and never moves the last interaction back', async () => {
      const ws = `ws-${randomUUID()}`;
      // No fit fields either: nothing in the score changes.
      const c = await putContact(ws, { jobTitle: undefined, company: undefined, phone: undefined, customFields: {} });
      const store = dynamoScoreStore(db, CORE);
      await store.readRules(ws);
      const scorer = interactionScorer({ store, events: events(), now: () => new Date() });
      const later = interaction(c, 'email_sent');
      await recordWith(scorer, later);
      const earlier = { ...interaction(c, 'email_sent'), occurredAt: new Date(Date.now() - 60_000).toISOString() };
      const old = await callsOf(() => recordWith(scorer, earlier));
      expect(old.calls).toEqual(['BatchGetItem', 'TransactWriteItems']);
      const replay = await callsOf(() => recordWith(scorer, earlier));
      expect(replay.calls.filter((c) => c !== 'BatchGetItem' && c !== 'TransactWriteItems')).toEqual([]);
      expect((await timelineOf(c)).interactions).toHaveLength(2);
      expect(await contactItem(c)).toMatchObject({ lastInteractionAt: later.occurredAt, score: 0 });
    });

    it('refuses a deleted contact and stores nothing', async () => {
      const ws = `ws-${randomUUID()}`;
      const c = await putContact(ws, { deletedAt: new Date().toISOString() });
      await expect(recordWith(dynamoScorer(events()), interaction(c, 'meeting'))).rejects.toMatchObject({
        status: 404,
      });
      const missing = { ...c, contactId: randomUUID() };
      await expect(recordWith(dynamoScorer(events()), interaction(missing, 'meeting'))).rejects.toMatchObject({
        status: 404,
      });
      expect((await timelineOf(c)).interactions).toEqual([]);
    });

    it('concurrent interactions each count once, and the latest time wins', async () => {
      const ws = `ws-${randomUUID()}`;
      const c = await putContact(ws, { jobTitle: undefined, company: undefined, phone: undefined, customFields: {} });
      const scorer = dynamoScorer(events());
      const base = Date.now();
      const calls = Array.from({ length: 4 }, (_, i) => ({
        ...interaction(c, 'call'),
        occurredAt: new Date(base - i * 1000).toISOString(),
      }));
      await Promise.all(calls.map((i) => recordWith(scorer, i)));
      const state = await dynamoScoreStore(db, CORE).readState(ws, c.contactId);
      expect(state?.engagementRaw).toBeCloseTo(40, 0);
      expect(state?.version).toBe(4);
      expect((await timelineOf(c)).interactions).toHaveLength(4);
      expect(await contactItem(c)).toMatchObject({ lastInteractionAt: calls[0]?.occurredAt });
    });
  });

  it('lists hot leads best first, pages with a cursor, and skips deleted contacts', async () => {
    const ws = `ws-${randomUUID()}`;
    const bus = events();
    const scorer = dynamoScorer(bus);
    const meetings = [3, 4, 5];
    const contacts: Contact[] = [];
    for (const count of meetings) {
      const c = await putContact(ws);
      contacts.push(c);
      for (let i = 0; i < count; i++) await scorer.applyInteraction(c, interaction(c, 'meeting'));
    }
    const deleted = await putContact(ws, { deletedAt: new Date().toISOString() });
    for (let i = 0; i < 5; i++) await scorer.applyInteraction(deleted, interaction(deleted, 'meeting'));
    const reader = dynamoScoreReader(db, CORE);
    const first = await listHotLeads(ws, { limit: 2 }, reader);
    expect(first.contacts.map((h) => h.score)).toEqual([100, 100]);
    expect(first.nextCursor).toBeDefined();
    const second = await listHotLeads(
      ws,
      { limit: 2, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) },
      reader,
    );
    expect(second.contacts.map((h) => [h.contactId, h.score])).toEqual([[contacts[0]?.contactId, 85]]);
    expect([...first.contacts, ...second.contacts].some((h) => h.contactId === deleted.contactId)).toBe(false);
    const crossings = bus.published.filter((e) => e.detail.toTier === 'hot');
    // The deleted contact's score moved in silence: nothing of a deleted contact is published (review round 24).
    expect(crossings).toHaveLength(3);
    expect(crossings.some((e) => e.detail.contactId === deleted.contactId)).toBe(false);
    await expect(listHotLeads(ws, { limit: 2, cursor: 'nonsense' }, reader)).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('saves rule versions and recomputes the workspace page by page', async () => {
    const ws = `ws-${randomUUID()}`;
    const scorer = dynamoScorer(events());
    const cs = [await putContact(ws), await putContact(ws), await putContact(ws, { jobTitle: 'Intern' })];
    for (const c of cs) await scorer.applyInteraction(c, interaction(c, 'meeting'));
    const store = dynamoScoreStore(db, CORE);
    const rules = dynamoRulesStore(db, CORE);
    const sent: RecomputeMessage[] = [];
    const queue = { send: async (m: RecomputeMessage) => void sent.push(m) };
    const doubled = {
      ...DEFAULT_SCORING_RULES,
      interactionRules: DEFAULT_SCORING_RULES.interactionRules.map((r) =>
        r.type === 'meeting' ? { ...r, points: 50 } : r,
      ),
    };
    const out = await putScoringRules(ws, { rules: doubled, updatedBy: 'u' }, { rules, queue, newId: randomUUID, now });
    expect(out.version).toBe(1);
    await expect(
      putScoringRules(
        ws,
        { rules: doubled, updatedBy: 'u', expectedVersion: 0 },
        { rules, queue, newId: randomUUID, now },
      ),
    ).rejects.toMatchObject({ status: 409 });

    // The contacts function wrote interaction items; the worker replays them.
    const bus = events();
    const deps = { store, recompute: dynamoRecomputeStore(db, CORE), queue, events: bus, now, pageSize: 2 };
    const history = dynamoInteractions(db, CORE);
    for (const c of cs) await history.put(interaction(c, 'meeting'));
    let message = sent[0];
    const outcomes: string[] = [];
    while (message) {
      outcomes.push(await recomputePage(message, deps));
      const next = sent.at(-1);
      message = next && next.page > message.page ? next : undefined;
    }
    expect(outcomes).toEqual(['page', 'completed']);
    const view = await getScoringRules(ws, { store, rules });
    expect(view).toMatchObject({
      version: 1,
      recompute: { jobId: out.recompute.jobId, status: 'completed', pages: 2, contacts: 3 },
    });
    const state = await store.readState(ws, cs[0]?.contactId ?? '');
    expect(state).toMatchObject({ rulesVersion: 1, score: 70, tier: 'warm' });
    expect(bus.published.map((e) => e.detail.toTier).sort()).toEqual(['lukewarm', 'warm', 'warm']);
  });
});
