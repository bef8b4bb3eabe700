/**
 * The cost model's count of a launch against the code it counts: the DynamoDB calls one page of a
 * launch makes (enrol-audience-page.ts over dynamo-launches.ts, on a client that records them), and
 * the sizes of the items it writes as DynamoDB bills them (review round 24: the model had counted
 * 1 WRU a page where the marker's Put and the count's transaction write 14).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  AB_PROMOTION_CAMPAIGN_KB,
  AB_PROMOTION_WRITE,
  LAUNCH_BEGIN,
  launchMarkerBytes,
  launchPage,
} from '../../../lib/model/campaign-costs';
import { encodeCursor } from '../../../shared/adapters/dynamo/cursor';
import { dynamoCampaignStore } from '../../../shared/adapters/dynamo-campaigns';
import { dynamoLaunches } from '../../../shared/adapters/dynamo-launches';
import { contactSk, launchSk, workspacePk } from '../../../shared/adapters/keys';
import type { Campaign } from '../../../shared/campaigns/campaign';
import { enrolAudiencePage } from '../../../shared/campaigns/enrol-audience-page';
import { journey } from '../../../shared/campaigns/journey';
import { autoPromotionAudit } from '../../../shared/campaigns/promotion';
import { newAuditRecord } from '../../../shared/identity/audit';

/** An attribute value's size as DynamoDB counts it (Item sizes, DynamoDB developer guide). */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueBytes(v), 0);
  if (typeof value === 'object') return 3 + itemBytes(value as Record<string, unknown>) + Object.keys(value).length;
  return 0;
}
const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((s, [name, v]) => (v === undefined ? s : s + Buffer.byteLength(name) + valueBytes(v)), 0);
const kb = (bytes: number) => Math.ceil(bytes / 1024);

/** A document client that answers every command with nothing found and records it. */
function recordingClient() {
  const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
  const db = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent };
}

const WS = randomUUID();
const LAUNCH = randomUUID();
const AT = '2026-12-05T10:00:00.000Z';
const idsOf = (n: number) => Array.from({ length: n }, () => randomUUID());
const cursorAfter = (contactId: string) => encodeCursor({ pk: workspacePk(WS), sk: contactSk(contactId) }) as string;

describe("a launch page's DynamoDB calls, as the model counts them", () => {
  it('writes its marker (Put), then counts it with the launch record in one transaction; begins once', async () => {
    const { db, sent } = recordingClient();
    const launches = dynamoLaunches(db, 'core');
    const pages = [idsOf(100), idsOf(100)];
    const queued: unknown[] = [];
    const deps = {
      audience: {
        page: async (_ws: string, _f: unknown, _size: number, cursor?: string) => {
          const contactIds = cursor ? (pages[1] as string[]) : (pages[0] as string[]);
          return cursor ? { contactIds } : { contactIds, cursor: cursorAfter(contactIds[99] as string) };
        },
      },
      queue: { sendAll: async (messages: readonly unknown[]) => void queued.push(...messages) },
      suppressions: { reasonsFor: async () => [] },
      launches,
      contacts: { get: async () => ({ email: 'a@example.com' }) },
      now: () => new Date(AT),
    };
    const input = { workspaceId: WS, campaignId: randomUUID(), launchId: LAUNCH, enrolled: 0, pageSize: 100 };
    const first = await enrolAudiencePage(input, deps as unknown as Parameters<typeof enrolAudiencePage>[1]);
    expect(sent.map((c) => c.name)).toEqual(['UpdateCommand', 'GetCommand', 'PutCommand', 'TransactWriteCommand']);
    sent.length = 0;
    await enrolAudiencePage(
      { ...input, cursor: first.cursor as string, enrolled: first.enrolled },
      deps as unknown as Parameters<typeof enrolAudiencePage>[1],
    );
    // A later page: no begin. What the model counts a page: one read, a Put, a transaction of two.
    expect(sent.map((c) => c.name)).toEqual(['GetCommand', 'PutCommand', 'TransactWriteCommand']);
    expect(queued).toHaveLength(200);
    const rows = launchPage();
    expect(rows.map((r) => r.where)).toEqual([
      expect.stringContaining('dynamo-launches.ts page'),
      expect.stringContaining('contactAudience'),
      expect.stringContaining('dynamo-launches.ts recordPage'),
      expect.stringContaining('dynamo-launches.ts addPage'),
    ]);
    expect(LAUNCH_BEGIN.ops).toEqual({ wru: 1 });
  });

  it("bills the marker at its size: the model's estimate is the item the adapter writes", async () => {
    const { db, sent } = recordingClient();
    const launches = dynamoLaunches(db, 'core');
    const contactIds = idsOf(100);
    const pageKey = cursorAfter(randomUUID());
    await launches.recordPage(
      WS,
      LAUNCH,
      pageKey,
      { contactIds, suppressed: 3, next: cursorAfter(contactIds[99] as string) },
      AT,
    );
    const marker = ((sent[0]?.input ?? {}) as { Item: Record<string, unknown> }).Item;
    const bytes = itemBytes(marker);
    // The model's estimate within a few bytes of the item, and the same write units.
    expect(Math.abs(launchMarkerBytes(100) - bytes)).toBeLessThan(40);
    expect(kb(bytes)).toBe(kb(launchMarkerBytes(100)));
    expect(kb(bytes)).toBe(4);
    // Counted, the marker gains `counted`: still 4 KB, billed twice in the transaction.
    expect(kb(itemBytes({ ...marker, counted: true }))).toBe(4);

    sent.length = 0;
    await launches.addPage(WS, LAUNCH, pageKey, { queued: 97, suppressed: 3 }, false, AT, 3, {
      enrolled: 9_700,
      pageSize: 100,
      cursor: cursorAfter(randomUUID()),
      filter: { tier: 'hot' },
    });
    expect(sent.map((c) => c.name)).toEqual(['TransactWriteCommand']);
    expect(((sent[0]?.input ?? {}) as { TransactItems: unknown[] }).TransactItems).toHaveLength(2);
    // The launch record as begin and the counts leave it: under 1 KB.
    const record = {
      pk: workspacePk(WS),
      sk: launchSk(LAUNCH),
      type: 'campaign-launch',
      launchId: LAUNCH,
      campaignId: randomUUID(),
      status: 'running',
      queued: 999_999,
      suppressed: 99_999,
      startedAt: AT,
      updatedAt: AT,
      resumeFrom: { enrolled: 999_999, pageSize: 100, cursor: cursorAfter(randomUUID()), filter: { tier: 'hot' } },
      chunk: 9,
      resumed: 1,
    };
    expect(kb(itemBytes(record))).toBe(1);
    expect(launchPage().map((r) => r.ops.wru ?? 0)).toEqual([0, 0, 4, 2 * 4 + 2 * 1]);
  });
});

