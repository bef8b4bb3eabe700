// Review round 16: this test failed at 5bc3520.
/**
 * Review round 16 (triggers). DEFECT: a cron-scheduled campaign stops firing for good when the
 * trigger run fails (a throttled write, a timeout, the process killed) between clearing the slot it
 * launched and writing the next one.
 *
 * SEVERITY: HIGH (a daily/weekly campaign silently never launches again; nothing reports it after
 * the one failed run, and no sweep repairs it: the slot is gone from the due index).
 *
 * ROOT CAUSE: shared/campaigns/trigger-due-campaigns.ts launchSlot: `schedule.markLaunched`
 * (REMOVE nextRunAt, gsi1pk, gsi1sk) and `plan.scheduleNext` (SET the next slot) are two separate
 * writes. When the second one fails, the run reports the slot in `failed` ("it stays due, and the
 * next run tries it again") but it does not stay due: it was already removed from the due index,
 * so no later run sees the campaign again, and its next slot is never written.
 *
 * CORRECT: the launched slot is replaced by the next one in one conditional write (SET nextRunAt
 * = :next ... CONDITION gsi1sk = :slot), or the slot is cleared only once the next one is written,
 * so a failure at any point leaves a slot due and the following run fixes it up. After the failed
 * run, the next day's 09:00 run must launch the campaign.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule, dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { campaignSk, workspacePk } from '../../shared/adapters/keys';
import { type CampaignDeps, createCampaign, publishCampaign } from '../../shared/campaigns/campaign';
import { scheduledLaunchPlan, syncCampaignTriggers } from '../../shared/campaigns/campaign-triggers';
import { type Journey, journey } from '../../shared/campaigns/journey';
import type { LaunchStarter } from '../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../shared/campaigns/trigger-due-campaigns';
import type { CampaignTriggerIndex } from '../../shared/campaigns/trigger-ports';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r16t-next-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const DAILY: Journey = journey.parse({
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'schedule', cron: '0 9 * * ? *' }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
});
const at = (iso: string) => () => new Date(iso);

describe('the scheduled trigger run that fails after clearing the launched slot', () => {
  it('leaves the daily campaign with a slot, so the next day still launches', async () => {
    const campaigns = dynamoCampaignStore(db, CORE);
    const index = dynamoCampaignTriggers(db, CORE);
    const schedule = dynamoCampaignSchedule(db, CORE);
    const launches = dynamoLaunches(db, CORE);
    const deps: CampaignDeps = { campaigns, now: () => new Date(), newId: randomUUID };
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const { campaignId } = await createCampaign(
      workspaceId,
      'u1',
      { name: 'Daily', journey: DAILY, rules: { timeZone: 'UTC', reentry: { mode: 'always' } } } as never,
      deps,
    );
    const published = await publishCampaign(workspaceId, campaignId, deps, async (j) => j);
    await syncCampaignTriggers(published, { campaigns, index, now: at('2030-01-01T08:00:00.000Z') });

    // The write of the next slot is throttled once (ProvisionedThroughputExceeded, a timeout...).
    let failNext = true;
    const flaky: CampaignTriggerIndex = {
      ...index,
      async scheduleNext(...args) {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
            name: 'ProvisionedThroughputExceededException',
          });
        }
        return index.scheduleNext(...args);
      },
    };
    // As the port's contract says (and the state machine does: one execution per launch id),
    // starting the same launch id again is a no-op: the retry of a slot whose start went through
    // starts no second execution, so the executions are the distinct ids started.
    const starts: string[] = [];
    const starter: LaunchStarter = {
      async start(input) {
        if (!starts.includes(input.launchId)) starts.push(input.launchId);
      },
    };
    const run = (now: string) =>
      triggerDueCampaigns({
        schedule,
        launches: starter,
        now: at(now),
        plan: scheduledLaunchPlan({ campaigns, index: flaky, launches, now: at(now), realNow: at(now) }),
      });

    const first = await run('2030-01-01T09:05:00.000Z');
    // The run reports the slot as failed ("it stays due: the next run tries it again").
    expect(first.failed).toHaveLength(1);
    // Later runs (every 5 minutes) through the next day's 09:00 slot.
    await run('2030-01-01T09:10:00.000Z');
    await run('2030-01-02T09:05:00.000Z');

    const record = (
      await db.send(
        new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk(campaignId) } }),
      )
    ).Item;
    // The campaign must still have a slot, and the 2 January 09:00 slot must have launched.
    expect(
      { nextRunAt: record?.nextRunAt, launches: starts },
      'the schedule died: the slot was removed before the next one was written, and nothing ever writes it again',
    ).toEqual({
      nextRunAt: '2030-01-03T09:00:00.000Z',
      launches: [`${campaignId}-20300101090000000`, `${campaignId}-20300102090000000`],
    });
  });
});
