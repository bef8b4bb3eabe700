/**
 * Review round 11: this test failed at eab1d13 (an interaction no rule scores, recorded twice under
 * one interaction id with two `occurredAt`, was stored twice: the timeline showed it twice).
 *
 * The interaction item is keyed `INTERACTION#<occurredAt>#<id>` and written with
 * `attribute_not_exists(pk)`, so only the same id at the same time is refused. A scored interaction
 * is saved from it by its claim (`SCORED#<id>`, read first). An interaction no rule scores is claimed
 * too when its id is a client's own (`claimId`: the API's `interactionId`, which may come again under
 * another idempotency key or time); callers whose id fixes the time (a provider event's id and stamp)
 * leave the claim off and save its write.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import type { Contact, Interaction } from '../../shared/crm/model';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';

const PREFIX = 'scoring-ids-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scoring-ids-'));
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

/** A contact without fit fields: an interaction no rule scores changes nothing in its score. */
async function putContact(workspaceId: string): Promise<Contact> {
  const contactId = randomUUID();
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId,
    workspaceId,
    email: `${contactId}@example.test`,
    customFields: {},
    status: 'lead',
    tags: [],
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  };
  const item = { pk: workspacePk(workspaceId), sk: contactSk(contactId), ...contact };
  await db.send(new PutCommand({ TableName: CORE, Item: { ...item, ...tierGsi2(workspaceId, 'cold', 0, contactId) } }));
  return contact;
}

const recordedTwice = async (type: Interaction['type'], options?: { claimId?: boolean }) => {
  const ws = `ws-${randomUUID()}`;
  const c = await putContact(ws);
  const scorer = interactionScorer({
    store: dynamoScoreStore(db, CORE),
    events: { publish: async () => {} },
    now: () => new Date(),
  });
  const first: Interaction = {
    interactionId: `reused-${randomUUID()}`,
    workspaceId: ws,
    contactId: c.contactId,
    type,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    metadata: {},
    source: 'test',
  };
  await scorer.recordAndScore(first, undefined, options);
  // The same interaction id again, at another time (a client reusing its id, a provider event re-sent with a new timestamp).
  await scorer.recordAndScore({ ...first, occurredAt: new Date().toISOString() }, undefined, options);
  const timeline = await dynamoInteractions(db, CORE).timeline(ws, c.contactId, { limit: 50 });
  return timeline.interactions.map((i) => i.interactionId);
};

describe('an interaction id recorded again with another occurredAt', () => {
  it('is stored once when a rule scores it: its claim stops the second', async () => {
    expect(await recordedTwice('meeting')).toHaveLength(1);
  });

  it("is stored once when no rule scores it and its id is claimed (a client's own id)", async () => {
    expect(await recordedTwice('email_sent', { claimId: true })).toHaveLength(1);
  });
});
