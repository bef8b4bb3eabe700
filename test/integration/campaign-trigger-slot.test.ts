/**
 * The schedule slot of a schedule-triggered campaign against the embedded DynamoDB emulator,
 * through the real use cases and the trigger sync the routes run after them:
 * - a promotion (or its undoing, or an edit) landing between a publish or a resume and its sync
 *   does not make the sync miss: the slot is written on the campaign's status and published
 *   version, which those writes do not change, not on its revision (review finding: the slot was
 *   lost for good, since nothing syncs after a promotion);
 * - syncs landing out of order never leave a stale slot: a sync a publish or a status change
 *   overtook writes nothing, and an older sync never overwrites a newer one's slot;
 * - the next slot written after a launch is dropped when a publish changed the trigger meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule, dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { campaignSk, workspacePk } from '../../shared/adapters/keys';
import {
  type Campaign,
  type CampaignDeps,
  createCampaign,
  publishCampaign,
  transitionCampaign,
  updateCampaign,
} from '../../shared/campaigns/campaign';
import { scheduledLaunchPlan, syncCampaignTriggers } from '../../shared/campaigns/campaign-triggers';
import { type Journey, journey } from '../../shared/campaigns/journey';
import { promoteNode, undoPromotion } from '../../shared/campaigns/promotion';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'cts-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const journeyOn = (on: Record<string, unknown>): Journey =>
  journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on, next: 'ab' },
      {
        id: 'ab',
        kind: 'split',
        arms: [
          { id: 'a', percent: 50, next: 'done' },
          { id: 'b', percent: 50, next: 'done' },
        ],
      },
      { id: 'done', kind: 'exit' },
    ],
  });
const MORNING = journeyOn({ type: 'schedule', cron: '0 9 * * ? *' });
const EVENING = journeyOn({ type: 'schedule', cron: '0 18 * * ? *' });
const MANUAL = journeyOn({ type: 'manual' });

/** The clock the syncs compute slots on: 2030-01-01, 08:00 UTC unless a test moves it. */
const at = (iso: string) => () => new Date(iso);
const EIGHT = '2030-01-01T08:00:00.000Z';

function setUp() {
  const campaigns = dynamoCampaignStore(db, CORE);
  const index = dynamoCampaignTriggers(db, CORE);
  const deps: CampaignDeps = { campaigns, now: () => new Date(), newId: randomUUID };
  const sync = (campaign: Campaign, now = at(EIGHT)) => syncCampaignTriggers(campaign, { campaigns, index, now });
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const create = async (on: Journey) =>
    (
      await createCampaign(
        workspaceId,
        'u1',
        { name: 'Daily', journey: on, rules: { timeZone: 'UTC', reentry: { mode: 'always' } } } as never,
        deps,
      )
    ).campaignId;
  const publish = (id: string) => publishCampaign(workspaceId, id, deps, async (j) => j);
  const raw = async (id: string) =>
    (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk(id) } })))
      .Item;
  const slotOf = async (id: string) => (await raw(id))?.nextRunAt;
  return { campaigns, index, deps, sync, workspaceId, create, publish, raw, slotOf };
}

