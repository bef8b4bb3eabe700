/**
 * Campaign actions' storage against the embedded DynamoDB: a score adjustment keyed by a step
 * key (with its `#`s) is claimed in the score's own transaction, so replays, sequential or
 * racing, adjust once; the signing secret is made once whoever races, and a rotation replaces it.
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
import { dynamoCampaignSigningSecrets } from '../../shared/adapters/dynamo-campaign-signing-secrets';
import { dynamoScoreReader } from '../../shared/adapters/dynamo-score-reader';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import { signingSecretOf } from '../../shared/campaigns/signing-secret';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { adjustScore } from '../../shared/crm/scoring/adjust-score';

const PREFIX = 'actions-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'actions-'));
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

async function putContact(workspaceId: string): Promise<Contact> {
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId: randomUUID(),
    workspaceId,
    email: `${randomUUID()}@example.test`,
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  };
  const item = { pk: workspacePk(workspaceId), sk: contactSk(contact.contactId), ...contact };
  await db.send(
    new PutCommand({ TableName: CORE, Item: { ...item, ...tierGsi2(workspaceId, 'cold', 0, contact.contactId) } }),
  );
  return contact;
}

describe('campaign actions on DynamoDB', () => {
  it('adjusts a score once per step key, however often and however concurrently it is replayed', async () => {
    const ws = `ws-${randomUUID()}`;
    const contact = await putContact(ws);
    const published: DomainEvent[] = [];
    const deps = {
      store: dynamoScoreStore(db, CORE),
      events: { publish: async (e: readonly DomainEvent[]) => void published.push(...e) },
      now: () => new Date(),
    };
    const key = `campaign#camp-1#${contact.contactId}#1#bump#2`;
    const adjustment = {
      adjustmentId: key,
      points: 100,
      reason: 'campaign camp-1 node bump: +100',
      campaignId: 'camp-1',
      nodeId: 'bump',
    };

    const first = await adjustScore(contact, adjustment, deps);
    expect(first).toMatchObject({ score: 60, tier: 'warm', previousTier: 'cold' });
    const replays = await Promise.all([1, 2, 3].map(() => adjustScore(contact, adjustment, deps)));
    expect(replays.every((r) => r.score === 60 && r.previousScore === 60)).toBe(true);

    const ledger = await dynamoScoreReader(db, CORE).ledger(ws, contact.contactId, 50);
    expect(ledger.items.filter((e) => e.campaignId === 'camp-1')).toEqual([
      expect.objectContaining({ nodeId: 'bump', points: 100, scoreBefore: 0, scoreAfter: 60 }),
    ]);
    expect((await dynamoScoreReader(db, CORE).contact(ws, contact.contactId))?.tier).toBe('warm');
    // One crossing, however often replayed: a replay publishes it again under the same event id
    // (so a publish that failed after the commit is not lost), which every consumer dedupes.
    expect(new Set(published.map((e) => e.type))).toEqual(new Set(['contact.score_threshold_crossed']));
    expect(new Set(published.map((e) => e.detail.eventId))).toEqual(new Set([expect.stringMatching(/^tier-.*-warm-/)]));
  });

  it('makes one signing secret per campaign whoever races, and a rotation replaces it', async () => {
    const ws = `ws-${randomUUID()}`;
    const secrets = dynamoCampaignSigningSecrets(db, CORE);
    const deps = { secrets, now: () => new Date() };
    const made = await Promise.all([1, 2, 3, 4].map(() => signingSecretOf(ws, 'camp-1', deps)));
    expect(new Set(made).size).toBe(1);
    expect(await secrets.get(ws, 'camp-1')).toBe(made[0]);

    expect(await secrets.put(ws, 'camp-1', 'whsec_rotated', new Date().toISOString(), false)).toBe(true);
    expect(await signingSecretOf(ws, 'camp-1', deps)).toBe('whsec_rotated');
    expect(await secrets.get(ws, 'camp-2')).toBeUndefined();
  });
});
