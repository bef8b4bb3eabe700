/**
 * Review round 11: this test failed at eab1d13 (the instance that saved new scoring rules read a
 * contact's score under the old ones for up to 60 s: `dynamoScoreStore` kept them in its cache).
 *
 * The DynamoDB score store caches the rules per instance; saving rules (`putScoringRules`) in this
 * instance makes its next read go to the table.
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
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreReader } from '../../shared/adapters/dynamo-score-reader';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import type { Contact } from '../../shared/crm/model';
import type { RecomputeMessage } from '../../shared/crm/scoring/ports';
import { getContactScore } from '../../shared/crm/scoring/read-score';
import { putScoringRules } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';

const PREFIX = 'scoring-cache-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scoring-cache-'));
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

describe('the rules cache of the instance that saves the rules', () => {
  it('reads a score under the saved rules at once, not after the cache expires', async () => {
    const ws = `ws-${randomUUID()}`;
    const contactId = randomUUID();
    const at = new Date().toISOString();
    const contact: Contact = {
      contactId,
      workspaceId: ws,
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
    const item = { pk: workspacePk(ws), sk: contactSk(contactId), ...contact, ...tierGsi2(ws, 'cold', 0, contactId) };
    await db.send(new PutCommand({ TableName: CORE, Item: item }));
    // The scoring function's wiring: one score store (rules cached) and the rules store, per instance.
    const store = dynamoScoreStore(db, CORE);
    const deps = { reader: dynamoScoreReader(db, CORE), store, now: () => new Date() };
    // Fit 100 at the default weight .4.
    expect((await getContactScore(ws, contactId, { limit: 10 }, deps)).score).toBe(40);

    const sent: RecomputeMessage[] = [];
    const fitOnly = { ...DEFAULT_SCORING_RULES, weights: { engagement: 0, fit: 1 } };
    await putScoringRules(
      ws,
      { rules: fitOnly, updatedBy: 'u' },
      {
        rules: dynamoRulesStore(db, CORE),
        queue: { send: async (m) => void sent.push(m) },
        newId: randomUUID,
        now: () => new Date(),
      },
    );
    expect(sent).toHaveLength(1);
    expect((await getContactScore(ws, contactId, { limit: 10 }, deps)).score).toBe(100);
  });
});