describe('a write landing between a publish or a resume and its trigger sync', () => {
  it('a promotion after the publish write: the sync still writes the slot', async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    const published = await t.publish(id);
    // Meanwhile: POST .../nodes/ab/promote (or the engine's automatic promotion) bumps the revision.
    await promoteNode(t.workspaceId, id, 'ab', { arm: 'a' }, 'u2', t.deps);
    await t.sync(published);
    expect(published.status).toBe('active');
    expect(await t.slotOf(id)).toBe('2030-01-01T09:00:00.000Z');
    expect(await t.raw(id)).toMatchObject({ gsi1pk: 'DUE#campaign', promotions: { ab: { arm: 'a' } } });
    // Due where the scheduled trigger looks.
    const due = await dynamoCampaignSchedule(db, CORE).due(new Date('2030-01-01T09:00:00.000Z'), 1000);
    expect(due).toContainEqual({ workspaceId: t.workspaceId, campaignId: id, dueAt: '2030-01-01T09:00:00.000Z' });
    // The stamp is the slot's own: the campaign as read has none of it.
    expect(await t.campaigns.get(t.workspaceId, id)).not.toHaveProperty('slotRevision');
  });

  it('a promotion and its undoing after the resume write: the sync still writes the slot', async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    await t.sync(await t.publish(id));
    await t.sync(await transitionCampaign(t.workspaceId, id, 'pause', t.deps));
    expect(await t.slotOf(id)).toBeUndefined();
    const resumed = await transitionCampaign(t.workspaceId, id, 'resume', t.deps);
    await promoteNode(t.workspaceId, id, 'ab', { arm: 'b' }, 'u2', t.deps);
    await undoPromotion(t.workspaceId, id, 'ab', 'u2', t.deps);
    await t.sync(resumed);
    expect(await t.slotOf(id)).toBe('2030-01-01T09:00:00.000Z');
  });

  it('an edit whose sync lands first: both syncs agree, the slot stays', async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    const published = await t.publish(id);
    const edited = await updateCampaign(t.workspaceId, id, { name: 'Daily, renamed' }, t.deps);
    await t.sync(edited);
    await t.sync(published);
    expect(await t.raw(id)).toMatchObject({ nextRunAt: '2030-01-01T09:00:00.000Z', slotRevision: edited.revision });
  });
});

describe('syncs landing out of order', () => {
  it("an older publish's sync never brings back its trigger's slot", async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    const first = await t.publish(id);
    await updateCampaign(t.workspaceId, id, { journey: EVENING }, t.deps);
    const second = await t.publish(id);
    await t.sync(second);
    await t.sync(first);
    expect(await t.slotOf(id)).toBe('2030-01-01T18:00:00.000Z');

    // And the other way round: the first sync, overtaken by the second publish, writes nothing.
    const t2 = setUp();
    const id2 = await t2.create(MORNING);
    const early = await t2.publish(id2);
    await updateCampaign(t2.workspaceId, id2, { journey: EVENING }, t2.deps);
    const late = await t2.publish(id2);
    await t2.sync(early);
    expect(await t2.slotOf(id2)).toBeUndefined();
    await t2.sync(late);
    expect(await t2.slotOf(id2)).toBe('2030-01-01T18:00:00.000Z');
  });

  it("a publish's sync that a pause overtook leaves the paused campaign without a slot", async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    const published = await t.publish(id);
    const paused = await transitionCampaign(t.workspaceId, id, 'pause', t.deps);
    await t.sync(paused);
    await t.sync(published);
    expect(await t.slotOf(id)).toBeUndefined();
  });

  it("a pause's sync landing after the resume's leaves the resumed campaign its slot", async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    await t.sync(await t.publish(id));
    const paused = await transitionCampaign(t.workspaceId, id, 'pause', t.deps);
    const resumed = await transitionCampaign(t.workspaceId, id, 'resume', t.deps);
    await t.sync(resumed);
    await t.sync(paused);
    expect(await t.slotOf(id)).toBe('2030-01-01T09:00:00.000Z');
  });

  it("a first resume's sync landing after a second resume's does not put back its earlier slot", async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    await t.sync(await t.publish(id));
    await t.sync(await transitionCampaign(t.workspaceId, id, 'pause', t.deps));
    const first = await transitionCampaign(t.workspaceId, id, 'resume', t.deps);
    await t.sync(await transitionCampaign(t.workspaceId, id, 'pause', t.deps));
    const second = await transitionCampaign(t.workspaceId, id, 'resume', t.deps);
    // The second resume is synced at 10:00 (today's 09:00 slot is past), the first one late.
    await t.sync(second, at('2030-01-01T10:00:00.000Z'));
    await t.sync(first, at(EIGHT));
    expect(await t.raw(id)).toMatchObject({ nextRunAt: '2030-01-02T09:00:00.000Z', slotRevision: second.revision });
  });
});

