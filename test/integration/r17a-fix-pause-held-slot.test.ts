// Review round 17: this test failed at 2d3df06.
// A pause dropped the campaign's schedule slot and the resume computed the next one after the
// resume: a slot that fell due while paused was never launched. A pause now holds the slot (on the
// record, out of the due index) and the resume puts it back, due when it came due meanwhile.
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
  updateCampaign,
} from '../../shared/campaigns/campaign';
import { scheduledLaunchPlan } from '../../shared/campaigns/campaign-triggers';
import { journey } from '../../shared/campaigns/journey';
import type { LaunchStarter } from '../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../shared/campaigns/trigger-due-campaigns';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r17a-fphs-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

function setUp() {
  const campaigns = dynamoCampaignStore(db, CORE);
  const index = dynamoCampaignTriggers(db, CORE);
  const schedule = dynamoCampaignSchedule(db, CORE);
  const launches = dynamoLaunches(db, CORE);
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
  const at = (iso: string) => {
    real = new Date(iso);
  };
  const triggerRun = (iso: string) => {
    at(iso);
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
        {
          name: 'Scheduled',
          journey: journey.parse({
            nodes: [
              { id: 'start', kind: 'trigger', on, next: 'done' },
              { id: 'done', kind: 'exit' },
            ],
          }),
          rules: { timeZone: 'UTC', reentry: { mode: 'always' } },
        } as never,
        deps,
      )
    ).campaignId;
  const publish = (id: string) => publishCampaign(workspaceId, id, deps, async (j) => j);
  const move = (id: string, transition: 'pause' | 'resume' | 'archive', iso: string) => {
    at(iso);
    return transitionCampaign(workspaceId, id, transition, deps);
  };
  const rename = (id: string, iso: string) => {
    at(iso);
    return updateCampaign(workspaceId, id, { name: 'Renamed' }, deps);
  };
  const item = async (id: string) =>
    (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk(id) } })))
      .Item ?? {};
  const starts_ = (id: string) => starts.filter((l) => l.startsWith(`${id}-`));
  return { create, publish, move, rename, triggerRun, item, starts: starts_ };
}

describe('a pause holds the schedule slot; the resume puts it back', () => {
  it('a daily slot that fell due during a three-day pause launches once after the resume, never while paused', async () => {
    const t = setUp();
    const id = await t.create({ type: 'schedule', cron: '0 9 * * ? *' });
    await t.publish(id);
    await t.move(id, 'pause', '2030-01-01T08:30:00.000Z');
    const paused = await t.item(id);
    expect(paused.nextRunAt, 'out of the due index while paused').toBeUndefined();
    expect(paused.gsi1pk).toBeUndefined();
    expect(paused.heldSlot, 'the slot is held on the record').toBe('2030-01-01T09:00:00.000Z');
    for (const run of ['2030-01-01T09:05:00.000Z', '2030-01-02T09:05:00.000Z', '2030-01-03T09:05:00.000Z']) {
      await t.triggerRun(run);
    }
    expect(t.starts(id), 'nothing fires while paused').toEqual([]);
    // An edit while paused keeps the held slot.
    await t.rename(id, '2030-01-03T10:00:00.000Z');
    expect((await t.item(id)).heldSlot).toBe('2030-01-01T09:00:00.000Z');

    await t.move(id, 'resume', '2030-01-03T12:00:00.000Z');
    const resumed = await t.item(id);
    expect(resumed.heldSlot).toBeUndefined();
    expect(resumed.nextRunAt, 'the missed slot is due again').toBe('2030-01-01T09:00:00.000Z');
    await t.triggerRun('2030-01-03T12:05:00.000Z');
    await t.triggerRun('2030-01-03T12:10:00.000Z');
    expect(t.starts(id), 'one launch, under the held slot’s own launch id').toEqual([`${id}-20300101090000000`]);
    expect((await t.item(id)).nextRunAt, 'then the next slot after now').toBe('2030-01-04T09:00:00.000Z');
  });

  it('a slot still to come when resumed stays that slot, and launches at its time', async () => {
    const t = setUp();
    const id = await t.create({ type: 'schedule', at: '2030-01-01T09:00:00.000Z' });
    await t.publish(id);
    await t.move(id, 'pause', '2030-01-01T08:10:00.000Z');
    await t.move(id, 'resume', '2030-01-01T08:20:00.000Z');
    expect((await t.item(id)).nextRunAt).toBe('2030-01-01T09:00:00.000Z');
    await t.triggerRun('2030-01-01T08:25:00.000Z');
    expect(t.starts(id)).toEqual([]);
    await t.triggerRun('2030-01-01T09:00:00.000Z');
    expect(t.starts(id)).toEqual([`${id}-20300101090000000`]);
  });

  it('an archive of a paused campaign drops its held slot: nothing launches after', async () => {
    const t = setUp();
    const id = await t.create({ type: 'schedule', at: '2030-01-01T09:00:00.000Z' });
    await t.publish(id);
    await t.move(id, 'pause', '2030-01-01T08:10:00.000Z');
    await t.move(id, 'archive', '2030-01-01T08:20:00.000Z');
    const archived = await t.item(id);
    expect(archived.heldSlot).toBeUndefined();
    expect(archived.nextRunAt).toBeUndefined();
    await t.triggerRun('2030-01-01T09:05:00.000Z');
    expect(t.starts(id)).toEqual([]);
  });
});
