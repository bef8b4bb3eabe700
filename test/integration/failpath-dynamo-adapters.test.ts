// Review round 16: this test failed at 5bc3520 (the adapters below did not exist or wrote apart).
// The DynamoDB side of the campaign engine's failure-path fixes, on the local emulator:
// - an automatic promotion's audit entry is written in the campaign's own transaction (both or neither);
// - a webhook effect's attempts are counted in one item every copy of the step adds to;
// - a claimed contact effect can be asked for (a step run again at the tag / field limit is done);
// - the sweep moves a re-sent step's due-index entry to the back of its shard, due time kept.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import {
  dueEnrolments,
  dueShardOf,
  dynamoEnrolmentStates,
  moveDueToBack,
} from '../../shared/adapters/dynamo-enrolments';
import { dynamoWebhookAttempts } from '../../shared/adapters/dynamo-webhook-attempts';
import { auditPk } from '../../shared/adapters/keys';
import type { Campaign } from '../../shared/campaigns/campaign';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { journey } from '../../shared/campaigns/journey';
import { newAuditRecord } from '../../shared/identity/audit';

const PREFIX = 'r16fp-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r16fp-'));
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

const auditEntries = async (workspaceId: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(workspaceId) },
      }),
    )
  ).Items ?? [];

const campaignOf = (workspaceId: string): Campaign => ({
  workspaceId,
  campaignId: 'cmp1',
  name: 'A/B',
  status: 'active',
  journey: journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  }),
  rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
  revision: 1,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  createdBy: 'u1',
});

const entryOf = (workspaceId: string) =>
  newAuditRecord({
    workspaceId,
    eventType: 'campaigns.promote',
    eventAction: 'AUTO',
    actorType: 'system',
    actorId: 'campaign-engine',
    resourceType: 'campaigns',
    resourceId: 'cmp1',
  });

describe('a campaign change with its audit entries', () => {
  it('writes both in one transaction, and neither when the entry cannot be written', async () => {
    const ws = `ws-${Date.now()}-a`;
    const store = dynamoCampaignStore(db, CORE, { auditTable: AUDIT });
    await store.create(campaignOf(ws));
    const promoted = { ...campaignOf(ws), revision: 2, promotions: { ab: { arm: 'b', by: 'auto', at: 'x' } } };
    expect(await store.replace(promoted, { audit: [entryOf(ws)] })).toBe(true);
    expect((await store.get(ws, 'cmp1'))?.revision).toBe(2);
    expect(await auditEntries(ws)).toHaveLength(1);

    // A lost race: nothing written, no entry either.
    expect(await store.replace({ ...promoted, revision: 2 }, { audit: [entryOf(ws)] })).toBe(false);
    expect(await auditEntries(ws)).toHaveLength(1);

    // The audit table refusing the entry (here: absent): the promotion is not written either.
    const broken = dynamoCampaignStore(db, CORE, { auditTable: `${PREFIX}no-such-table` });
    await expect(broken.replace({ ...promoted, revision: 3 }, { audit: [entryOf(ws)] })).rejects.toThrow();
    expect((await store.get(ws, 'cmp1'))?.revision).toBe(2);
    // A store with no audit table refuses an audited change rather than drop the entry.
    await expect(
      dynamoCampaignStore(db, CORE).replace({ ...promoted, revision: 3 }, { audit: [entryOf(ws)] }),
    ).rejects.toThrow(/audit/);
    expect((await store.get(ws, 'cmp1'))?.revision).toBe(2);
  });
});

describe('webhook attempts', () => {
  it('counts every attempt of one key in one item, keys apart', async () => {
    const attempts = dynamoWebhookAttempts(db, CORE);
    const ws = `ws-${Date.now()}-w`;
    const counted = (attempt: number) => ({ kind: 'counted', attempt });
    expect(await attempts.begin(ws, 'campaign#c#k#1#hook#3#0')).toEqual(counted(1));
    expect(await attempts.begin(ws, 'campaign#c#k#1#hook#3#0')).toEqual(counted(2));
    expect(await attempts.begin(ws, 'campaign#c#k#1#hook#3#1')).toEqual(counted(1));
    expect(await attempts.begin(ws, 'campaign#c#k#1#hook#3#0')).toEqual(counted(3));
  });
});

