/**
 * Scheduled campaigns of a fresh workspace through the real use cases, on a test file's core
 * table: created with the deps the test gives (its clocks, its store), and the scheduled trigger
 * (`triggerDueCampaigns`, every 5 minutes in production) run at the time the test gives, the
 * launches it starts recorded by launch id.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule, dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { campaignSk, workspacePk } from '../../shared/adapters/keys';
import {
  type CampaignDeps,
  createCampaign,
  publishCampaign,
  transitionCampaign,
} from '../../shared/campaigns/campaign';
import { scheduledLaunchPlan } from '../../shared/campaigns/campaign-triggers';
import { type Journey, journey } from '../../shared/campaigns/journey';
import type { LaunchStarter } from '../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../shared/campaigns/trigger-due-campaigns';
import { type DynamoHarness, dynamoForFile } from './dynamo-emulator';

/** The journey of a campaign triggered `on` (a schedule...) that exits at once, at `exit`. */
export const triggeredJourney = (on: Record<string, unknown>, exit = 'done'): Journey =>
  journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on, next: exit },
      { id: exit, kind: 'exit' },
    ],
  });

export function scheduledCampaigns(db: DynamoDBDocumentClient, core: string) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const campaigns = dynamoCampaignStore(db, core);
  const index = dynamoCampaignTriggers(db, core);
  const schedule = dynamoCampaignSchedule(db, core);
  const launches = dynamoLaunches(db, core);
  /** The launch ids the trigger runs started, in order. */
  const starts: string[] = [];
  const starter: LaunchStarter = {
    async start(input) {
      starts.push(input.launchId);
    },
  };
  return {
    workspaceId,
    starts,
    /** One run of the scheduled trigger, its clock (and the plan's real clock) `now`. */
    triggerRun: (now: () => Date) =>
      triggerDueCampaigns({
        schedule,
        launches: starter,
        now,
        plan: scheduledLaunchPlan({ campaigns, index, launches, now, realNow: now }),
      }),
    /** A campaign of `on` in the workspace (UTC, re-entry always), created with `deps`. */
    create: async (name: string, on: Journey, deps: CampaignDeps) =>
      (
        await createCampaign(
          workspaceId,
          'u1',
          { name, journey: on, rules: { timeZone: 'UTC', reentry: { mode: 'always' } } } as never,
          deps,
        )
      ).campaignId,
    /** The campaign's record as stored. */
    item: async (id: string) =>
      (await db.send(new GetCommand({ TableName: core, Key: { pk: workspacePk(workspaceId), sk: campaignSk(id) } })))
        .Item ?? {},
    /** The launches started for the campaign `id` (`<id>-<slot>`), in order. */
    launchesOf: (id: string) => starts.filter((l) => l.startsWith(`${id}-`)),
  };
}

/**
 * `scheduledCampaigns` on one clock the test moves, from `start`: the routes' `now` and `realNow`
 * (slots are real time) and the trigger runs' alike, with the trigger wiring written in the
 * record's own write (`wiresTriggers`, as functions/campaigns.ts runs the use cases).
 */
export function scheduledCampaignsOnClock(db: DynamoDBDocumentClient, core: string, start: string) {
  const rig = scheduledCampaigns(db, core);
  const { workspaceId } = rig;
  let real = new Date(start);
  const deps: CampaignDeps = {
    campaigns: dynamoCampaignStore(db, core),
    now: () => real,
    realNow: () => real,
    newId: randomUUID,
    wiresTriggers: true,
  };
  const setClock = (iso: string) => {
    real = new Date(iso);
  };
  return {
    workspaceId,
    deps,
    setClock,
    item: rig.item,
    launchesOf: rig.launchesOf,
    /** A campaign (`Scheduled`) triggered `on`, created now. */
    create: (on: Record<string, unknown>) => rig.create('Scheduled', triggeredJourney(on), deps),
    publish: (id: string) => publishCampaign(workspaceId, id, deps, async (j) => j),
    /** The campaign's `transition`, at `iso`. */
    move: (id: string, transition: 'pause' | 'resume' | 'archive', iso: string) => {
      setClock(iso);
      return transitionCampaign(workspaceId, id, transition, deps);
    },
    /** One run of the scheduled trigger (every 5 minutes) at `iso`. */
    triggerRun: (iso: string) => {
      setClock(iso);
      return rig.triggerRun(() => real);
    },
  };
}

/**
 * The emulator of one test file (started once, in its `beforeAll`), and `scheduledCampaignsOnClock`
 * on its core table for each test that asks, its clock from `start`.
 */
export function scheduledCampaignsForFile(prefix: string) {
  let harness: DynamoHarness | undefined;
  dynamoForFile(prefix, (h) => {
    harness = h;
  });
  return (start: string) => {
    if (!harness) throw new Error('scheduledCampaignsForFile: used before its beforeAll');
    return scheduledCampaignsOnClock(harness.db, harness.table('core'), start);
  };
}