describe("an automatic promotion's write, as the model counts it", () => {
  it('updates a campaign record of under 2 KB and puts an audit entry of under 1 KB, in one transaction', async () => {
    const { db, sent } = recordingClient();
    const store = dynamoCampaignStore(db, 'core', { auditTable: 'audit' });
    const campaign: Campaign = {
      workspaceId: WS,
      campaignId: randomUUID(),
      name: 'Welcome series with an A/B split',
      status: 'active',
      journey: journey.parse({
        nodes: [
          { id: 'start', kind: 'trigger', on: { type: 'contact-created' }, next: 'ab' },
          {
            id: 'ab',
            kind: 'split',
            arms: [
              { id: 'a', percent: 50, next: 'mail-a' },
              { id: 'b', percent: 50, next: 'mail-b' },
            ],
            promote: { metric: 'converted' },
          },
          { id: 'mail-a', kind: 'email', templateId: randomUUID(), next: 'done' },
          { id: 'mail-b', kind: 'email', templateId: randomUUID(), next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      }),
      rules: { timeZone: 'Europe/Berlin', reentry: { mode: 'never' } } as Campaign['rules'],
      publishedVersion: 1,
      promotions: {
        ab: {
          arm: 'b',
          by: 'auto',
          at: AT,
          test: { metric: 'converted', z: 4.2, p: 0.00002, text: 'Arm b wins on conversions at 95%' },
        },
      },
      revision: 7,
      createdAt: AT,
      updatedAt: AT,
      createdBy: randomUUID(),
    };
    const audit = newAuditRecord(
      autoPromotionAudit({
        workspaceId: WS,
        campaignId: campaign.campaignId,
        node: 'ab',
        promotion: campaign.promotions?.ab as NonNullable<Campaign['promotions']>[string],
        revision: 7,
      }),
      new Date(AT),
    );
    expect(await store.replace(campaign, { audit: [audit] })).toBe(true);
    expect(sent.map((c) => c.name)).toEqual(['TransactWriteCommand']);
    const [update, put] = ((sent[0]?.input ?? {}) as { TransactItems: Array<Record<string, Record<string, unknown>>> })
      .TransactItems as [Record<string, Record<string, unknown>>, Record<string, Record<string, unknown>>];
    // The record as written: its key and every attribute the update sets (the slot, if any, adds ~100 bytes).
    const values = update.Update?.ExpressionAttributeValues as Record<string, unknown>;
    const names = update.Update?.ExpressionAttributeNames as Record<string, string>;
    const record: Record<string, unknown> = { ...(update.Update?.Key as Record<string, unknown>) };
    for (const [alias, name] of Object.entries(names)) {
      const value = values[alias.replace('#', ':')];
      if (value !== undefined) record[name] = value;
    }
    expect(record.journeyJson).toBeDefined();
    expect(kb(itemBytes(record) + 100)).toBeLessThanOrEqual(AB_PROMOTION_CAMPAIGN_KB);
    expect(kb(itemBytes(put?.Put?.Item as Record<string, unknown>))).toBe(1);
    expect(AB_PROMOTION_WRITE.ops).toEqual({ rru: 2, wru: 2 * AB_PROMOTION_CAMPAIGN_KB + 2 });
  });
});
