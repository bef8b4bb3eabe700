/**
 * Review round 17 (r17a), suspicion 2: a schedule slot that falls due while the campaign is paused.
 *
 * Defect: a pause clears the campaign's schedule slot (`nextRunAt`) and a resume writes the next
 * slot after the resume, computed from nothing (the pause left no pending slot to keep). So:
 *  - a one-time `at` campaign paused before its instant and resumed after it never launches: the
 *    resume answers 200, the campaign reads `active`, and it has no slot at all, for good (nothing
 *    says the launch was dropped). The API promises "Pause: timers are held", and the held step
 *    timers of the same pause do run after the resume (keeping their due time);
 *  - a slot that had already come due and was waiting for the 5-minute trigger run (the case the
 *    slot-keeping rule of docs/CAMPAIGNS.md "A slot that came due and was not launched yet is
 *    kept" was written for) is dropped by a pause followed by a resume inside those minutes: a
 *    daily 09:00 launch is skipped that day although the campaign was paused for one minute, at
 *    09:02, after its slot came due.
 *
 * Severity: MEDIUM (a scheduled launch silently never happens; for `at`, the campaign is dead).
 * Root cause: shared/campaigns/campaign-triggers.ts `triggerWiring` (slot() of a non-active
 * campaign is undefined, so the pause write removes the slot) together with
 * shared/adapters/dynamo-campaigns.ts `writeWired` (the resume's `pending` slot is read only from
 * the due index, which the pause emptied).
 * Correct behaviour: a pause keeps the slot it held (out of the due index, e.g. as `heldSlot`, or
 * the trigger run skipping paused campaigns without consuming their slot), and the resume puts a
 * slot that came due meanwhile back as due so the next trigger run launches it, once (launch id of
 * the slot); or at the very least a one-time `at` missed while paused launches at the resume.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
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
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r17a-pslot-';
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

function setUp() {
  const campaigns = dynamoCampaignStore(db, CORE);
  const index = dynamoCampaignTriggers(db, CORE);
  const schedule = dynamoCampaignSchedule(db, CORE);
  const launches = dynamoLaunches(db, CORE);
  // The real clock of the routes (slots are real time), moved by the test.
  let real = new Date('2030-01-01T08:00:00.000Z');
  const deps: CampaignDeps = {
    campaigns,
    now: () => real,
    realNow: () => real,
    newId: randomUUID,
    wiresTriggers: true,
  };
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const starts: string[] = [];
  const starter: LaunchStarter = {
    async start(input) {
      starts.push(input.launchId);
    },
  };
  const set = (iso: string) => {
    real = new Date(iso);
  };
  /** One run of the scheduled trigger (every 5 minutes) at `iso`. */
  const triggerRun = (iso: string) => {
    set(iso);
    return triggerDueCampaigns({
      schedule,
      launches: starter,
      now: () => real,
      plan: scheduledLaunchPlan({ campaigns, index, launches, now: () => real, realNow: () => real }),
    });
  };
  const create = async (on: Record<string, unknown>) =>
    (
      await createCampaign(
        workspaceId,
        'u1',
        { name: 'Scheduled', journey: journeyOn(on), rules: { timeZone: 'UTC', reentry: { mode: 'always' } } } as never,
        deps,
      )
    ).campaignId;
  const publish = (id: string) => publishCampaign(workspaceId, id, deps, async (j) => j);
  const pause = (id: string, iso: string) => {
    set(iso);
    return transitionCampaign(workspaceId, id, 'pause', deps);
  };
  const resume = (id: string, iso: string) => {
    set(iso);
    return transitionCampaign(workspaceId, id, 'resume', deps);
  };
  const slotOf = async (id: string) =>
    (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk(id) } }))).Item
      ?.nextRunAt;
  const launchedOf = (id: string) => [...new Set(starts)].filter((l) => l.startsWith(`${id}-`));
  return { create, publish, pause, resume, triggerRun, slotOf, launchedOf };
}

describe('a schedule slot that comes due while the campaign is paused', () => {
  it('a one-time `at` paused before its instant and resumed after it launches after the resume', async () => {
    const t = setUp();
    const id = await t.create({ type: 'schedule', at: '2030-01-01T09:00:00.000Z' });
    await t.publish(id);
    expect(await t.slotOf(id)).toBe('2030-01-01T09:00:00.000Z');
    await t.pause(id, '2030-01-01T08:30:00.000Z');
    // Runs of the trigger while paused launch nothing (as they should).
    await t.triggerRun('2030-01-01T09:05:00.000Z');
    expect(t.launchedOf(id)).toEqual([]);
    const resumed = await t.resume(id, '2030-01-01T09:30:00.000Z');
    expect(resumed.status).toBe('active');
    await t.triggerRun('2030-01-01T09:35:00.000Z');
    await t.triggerRun('2030-01-01T09:40:00.000Z');
    expect(
      t.launchedOf(id),
      `the campaign is active again but its one-time launch is gone (slot: ${String(await t.slotOf(id))})`,
    ).toEqual([`${id}-20300101090000000`]);
  });

  it('a daily slot that came due, paused and resumed before the trigger run launched it, still launches', async () => {
    const t = setUp();
    const id = await t.create({ type: 'schedule', cron: '0 9 * * ? *' });
    await t.publish(id);
    expect(await t.slotOf(id)).toBe('2030-01-01T09:00:00.000Z');
    // 09:00 came due; the run that launches it comes at 09:05. A one-minute pause at 09:02.
    await t.pause(id, '2030-01-01T09:02:00.000Z');
    await t.resume(id, '2030-01-01T09:03:00.000Z');
    await t.triggerRun('2030-01-01T09:05:00.000Z');
    expect(
      t.launchedOf(id),
      `today's 09:00 launch was dropped by a one-minute pause (slot now ${String(await t.slotOf(id))})`,
    ).toEqual([`${id}-20300101090000000`]);
  });
});
