// Review round 24: this test failed at 2c75116.
// Review round 24 (e): the engine's automatic A/B promotion (promotion.ts `autoPromoter`) wrote every
// promotion due with one audit entry each in ONE write of the campaign (dynamo-campaigns.ts `replace`:
// the record's UpdateItem and the entries' Puts in one TransactWriteItems). DynamoDB takes at most 100
// items a transaction; a journey may have 200 nodes, every split with a `promote` rule. With more than
// 99 of them due at once the write failed with a ValidationException (never retried, not a conflict):
// the check failed, was tried again a minute later and failed the same way for ever, so no node was
// ever promoted and every arrival kept being split after the winners were clear.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { auditPk } from '../../shared/adapters/keys';
import type { Campaign } from '../../shared/campaigns/campaign';
import type { CampaignRules, PublishedVersion } from '../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../shared/campaigns/journey';
import { journeyProblems } from '../../shared/campaigns/journey-rules';
import { type AutoPromoted, autoPromoter } from '../../shared/campaigns/promotion';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
let AUDIT: string;
dynamoForFile('r24e-promote-', (h) => {
  db = h.db;
  CORE = h.table('core');
  AUDIT = h.table('audit');
});

/** A chain of `splits` A/B splits, each promoting its winner on its own, then an exit. */
function manySplits(splits: number) {
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

describe('an automatic promotion of many A/B nodes due at once', () => {
  it('promotes every one, each with its audit entry', async () => {
    const SPLITS = 150;
    const journey = manySplits(SPLITS);
    expect(journey.nodes).toHaveLength(SPLITS + 2);
    expect(journeyProblems(journey), 'the journey is accepted').toEqual([]);

    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const campaignId = `cmp-${randomUUID().slice(0, 8)}`;
    const rules: CampaignRules = { timeZone: 'UTC', reentry: { mode: 'never' } } as CampaignRules;
    const store = dynamoCampaignStore(db, CORE, { auditTable: AUDIT });
    const draft: Campaign = {
      workspaceId,
      campaignId,
      name: 'Many splits',
      status: 'draft',
      journey,
      rules,
      revision: 1,
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
      createdBy: 'u1',
    };
    await store.create(draft);
    const frozen: PublishedVersion = { workspaceId, campaignId, version: 1, journey, rules };
    const active: Campaign = { ...draft, status: 'active', publishedVersion: 1, revision: 2 };
    expect(await store.publish(active, frozen)).toBe(true);

    // Every split's arm b converts 60 of 200, arm a 20 of 200: b wins at 95% everywhere.
    const counters: Record<string, number> = {};
    for (let i = 0; i < SPLITS; i += 1) {
      Object.assign(counters, {
        [`arm:ab${i}:a`]: 200,
        [`arm:ab${i}:b`]: 200,
        [`armconv:ab${i}:a`]: 20,
        [`armconv:ab${i}:b`]: 60,
      });
    }
    const promoted: AutoPromoted[] = [];
    const failed: string[] = [];
    const promoter = autoPromoter({
      campaigns: store,
      counters: async () => counters,
      now: () => new Date('2026-12-05T10:00:00.000Z'),
      promoted: (event) => void promoted.push(event),
      failed: (error) => void failed.push(`${(error as Error).name}: ${(error as Error).message.slice(0, 120)}`),
    });

    const recorded = await promoter.promotionsFor(workspaceId, campaignId, journey, undefined, 1);
    expect(failed, 'the promotion write succeeds').toEqual([]);
    expect(Object.keys(recorded)).toHaveLength(SPLITS);
    const stored = await store.get(workspaceId, campaignId);
    expect(Object.keys(stored?.promotions ?? {})).toHaveLength(SPLITS);
    expect(Object.values(stored?.promotions ?? {}).every((p) => p.arm === 'b' && p.by === 'auto')).toBe(true);
    expect(new Set(promoted.map((e) => e.node)).size).toBe(SPLITS);

    // Each promotion audited once, as the system's change.
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
    const nodes = entries
      .filter((e) => e.eventType === 'campaigns.promote' && e.eventAction === 'AUTO')
      .map((e) => (e.metadata as { node: string }).node);
    expect(nodes).toHaveLength(SPLITS);
    expect(new Set(nodes).size).toBe(SPLITS);
  });
});
