/**
 * Review round 13, on the embedded DynamoDB: a recompute keeps its tier crossing on its claim
 * (`SCORED#recompute#v<n>`, written in the state's transaction), so a redelivered page publishes it
 * even after a live interaction rewrote the state; and a recompute's state write is conditional on
 * the stored rules version being no newer than its own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, interactionPk, scoredSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import type { Contact, Interaction } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { type RecomputeMessage, ScoreConflictError } from '../../shared/crm/scoring/ports';
import { putScoringRules, recomputeClaimId, recomputeContact, recomputePage } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { interactionScorer, THRESHOLD_EVENT } from '../../shared/crm/scoring/score-interaction';

const PREFIX = 'scoring-claims-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scoring-claims-'));
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

/** A contact whose fit alone (100, weight .4) makes it lukewarm once recomputed. */
async function putContact(workspaceId: string): Promise<Contact> {
  const contactId = randomUUID();
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId,
    workspaceId,
    email: `${contactId}@example.test`,
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

describe('a recompute crossing on DynamoDB', () => {
  it('is kept on the claim item and published by the redelivered page after a live interaction', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const sent: RecomputeMessage[] = [];
    const queue = { send: async (m: RecomputeMessage) => void sent.push(m) };
    const now = () => new Date();
    await putScoringRules(
      ws,
      { rules: DEFAULT_SCORING_RULES, updatedBy: 'u' },
      { rules: dynamoRulesStore(db, CORE), queue, newId: randomUUID, now },
    );
    const message = sent[0];
    if (!message) throw new Error('no recompute message');
    const published: DomainEvent[] = [];
    let failNext = true;
    const events = {
      async publish(list: readonly DomainEvent[]) {
        if (failNext) {
          failNext = false;
          throw new Error('EventBridge PutEvents throttled');
        }
        published.push(...list);
      },
    };
    const store = dynamoScoreStore(db, CORE);
    const deps = { store, recompute: dynamoRecomputeStore(db, CORE), queue, events, now };

    await expect(recomputePage(message, deps)).rejects.toThrow('throttled');
    const claim = await db.send(
      new GetCommand({
        TableName: CORE,
        Key: { pk: interactionPk(ws, c.contactId), sk: scoredSk(recomputeClaimId(message.version)) },
      }),
    );
    expect(claim.Item).toMatchObject({ crossingFrom: 'cold', crossingTo: 'lukewarm' });
    expect((await store.readState(ws, c.contactId))?.lastCrossing).toBeUndefined();

    // A live interaction before the redelivery (no tier change): the state is rewritten.
    const open: Interaction = {
      interactionId: randomUUID(),
      workspaceId: ws,
      contactId: c.contactId,
      type: 'email_opened',
      occurredAt: new Date().toISOString(),
      metadata: {},
      source: 'test',
    };
    await dynamoInteractions(db, CORE).put(open);
    await interactionScorer({ store, events, now }).applyInteraction({ ...c, score: 40, tier: 'lukewarm' }, open);
    const live = await store.readState(ws, c.contactId);
    expect(live).toMatchObject({ tier: 'lukewarm', version: 2 });

    expect(await recomputePage(message, deps)).toBe('completed');
    const crossings = published.filter((e) => e.type === THRESHOLD_EVENT).map((e) => e.detail);
    expect(crossings).toEqual([
      expect.objectContaining({
        contactId: c.contactId,
        fromTier: 'cold',
        toTier: 'lukewarm',
        eventId: `tier-${c.contactId}-lukewarm-${new Date(String(claim.Item?.crossingAt)).getTime()}`,
      }),
    ]);
    // The redelivery changed nothing: the live interaction's state stays.
    expect(await store.readState(ws, c.contactId)).toEqual(live);
  });
});

describe('a recompute of superseded rules on DynamoDB', () => {
  it('leaves a state written under newer rules alone, and its write is refused if one lands meanwhile', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const store = dynamoScoreStore(db, CORE);
    const events = { published: [] as DomainEvent[], publish: async () => {} };
    const now = () => new Date();
    const deps = { store, recompute: dynamoRecomputeStore(db, CORE), queue: { send: async () => {} }, events, now };
    const v3Rules = {
      ...DEFAULT_SCORING_RULES,
      profileRules: DEFAULT_SCORING_RULES.profileRules.filter((r) => r.field !== 'company'),
    };
    await recomputeContact(c, { version: 3, rules: v3Rules }, deps);
    const v3 = await store.readState(ws, c.contactId);
    expect(v3).toMatchObject({ rulesVersion: 3, version: 1 });

    // A v2 page reaching the contact afterwards: nothing written.
    await recomputeContact(c, { version: 2, rules: DEFAULT_SCORING_RULES }, deps);
    expect(await store.readState(ws, c.contactId)).toEqual(v3);

    // The store's condition: a v2 state over the v3 one, at the version read, is a conflict.
    if (!v3) throw new Error('no state');
    await expect(
      store.commit({
        workspaceId: ws,
        contactId: c.contactId,
        expectedVersion: v3.version,
        maxRulesVersion: 2,
        state: { ...v3, version: v3.version + 1, rulesVersion: 2 },
        entries: [],
      }),
    ).rejects.toBeInstanceOf(ScoreConflictError);
    expect(await store.readState(ws, c.contactId)).toEqual(v3);
  });
});
