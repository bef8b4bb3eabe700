// Review round 24 (e), the class: a campaign change carries at most MAX_AUDIT_PER_CHANGE audit
// entries, which fit one transaction with the record and its widest trigger wiring; the store refuses
// more up front (nothing written) rather than sending a transaction DynamoDB refuses; the engine's
// automatic promotions go in writes of that many, and a write that fails half-way is finished by the
// next try without promoting or auditing any node twice.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAX_TRANSACTION_ITEMS } from '../../shared/adapters/dynamo/transact';
import { dynamoCampaignStore, MAX_WIRING_ITEMS } from '../../shared/adapters/dynamo-campaigns';
import { auditPk } from '../../shared/adapters/keys';
import type { Campaign, CampaignStore } from '../../shared/campaigns/campaign';
import type { CampaignRules, PublishedVersion } from '../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../shared/campaigns/journey';
import { MAX_AUDIT_PER_CHANGE } from '../../shared/campaigns/ports';
import { autoPromoter, autoPromotionAudit } from '../../shared/campaigns/promotion';
import { newAuditRecord } from '../../shared/identity/audit';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
let AUDIT: string;
dynamoForFile('r24e-batches-', (h) => {
  db = h.db;
  CORE = h.table('core');
  AUDIT = h.table('audit');
});

const RULES = { timeZone: 'UTC', reentry: { mode: 'never' } } as CampaignRules;

function splitsJourney(splits: number) {
  const id = (i: number) => (i < splits ? `ab${i}` : 'done');
  return journeySchema.parse({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'ab0' },
      ...Array.from({ length: splits }, (_, i) => ({
        id: `ab${i}`,
        kind: 'split',
        arms: [
          { id: 'a', percent: 50, next: id(i + 1) },
          { id: 'b', percent: 50, next: id(i + 1) },
        ],
        promote: { metric: 'converted' },
      })),
      { id: 'done', kind: 'exit' },
    ],
  });
}

/** An active campaign at revision 2, its version 1 published. */
async function activeCampaign(store: CampaignStore, splits: number) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const campaignId = `cmp-${randomUUID().slice(0, 8)}`;
  const journey = splitsJourney(splits);
  const draft: Campaign = {
    workspaceId,
    campaignId,
    name: 'Splits',
    status: 'draft',
    journey,
    rules: RULES,
    revision: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'u1',
  };
  await store.create(draft);
  const frozen: PublishedVersion = { workspaceId, campaignId, version: 1, journey, rules: RULES };
  const active: Campaign = { ...draft, status: 'active', publishedVersion: 1, revision: 2 };
  expect(await store.publish(active, frozen)).toBe(true);
  return active;
}

async function auditEntries(workspaceId: string): Promise<Record<string, unknown>[]> {
  const entries: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(workspaceId) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    entries.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return entries;
}

const entriesFor = (c: Campaign, n: number) =>
  Array.from({ length: n }, (_, i) =>
    newAuditRecord(
      autoPromotionAudit({
        workspaceId: c.workspaceId,
        campaignId: c.campaignId,
        node: `ab${i}`,
        promotion: { arm: 'b', by: 'auto', at: '2026-12-05T10:00:00.000Z' },
        revision: c.revision + 1,
      }),
      new Date(),
    ),
  );