describe('concurrent publishes, edits, promotions and status changes', () => {
  it('leave the slot the final published trigger and status call for, round after round', async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    await t.sync(await t.publish(id));
    // Each route: its write, then (except a promotion's) the trigger sync of what it wrote.
    const routes: Array<(_?: unknown) => Promise<unknown>> = [
      async () => t.sync(await t.publish(id)),
      async () => t.sync(await updateCampaign(t.workspaceId, id, { journey: EVENING }, t.deps)),
      async () => t.sync(await updateCampaign(t.workspaceId, id, { journey: MORNING }, t.deps)),
      async () => t.sync(await updateCampaign(t.workspaceId, id, { journey: MANUAL }, t.deps)),
      async () => t.sync(await transitionCampaign(t.workspaceId, id, 'pause', t.deps)),
      async () => t.sync(await transitionCampaign(t.workspaceId, id, 'resume', t.deps)),
      () => promoteNode(t.workspaceId, id, 'ab', { arm: 'a' }, 'u2', t.deps),
      () => undoPromotion(t.workspaceId, id, 'ab', 'u2', t.deps),
    ];
    const expected = {
      'cron(0 9 * * ? *)': '2030-01-01T09:00:00.000Z',
      'cron(0 18 * * ? *)': '2030-01-01T18:00:00.000Z',
    };
    for (let round = 0; round < 8; round += 1) {
      const picked = Array.from(
        { length: 10 },
        (_, i) => routes[(i * 7 + round * 3) % routes.length] as (_?: unknown) => Promise<unknown>,
      );
      // A route that lost the race answers 409 CAMPAIGN_CHANGED: as a client would, move on.
      // Staggered a little, so several writes land per round and their syncs interleave.
      const stagger = (i: number) => new Promise((r) => setTimeout(r, (i * 37 + round * 11) % 30));
      await Promise.allSettled(picked.map(async (route, i) => route(await stagger(i))));
      const campaign = (await t.campaigns.get(t.workspaceId, id)) as Campaign;
      const version = await t.campaigns.version(t.workspaceId, id, campaign.publishedVersion as number);
      const on = version?.journey.nodes.find((n) => n.kind === 'trigger') as { on?: { cron?: string } };
      const want = campaign.status === 'active' ? expected[on.on?.cron as keyof typeof expected] : undefined;
      expect({ round, status: campaign.status, cron: on.on?.cron, slot: await t.slotOf(id) }).toEqual({
        round,
        status: campaign.status,
        cron: on.on?.cron,
        slot: want,
      });
    }
  });
});

describe('the next slot after a launch', () => {
  it('is not written when a publish changed the trigger since the launch read it', async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    await t.sync(await t.publish(id));
    const dueAt = (await t.slotOf(id)) as string;
    const plan = scheduledLaunchPlan({
      campaigns: t.campaigns,
      index: t.index,
      launches: { begin: async () => {} },
      now: () => new Date(),
    });
    const planned = await plan.plan(t.workspaceId, id, `${id}-launch`, dueAt);
    expect(planned).toMatchObject({ next: expect.any(String) });
    // Meanwhile the campaign is republished with a manual trigger (no slot) and synced.
    await updateCampaign(t.workspaceId, id, { journey: MANUAL }, t.deps);
    await t.sync(await t.publish(id));
    if (planned === 'skip' || !planned.next) throw new Error('planned a next slot');
    await plan.scheduleNext({ workspaceId: t.workspaceId, campaignId: id, dueAt }, planned.next);
    expect(await t.slotOf(id)).toBeUndefined();
  });

  it('is written when the campaign is still on the version planned from', async () => {
    const t = setUp();
    const id = await t.create(MORNING);
    await t.sync(await t.publish(id));
    const dueAt = (await t.slotOf(id)) as string;
    const plan = scheduledLaunchPlan({
      campaigns: t.campaigns,
      index: t.index,
      launches: { begin: async () => {} },
      now: () => new Date(),
    });
    const planned = await plan.plan(t.workspaceId, id, `${id}-launch`, dueAt);
    if (planned === 'skip' || !planned.next) throw new Error('planned a next slot');
    await promoteNode(t.workspaceId, id, 'ab', { arm: 'a' }, 'u2', t.deps);
    await plan.scheduleNext({ workspaceId: t.workspaceId, campaignId: id, dueAt }, planned.next);
    expect(await t.slotOf(id)).toBe(planned.next);
  });
});
