/**
 * Review round 11: this test failed at eab1d13 (a republish, or an edit, of a schedule-triggered
 * campaign after its slot came due but before the scheduled trigger's run launched it dropped the
 * slot: the sync wrote the slot after now, so the daily 09:00 launch was skipped that day and a
 * one-time `at` never launched at all).
 *
 * Against the embedded DynamoDB emulator, through the real use cases, the trigger sync the routes
 * run after them, and the scheduled trigger (`triggerDueCampaigns`, every 5 minutes): a slot that
 * came due and was not launched yet is kept by the sync when it is still a slot of the published
 * trigger, and the next trigger run launches it, exactly once (the launch id is the slot's, and the
 * state machine starts one execution per launch id, as Step Functions does per execution name).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule, dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { campaignSk, workspacePk } from '../../shared/adapters/keys';
import {
  type Campaign,
  type CampaignDeps,
  createCampaign,
  publishCampaign,
  updateCampaign,
} from '../../shared/campaigns/campaign';
import { scheduledLaunchPlan, syncCampaignTriggers, unlaunchedDueSlot } from '../../shared/campaigns/campaign-triggers';
import { type Journey, journey } from '../../shared/campaigns/journey';
import type { LaunchStarter } from '../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../shared/campaigns/trigger-due-campaigns';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'cdk-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const journeyOn = (on: Record<string, unknown>, name = 'done'): Journey =>
  journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on, next: name },
      { id: name, kind: 'exit' },
    ],
  });
const DAILY = journeyOn({ type: 'schedule', cron: '0 9 * * ? *' });
const DAILY_EDITED = journeyOn({ type: 'schedule', cron: '0 9 * * ? *' }, 'end');
const EVENING = journeyOn({ type: 'schedule', cron: '0 18 * * ? *' });
const AT_NINE = journeyOn({ type: 'schedule', at: '2030-01-01T09:00:00.000Z' });
const AT_NINE_EDITED = journeyOn({ type: 'schedule', at: '2030-01-01T09:00:00.000Z' }, 'end');

const at = (iso: string) => () => new Date(iso);
const EIGHT = '2030-01-01T08:00:00.000Z';
const NINE = '2030-01-01T09:00:00.000Z';
const NINE_OH_TWO = '2030-01-01T09:02:00.000Z';
const NINE_OH_FIVE = '2030-01-01T09:05:00.000Z';

function setUp() {
  const campaigns = dynamoCampaignStore(db, CORE);
  const index = dynamoCampaignTriggers(db, CORE);
  const schedule = dynamoCampaignSchedule(db, CORE);
  const launches = dynamoLaunches(db, CORE);
  const deps: CampaignDeps = { campaigns, now: () => new Date(), newId: randomUUID };
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  // What the routes run after their write: the sync (it reads the record's pending slot).
  const sync = (campaign: Campaign, now: string, carried?: { dueSlot?: string }) =>
    syncCampaignTriggers(campaign, { campaigns, index, now: at(now) }, carried);
  // As the publish route does before the publish, whose whole-item write drops the slot: the
  // campaign's slot that came due and that no trigger run has launched yet.
  const dueSlotBefore = (id: string, now: string) => unlaunchedDueSlot(index, workspaceId, id, new Date(now));
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
  const republishAt = async (id: string, now: string, draft: Journey) => {
    await updateCampaign(workspaceId, id, { journey: draft }, deps);
    const dueSlot = await dueSlotBefore(id, now);
    await sync(await publish(id), now, dueSlot ? { dueSlot } : {});
  };
  // The state machine: one execution per name (the launch id), as Step Functions answers
  // ExecutionAlreadyExists for a name it ran (sfnLaunchStarter takes that as done).
  const starts: string[] = [];
  const starter: LaunchStarter = {
    async start(input) {
      starts.push(input.launchId);
    },
  };
  /** One run of the scheduled trigger at `now` (real time, as the slots). */
  const triggerRun = (now: string) =>
    triggerDueCampaigns({
      schedule,
      launches: starter,
      now: at(now),
      plan: scheduledLaunchPlan({ campaigns, index, launches, now: at(now), realNow: at(now) }),
    });
  const raw = async (id: string) =>
    (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk(id) } })))
      .Item;
  const slotOf = async (id: string) => (await raw(id))?.nextRunAt;
  /** The executions of this campaign (one per launch id), in the order they started. */
  const launchedOf = (id: string) => [...new Set(starts)].filter((l) => l.startsWith(`${id}-`));
  /** How often the trigger asked to start `launchId` (each time after the first is a no-op). */
  const startsOf = (launchId: string) => starts.filter((l) => l === launchId).length;
  return {
    campaigns,
    deps,
    workspaceId,
    sync,
    dueSlotBefore,
    create,
    publish,
    republishAt,
    startsOf,
    triggerRun,
    slotOf,
    launchedOf,
  };
}