describe('a campaign change with audit entries', () => {
  it('fits one transaction with the record and its widest trigger wiring', () => {
    expect(1 + MAX_WIRING_ITEMS + MAX_AUDIT_PER_CHANGE).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
  });

  it('lands with MAX_AUDIT_PER_CHANGE entries and a trigger index move', async () => {
    const store = dynamoCampaignStore(db, CORE, { auditTable: AUDIT });
    const active = await activeCampaign(store, 2);
    const wired: Campaign = { ...active, revision: 3 };
    const into = (value: string) => ({ entry: { kind: 'tag-added' as const, value }, slot: () => undefined });
    expect(await store.replace(wired, { wiring: into('first') })).toBe(true);
    // The entry moves (Delete + Put + pointer: the widest wiring) with the most entries a change carries.
    const moved: Campaign = { ...wired, revision: 4 };
    expect(await store.replace(moved, { wiring: into('second'), audit: entriesFor(wired, MAX_AUDIT_PER_CHANGE) })).toBe(
      true,
    );
    expect((await store.get(active.workspaceId, active.campaignId))?.revision).toBe(4);
    expect(await auditEntries(active.workspaceId)).toHaveLength(MAX_AUDIT_PER_CHANGE);
  });

  it('is refused up front with more entries, nothing written', async () => {
    const store = dynamoCampaignStore(db, CORE, { auditTable: AUDIT });
    const active = await activeCampaign(store, 2);
    const next: Campaign = { ...active, revision: 3 };
    await expect(store.replace(next, { audit: entriesFor(active, MAX_AUDIT_PER_CHANGE + 1) })).rejects.toThrow(
      /at most 50 audit entries/,
    );
    expect((await store.get(active.workspaceId, active.campaignId))?.revision).toBe(2);
    expect(await auditEntries(active.workspaceId)).toEqual([]);
  });
});

describe('automatic promotions due at once, a write failing half-way', () => {
  it('stand as written; the next try writes the rest, no node promoted or audited twice', async () => {
    const SPLITS = 2 * MAX_AUDIT_PER_CHANGE + 10;
    const base = dynamoCampaignStore(db, CORE, { auditTable: AUDIT });
    const active = await activeCampaign(base, SPLITS);
    let writes = 0;
    let failSecond = true;
    const store: CampaignStore = {
      ...base,
      async replace(next, options) {
        writes += 1;
        expect(options?.audit?.length ?? 0).toBeLessThanOrEqual(MAX_AUDIT_PER_CHANGE);
        if (writes === 2 && failSecond) throw new Error('throttled');
        return base.replace(next, options);
      },
    };
    const counters: Record<string, number> = {};
    for (let i = 0; i < SPLITS; i += 1) {
      Object.assign(counters, {
        [`arm:ab${i}:a`]: 200,
        [`arm:ab${i}:b`]: 200,
        [`armconv:ab${i}:a`]: 20,
        [`armconv:ab${i}:b`]: 60,
      });
    }
    let realMs = 1_000_000;
    const failed: unknown[] = [];
    const promoter = autoPromoter({
      campaigns: store,
      counters: async () => counters,
      now: () => new Date('2026-12-05T10:00:00.000Z'),
      promoted: () => undefined,
      failed: (error) => void failed.push(error),
      realNowMs: () => realMs,
    });
    const { workspaceId, campaignId, journey } = active;

    expect(await promoter.promotionsFor(workspaceId, campaignId, journey, undefined, 1)).toEqual({});
    expect(failed).toHaveLength(1);
    const half = await base.get(workspaceId, campaignId);
    expect(Object.keys(half?.promotions ?? {})).toHaveLength(MAX_AUDIT_PER_CHANGE);
    expect(half?.revision).toBe(3);

    // A minute later: the step loads the promotions recorded, and the rest are written.
    failSecond = false;
    realMs += 60_000;
    const recorded = await promoter.promotionsFor(workspaceId, campaignId, journey, half?.promotions, 1);
    expect(Object.keys(recorded)).toHaveLength(SPLITS - MAX_AUDIT_PER_CHANGE);
    const done = await base.get(workspaceId, campaignId);
    expect(Object.keys(done?.promotions ?? {})).toHaveLength(SPLITS);
    expect(done?.revision).toBe(5);
    const nodes = (await auditEntries(workspaceId)).map((e) => (e.metadata as { node: string }).node);
    expect(nodes).toHaveLength(SPLITS);
    expect(new Set(nodes).size).toBe(SPLITS);
  });
});
