/**
 * The event-trigger index entry of a campaign (`WS#<ws> / TRIGGER#<kind>#<value>#<campaignId>`,
 * pointer `CAMPAIGNTRIGGER#<id>`) against the embedded DynamoDB emulator, through the real use
 * cases and the trigger sync the routes run after them. Syncs landing out of order never leave
 * the index saying the wrong thing (review finding: the entry was written unordered, so a pause's
 * sync landing after the resume's left an active campaign that no longer enrolled on its events):
 * - a sync that a publish or a status change overtook writes nothing (that change's own sync
 *   does), and resolves: the route that ran it already saved the campaign, no 5xx;
 * - an older sync never overwrites a newer one's entry;
 * - concurrent rounds of publishes, edits, pauses and resumes end with the one entry the final
 *   status and published trigger call for, and no orphan.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { campaignTriggerSk, triggerIndexSk, workspacePk } from '../../shared/adapters/keys';
import {
  type Campaign,
  type CampaignDeps,
  createCampaign,
  publishCampaign,
  transitionCampaign,
  updateCampaign,
} from '../../shared/campaigns/campaign';
import { syncCampaignTriggers } from '../../shared/campaigns/campaign-triggers';
import { type Journey, journey } from '../../shared/campaigns/journey';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'cti-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const journeyOn = (on: Record<string, unknown>): Journey =>
  journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on, next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  });
const ON_VIP = journeyOn({ type: 'tag-added', tag: 'vip' });
const ON_LEAD = journeyOn({ type: 'tag-added', tag: 'lead' });
const ON_CREATED = journeyOn({ type: 'contact-created' });
const MANUAL = journeyOn({ type: 'manual' });

function setUp() {
  const campaigns = dynamoCampaignStore(db, CORE);
  const index = dynamoCampaignTriggers(db, CORE);
  const deps: CampaignDeps = { campaigns, now: () => new Date(), newId: randomUUID };
  const sync = (campaign: Campaign) =>
    syncCampaignTriggers(campaign, { campaigns, index, now: () => new Date('2030-01-01T08:00:00.000Z') });
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const create = async (on: Journey) =>
    (
      await createCampaign(
        workspaceId,
        'u1',
        { name: 'On events', journey: on, rules: { timeZone: 'UTC', reentry: { mode: 'always' } } } as never,
        deps,
      )
    ).campaignId;
  const publish = (id: string) => publishCampaign(workspaceId, id, deps, async (j) => j);
  const edit = (id: string, on: Journey) => updateCampaign(workspaceId, id, { journey: on }, deps);
  const move = (id: string, name: 'pause' | 'resume' | 'archive') => transitionCampaign(workspaceId, id, name, deps);
  /** Every index entry of the workspace, as `<kind>#<value>` of the campaign it names. */
  const entries = async (): Promise<string[]> => {
    const out = await db.send(
      new QueryCommand({
        TableName: CORE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': workspacePk(workspaceId), ':prefix': 'TRIGGER#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => `${item.kind}#${item.value}#${item.campaignId}`).sort();
  };
  const pointer = async (id: string) =>
    (
      await db.send(
        new GetCommand({
          TableName: CORE,
          Key: { pk: workspacePk(workspaceId), sk: campaignTriggerSk(id) },
          ConsistentRead: true,
        }),
      )
    ).Item;
  return { campaigns, index, deps, sync, workspaceId, create, publish, edit, move, entries, pointer };
}

describe('a status change and its sync landing out of order', () => {
  it("a pause's sync landing after the resume's leaves the resumed campaign its entry", async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    await t.sync(await t.publish(id));
    expect(await t.entries()).toEqual([`tag-added#vip#${id}`]);
    const paused = await t.move(id, 'pause');
    const resumed = await t.move(id, 'resume');
    await t.sync(resumed);
    // The pause's sync lost: it resolves (the pause route already saved the campaign), writes nothing.
    await expect(t.sync(paused)).resolves.toBeUndefined();
    expect(await t.entries()).toEqual([`tag-added#vip#${id}`]);
    expect(await t.index.find(t.workspaceId, { kind: 'tag-added', value: 'vip' })).toEqual([id]);
  });

  it("a publish's sync landing after a pause's (or an archive's) leaves no entry", async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    const published = await t.publish(id);
    const paused = await t.move(id, 'pause');
    await t.sync(paused);
    await expect(t.sync(published)).resolves.toBeUndefined();
    expect(await t.entries()).toEqual([]);

    const archived = await t.move(id, 'archive');
    await t.sync(archived);
    await t.sync(paused);
    await t.sync(published);
    expect(await t.entries()).toEqual([]);
  });

  it("a first resume's sync landing after a pause's and a second resume's leaves the entry", async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    await t.sync(await t.publish(id));
    const pause1 = await t.move(id, 'pause');
    const resume1 = await t.move(id, 'resume');
    const pause2 = await t.move(id, 'pause');
    const resume2 = await t.move(id, 'resume');
    await t.sync(resume2);
    await t.sync(pause2);
    await t.sync(resume1);
    await t.sync(pause1);
    expect(await t.entries()).toEqual([`tag-added#vip#${id}`]);
    // The second resume's sync found its entry there and stamped it; the others lost.
    expect(await t.pointer(id)).toMatchObject({
      indexSk: triggerIndexSk('tag-added', 'vip', id),
      revision: resume2.revision,
    });
  });
});