describe('a republish after the slot came due, before the trigger run launched it', () => {
  it('a daily cron with the schedule unchanged: the next run launches the 09:00 slot, once', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.sync(await t.publish(id), EIGHT);
    expect(await t.slotOf(id)).toBe(NINE);
    // 09:02: the slot is due; the run that launches it comes at 09:05. The copy is republished.
    await t.republishAt(id, NINE_OH_TWO, DAILY_EDITED);
    expect(await t.slotOf(id)).toBe(NINE);
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.launchedOf(id)).toEqual([`${id}-20300101090000000`]);
    // Then the slot after it, and nothing more today.
    expect(await t.slotOf(id)).toBe('2030-01-02T09:00:00.000Z');
    await t.triggerRun('2030-01-01T09:10:00.000Z');
    expect(t.startsOf(`${id}-20300101090000000`)).toBe(1);
    expect(t.launchedOf(id)).toHaveLength(1);
  });

  it('a one-time `at`: it still launches, once', async () => {
    const t = setUp();
    const id = await t.create(AT_NINE);
    await t.sync(await t.publish(id), EIGHT);
    await t.republishAt(id, NINE_OH_TWO, AT_NINE_EDITED);
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.launchedOf(id)).toEqual([`${id}-20300101090000000`]);
    expect(await t.slotOf(id)).toBeUndefined();
    await t.triggerRun('2030-01-01T09:10:00.000Z');
    expect(t.launchedOf(id)).toHaveLength(1);
  });

  it('an edit of the draft (its sync reads the due slot, still on the record): kept too', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.sync(await t.publish(id), EIGHT);
    await t.sync(await updateCampaign(t.workspaceId, id, { name: 'Daily, renamed' }, t.deps), NINE_OH_TWO);
    expect(await t.slotOf(id)).toBe(NINE);
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.launchedOf(id)).toEqual([`${id}-20300101090000000`]);
  });

  it('a schedule changed so that the due slot is none of its slots: the new schedule applies', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.sync(await t.publish(id), EIGHT);
    await t.republishAt(id, NINE_OH_TWO, EVENING);
    expect(await t.slotOf(id)).toBe('2030-01-01T18:00:00.000Z');
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.launchedOf(id)).toEqual([]);
  });
});

describe('a slot never launches twice', () => {
  it('launched before the republish: nothing is kept, nothing launched again', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.sync(await t.publish(id), EIGHT);
    await t.triggerRun('2030-01-01T09:01:00.000Z');
    await t.republishAt(id, NINE_OH_TWO, DAILY_EDITED);
    expect(await t.slotOf(id)).toBe('2030-01-02T09:00:00.000Z');
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.launchedOf(id)).toEqual([`${id}-20300101090000000`]);
    expect(t.startsOf(`${id}-20300101090000000`)).toBe(1);
  });

  it('launched between the read before the publish and its sync: started again under its launch id only', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.sync(await t.publish(id), EIGHT);
    const dueSlot = await t.dueSlotBefore(id, NINE_OH_TWO);
    expect(dueSlot).toBe(NINE);
    // The trigger's run lands right there: it launches the slot and writes tomorrow's.
    await t.triggerRun(NINE_OH_TWO);
    await t.sync(await t.publish(id), NINE_OH_TWO, { dueSlot: dueSlot as string });
    await t.triggerRun(NINE_OH_FIVE);
    await t.triggerRun('2030-01-01T09:10:00.000Z');
    // One launch id, so one execution: a second start of it is the state machine's no-op.
    expect(t.launchedOf(id)).toEqual([`${id}-20300101090000000`]);
    expect(await t.slotOf(id)).toBe('2030-01-02T09:00:00.000Z');
  });
});
