/**
 * The campaign trigger stores against the embedded DynamoDB emulator:
 * - webhook tokens: concurrent rotations serialise on the campaign's pointer, so after 8 racing
 *   rotations and one more, only the last token works and no other hook item is left; a hook item
 *   the pointer does not name (left by an older race) is refused;
 * - the campaign record's writes (promote, un-promote, status changes: `replace`) keep the
 *   schedule slot the trigger sync owns (`nextRunAt`, gsi1 `DUE#campaign`).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers, dynamoCampaignWebhookTokens } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule, dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { CAMPAIGN_HOOK_SK, campaignHookPk, campaignSk, workspacePk } from '../../shared/adapters/keys';
import type { Campaign, CampaignStore } from '../../shared/campaigns/campaign';
import { enrolByWebhook } from '../../shared/campaigns/campaign-webhook';
import { journey } from '../../shared/campaigns/journey';
import { newToken, sha256 } from '../../shared/identity/tokens';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'ctr-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;

async function hookItemsOf(workspaceId: string): Promise<string[]> {
  const out = await db.send(
    new ScanCommand({
      TableName: CORE,
      FilterExpression: '#type = :hook AND workspaceId = :ws',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':hook': 'campaign-hook', ':ws': workspaceId },
    }),
  );
  return (out.Items ?? []).map((item) => String(item.pk));
}

describe('webhook tokens', () => {
  it('leaves only the last token working after 8 concurrent rotations and one more', async () => {
    const tokens = dynamoCampaignWebhookTokens(db, CORE);
    const w = ws();
    const at = '2026-12-04T10:00:00.000Z';
    const racers = Array.from({ length: 8 }, () => newToken());
    await Promise.all(racers.map((token) => tokens.rotate(w, 'cmp1', sha256(token), at)));
    const last = newToken();
    await tokens.rotate(w, 'cmp1', sha256(last), at);

    for (const token of racers) expect(await tokens.find(sha256(token))).toBeUndefined();
    expect(await tokens.find(sha256(last))).toEqual({ workspaceId: w, campaignId: 'cmp1' });
    // No orphan: the one hook item left is the last token's.
    expect(await hookItemsOf(w)).toEqual([campaignHookPk(sha256(last))]);

    // The public route answers an earlier token 404, as a wrong one.
    const unused = () => {
      throw new Error('not reached for a token that is not current');
    };
    const deps = {
      tokens,
      campaigns: { get: unused, version: unused } as unknown as CampaignStore,
      contacts: { get: unused, findByEmails: unused },
      queue: { sendAll: unused },
      newId: () => 'id',
    };
    await expect(enrolByWebhook('cmp1', racers[0] as string, { email: 'a@b.co' }, deps)).rejects.toMatchObject({
      code: 'WEBHOOK_NOT_FOUND',
      status: 404,
    });
  });

  it('refuses a hook item the campaign pointer does not name (left behind by an older race)', async () => {
    const tokens = dynamoCampaignWebhookTokens(db, CORE);
    const w = ws();
    const current = newToken();
    await tokens.rotate(w, 'cmp1', sha256(current), '2026-12-04T10:00:00.000Z');
    const orphan = newToken();
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: campaignHookPk(sha256(orphan)),
          sk: CAMPAIGN_HOOK_SK,
          type: 'campaign-hook',
          workspaceId: w,
          campaignId: 'cmp1',
        },
      }),
    );
    expect(await tokens.find(sha256(orphan))).toBeUndefined();
    expect(await tokens.find(sha256(current))).toEqual({ workspaceId: w, campaignId: 'cmp1' });
    expect(await tokens.find(sha256(newToken()))).toBeUndefined();
  });
});

describe('campaign record writes and the schedule slot', () => {
  const campaign = (w: string): Campaign => ({
    workspaceId: w,
    campaignId: 'cmp1',
    name: 'Weekly',
    description: 'Every Monday',
    status: 'active',
    journey: journey.parse({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'split' },
        {
          id: 'split',
          kind: 'split',
          arms: [
            { id: 'a', percent: 50, next: 'done' },
            { id: 'b', percent: 50, next: 'done' },
          ],
        },
        { id: 'done', kind: 'exit' },
      ],
    }),
    rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
    publishedVersion: 1,
    revision: 1,
    createdAt: '2026-12-04T00:00:00.000Z',
    updatedAt: '2026-12-04T00:00:00.000Z',
    createdBy: 'u1',
  });

  const rawItem = async (w: string) =>
    (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(w), sk: campaignSk('cmp1') } }))).Item;

  it('keeps nextRunAt and gsi1 through promote, un-promote and a status change', async () => {
    const store = dynamoCampaignStore(db, CORE);
    const triggers = dynamoCampaignTriggers(db, CORE);
    const schedule = dynamoCampaignSchedule(db, CORE);
    const w = ws();
    const slot = '2030-01-07T09:00:00.000Z';
    const first = campaign(w);
    await store.create(first);
    await triggers.setSchedule(w, 'cmp1', { revision: 1, status: 'active', publishedVersion: 1 }, slot);
    const before = await rawItem(w);
    expect(before).toMatchObject({ nextRunAt: slot, gsi1pk: 'DUE#campaign' });

    const promoted: Campaign = {
      ...first,
      promotions: { split: { arm: 'a', at: '2026-12-05T00:00:00.000Z', by: 'user:u1' } },
      revision: 2,
    };
    expect(await store.replace(promoted)).toBe(true);
    let item = await rawItem(w);
    expect(item).toMatchObject({ nextRunAt: slot, gsi1pk: before?.gsi1pk, gsi1sk: before?.gsi1sk, revision: 2 });
    expect(item?.promotions).toEqual(promoted.promotions);
    expect(await store.get(w, 'cmp1')).toEqual(promoted);

    // Un-promote and drop the description: the campaign's own attributes go, the slot stays.
    const { promotions: _p, description: _d, ...rest } = promoted;
    const unpromoted: Campaign = { ...rest, revision: 3 };
    expect(await store.replace(unpromoted)).toBe(true);
    item = await rawItem(w);
    expect(item).toMatchObject({ nextRunAt: slot, gsi1pk: before?.gsi1pk, gsi1sk: before?.gsi1sk, revision: 3 });
    expect(item).not.toHaveProperty('promotions');
    expect(item).not.toHaveProperty('description');
    expect(await store.get(w, 'cmp1')).toEqual(unpromoted);

    // Still due where the scheduled trigger looks, and a stale revision still writes nothing.
    const due = await schedule.due(new Date('2030-01-07T09:00:00.000Z'), 100);
    expect(due).toContainEqual({ workspaceId: w, campaignId: 'cmp1', dueAt: slot });
    expect(await store.replace({ ...unpromoted, name: 'Stale', revision: 3 })).toBe(false);
    expect((await store.get(w, 'cmp1'))?.name).toBe('Weekly');

    // A status change keeps it too (the trigger sync that follows decides whether it stays).
    expect(await store.replace({ ...unpromoted, status: 'paused', revision: 4 })).toBe(true);
    expect(await rawItem(w)).toMatchObject({ status: 'paused', nextRunAt: slot, gsi1sk: before?.gsi1sk });
  });
});

describe('trigger claims', () => {
  it('are per contact: one event id shared by two contacts (a client interactionId) enrols both', async () => {
    const triggers = dynamoCampaignTriggers(db, CORE);
    const w = ws();
    // An interaction's event id is built from the client's interactionId, unique per contact only.
    const eventId = 'interaction-webinar-2026';
    expect(await triggers.claimed(w, eventId, 'contact-a', 'cmp1')).toBe(false);
    expect(await triggers.claim(w, eventId, 'contact-a', 'cmp1', 3600)).toBe(true);
    expect(await triggers.claimed(w, eventId, 'contact-a', 'cmp1')).toBe(true);
    expect(await triggers.claimed(w, eventId, 'contact-b', 'cmp1')).toBe(false);
    expect(await triggers.claim(w, eventId, 'contact-b', 'cmp1', 3600)).toBe(true);
    // A copy of the same (event, contact, campaign) is a replay.
    expect(await triggers.claim(w, eventId, 'contact-a', 'cmp1', 3600)).toBe(false);
  });
});