describe('a sync whose pointer another sync moves between its read and its write', () => {
  it('reads it again, finds the newer stamp and resolves without a write', async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    await t.sync(await t.publish(id));
    const paused = await t.move(id, 'pause');
    await t.sync(paused);
    // The entry is gone; the pointer stays, stamped, so an older sync cannot put it back.
    expect(await t.entries()).toEqual([]);
    expect(await t.pointer(id)).toEqual(expect.not.objectContaining({ indexSk: expect.anything() }));
    expect(await t.pointer(id)).toMatchObject({ revision: paused.revision });
    const resumed = await t.move(id, 'resume');
    const edited = await t.edit(id, ON_LEAD);
    // The resume's sync is held at its first transaction while the edit's sync runs whole.
    let held = false;
    let sent = 0;
    const racing = new Proxy(db, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? async (command: { constructor: { name: string } }) => {
              if (command.constructor.name === 'TransactWriteCommand') {
                sent += 1;
                if (!held) {
                  held = true;
                  await t.sync(edited);
                }
              }
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    });
    const late = dynamoCampaignTriggers(racing, CORE);
    await expect(
      syncCampaignTriggers(resumed, { campaigns: t.campaigns, index: late, now: () => new Date() }),
    ).resolves.toBeUndefined();
    expect(sent).toBe(1);
    expect(await t.entries()).toEqual([`tag-added#vip#${id}`]);
    expect(await t.pointer(id)).toMatchObject({ revision: edited.revision });
  });
});

describe('publishes and their syncs landing out of order', () => {
  it("an older publish's sync never brings back its trigger's entry", async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    const first = await t.publish(id);
    await t.edit(id, ON_LEAD);
    const second = await t.publish(id);
    await t.sync(second);
    await expect(t.sync(first)).resolves.toBeUndefined();
    expect(await t.entries()).toEqual([`tag-added#lead#${id}`]);
    expect(await t.index.find(t.workspaceId, { kind: 'tag-added', value: 'vip' })).toEqual([]);
  });

  it('in order, the newer publish replaces the older entry', async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    const first = await t.publish(id);
    await t.edit(id, ON_LEAD);
    const second = await t.publish(id);
    // The first sync, overtaken by the second publish, writes nothing; the second writes its entry.
    await t.sync(first);
    expect(await t.entries()).toEqual([]);
    await t.sync(second);
    expect(await t.entries()).toEqual([`tag-added#lead#${id}`]);
  });

  it("an older publish's sync landing after a newer manual publish's adds nothing", async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    const first = await t.publish(id);
    await t.sync(first);
    await t.edit(id, MANUAL);
    const second = await t.publish(id);
    await t.sync(second);
    expect(await t.entries()).toEqual([]);
    await t.sync(first);
    expect(await t.entries()).toEqual([]);
  });

  it('moves an entry whose pointer predates the revision stamp', async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    const first = await t.publish(id);
    // As the unordered write left it: the entry and a pointer naming it, without a stamp.
    const pk = workspacePk(t.workspaceId);
    const vip = triggerIndexSk('tag-added', 'vip', id);
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk, sk: vip, type: 'campaign-trigger', campaignId: id, kind: 'tag-added', value: 'vip' },
      }),
    );
    await db.send(new PutCommand({ TableName: CORE, Item: { pk, sk: campaignTriggerSk(id), indexSk: vip } }));
    expect(first.status).toBe('active');
    await t.edit(id, ON_LEAD);
    await t.sync(await t.publish(id));
    expect(await t.entries()).toEqual([`tag-added#lead#${id}`]);
  });
});