describe('contact effect claims', () => {
  it('answers whether a change under a key was made', async () => {
    const contacts = dynamoContacts(db, CORE);
    const ws = `ws-${Date.now()}-c`;
    const contact = {
      contactId: 'c1',
      workspaceId: ws,
      email: 'c1@example.com',
      status: 'lead' as const,
      tags: [],
      customFields: {},
      score: 0,
      tier: 'cold' as const,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    await contacts.create(contact);
    expect(await contacts.effectClaimed(ws, 'c1', 'campaign#k#1')).toBe(false);
    await contacts.update(
      contact,
      { tags: ['trial'], updatedAt: '2026-01-02T00:00:00Z' },
      { effectKey: 'campaign#k#1' },
    );
    expect(await contacts.effectClaimed(ws, 'c1', 'campaign#k#1')).toBe(true);
    expect(await contacts.effectClaimed(ws, 'c1', 'campaign#k#2')).toBe(false);
  });
});

describe('the sweep moving a re-sent entry back', () => {
  it('moves its index entry past the others, keeps its due time, and leaves a moved-on enrolment alone', async () => {
    const enrolments = dynamoEnrolmentStates(db, CORE);
    const ws = `ws-${Date.now()}-s`;
    const waiting = (contactId: string, dueAt: string): EnrolmentState => ({
      workspaceId: ws,
      campaignId: 'cmp-sweep',
      contactId,
      run: 1,
      version: 1,
      node: 'wait',
      step: 3,
      status: 'waiting',
      enteredAt: '2026-12-01T00:00:00Z',
      dueAt,
      launchId: 'l1',
      emails: {},
      arms: {},
    });
    // Two contacts of one shard: find them by the shard function.
    const ids: string[] = [];
    for (let i = 0; ids.length < 3; i += 1)
      if (dueShardOf({ campaignId: 'cmp-sweep', contactId: `k${i}` }) === 0) ids.push(`k${i}`);
    const [a, b, c] = ids as [string, string, string];
    await enrolments.save(waiting(a, '2026-12-01T01:00:00.000Z'), undefined, {});
    await enrolments.save(waiting(b, '2026-12-01T02:00:00.000Z'), undefined, {});
    await enrolments.save(waiting(c, '2026-12-01T03:00:00.000Z'), undefined, {});
    const ours = async (before: string) =>
      (await dueEnrolments(db, CORE, 0, new Date(before), 100)).enrolments
        .filter((e) => e.workspaceId === ws)
        .map((e) => e.contactId);
    expect(await ours('2026-12-02T00:00:00Z')).toEqual([a, b, c]);

    // c moved on meanwhile (a save at a later step): the move of its stale read does nothing.
    await enrolments.save({ ...waiting(c, '2026-12-01T03:00:00.000Z'), step: 4 }, 3, {});
    const at = new Date('2026-12-01T12:00:00.000Z');
    await moveDueToBack(db, CORE, [waiting(a, '2026-12-01T01:00:00.000Z'), waiting(c, '2026-12-01T03:00:00.000Z')], at);

    expect(await ours('2026-12-01T11:00:00Z')).toEqual([b, c]);
    expect(await ours('2026-12-02T00:00:00Z')).toEqual([b, c, a]);
    // Its due time is kept (a time-of-day wait reads it back as its target).
    expect((await enrolments.get(ws, 'cmp-sweep', a))?.dueAt).toBe('2026-12-01T01:00:00.000Z');
    // Its next save writes its entry anew from its due time.
    await enrolments.save({ ...waiting(a, '2026-12-01T01:30:00.000Z'), step: 4 }, 3, {});
    expect(await ours('2026-12-02T00:00:00Z')).toEqual([a, b, c]);
  });
});