describe('concurrent publishes, edits and status changes', () => {
  it('leave the one entry the final published trigger and status call for, round after round', async () => {
    const t = setUp();
    const id = await t.create(ON_VIP);
    await t.sync(await t.publish(id));
    // Each route: its write, then (after its own lag) the trigger sync of what it wrote.
    const writes: Array<() => Promise<Campaign>> = [
      () => t.publish(id),
      () => t.edit(id, ON_LEAD),
      () => t.edit(id, ON_VIP),
      () => t.edit(id, ON_CREATED),
      () => t.edit(id, MANUAL),
      () => t.move(id, 'pause'),
      () => t.move(id, 'resume'),
      () => t.publish(id),
    ];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const keyOf: Record<string, string> = {
      'tag-added:vip': `tag-added#vip#${id}`,
      'tag-added:lead': `tag-added#lead#${id}`,
      'contact-created:': `contact-created#*#${id}`,
    };
    const seen = new Set<string>();
    let landed = 0;
    for (let round = 0; round < 10; round += 1) {
      const picked = Array.from(
        { length: 10 },
        (_, i) => writes[(i * 5 + round * 3) % writes.length] as () => Promise<Campaign>,
      );
      // A route that lost the race answers 409 CAMPAIGN_CHANGED: as a client would, move on.
      // The writes are staggered, so most of them land, a few racing; each sync lags its write,
      // the later ones less (by round, some more), so the syncs land in another order than the
      // writes and interleave with them.
      const settled = await Promise.allSettled(
        picked.map(async (write, i) => {
          await sleep(i * 12 + (round % 3));
          const written = await write();
          await sleep(((picked.length - i) * 29 + round * 13) % 120);
          await t.sync(written);
        }),
      );
      landed += settled.filter((s) => s.status === 'fulfilled').length;
      // Any failure is the use case's (a 409 or another 4xx), never the sync's.
      for (const s of settled) {
        if (s.status === 'rejected') expect(s.reason).toMatchObject({ status: expect.any(Number) });
        if (s.status === 'rejected') expect((s.reason as { status: number }).status).toBeLessThan(500);
      }
      const campaign = (await t.campaigns.get(t.workspaceId, id)) as Campaign;
      const version = await t.campaigns.version(t.workspaceId, id, campaign.publishedVersion as number);
      const on = version?.journey.nodes.find((n) => n.kind === 'trigger') as {
        on?: { type: string; tag?: string };
      };
      const key = `${on.on?.type ?? 'manual'}:${on.on?.tag ?? ''}`;
      const want = campaign.status === 'active' && keyOf[key] ? [keyOf[key]] : [];
      seen.add(`${campaign.status}:${key}`);
      expect({ round, status: campaign.status, key, entries: await t.entries() }).toEqual({
        round,
        status: campaign.status,
        key,
        entries: want,
      });
    }
    // Most writes landed (their syncs raced), and the rounds ended in more than one state.
    expect(landed).toBeGreaterThan(30);
    expect(seen.size).toBeGreaterThan(1);
  });
});
