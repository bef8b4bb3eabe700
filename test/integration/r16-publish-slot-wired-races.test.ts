// Review round 16: this test failed at 5bc3520.
// A publish or a resume wrote its slot in a second write after the record (the route's sync); now
// the record's own write carries it, and these are the races that write meets.
/**
 * Against the embedded DynamoDB emulator, through the real use cases with the wiring written in the
 * record's write (`wiresTriggers`, as functions/campaigns.ts runs them) and the scheduled trigger
 * (`triggerDueCampaigns`): a republish after the slot came due keeps it for the next run; a
 * trigger run that launches the slot and writes the next one between the write's read of the
 * record and its write makes the write read again (its condition is the slot it read), so the
 * launched slot does not come back; a pause racing a launch leaves no slot; a resume has one.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import {
  type CampaignDeps,
  publishCampaign,
  transitionCampaign,
  updateCampaign,
} from '../../shared/campaigns/campaign';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { triggeredJourney as journeyOn, scheduledCampaigns } from '../support/scheduled-campaigns';

const PREFIX = 'r16pw-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const DAILY = journeyOn({ type: 'schedule', cron: '0 9 * * ? *' });
const DAILY_EDITED = journeyOn({ type: 'schedule', cron: '0 9 * * ? *' }, 'end');
/** Twice a day: 09:00 is still one of its slots, and 18:00 comes before the old schedule's next. */
const TWICE_DAILY = journeyOn({ type: 'schedule', cron: '0 9,18 * * ? *' });

const at = (iso: string) => () => new Date(iso);
const EIGHT = '2030-01-01T08:00:00.000Z';
const NINE = '2030-01-01T09:00:00.000Z';
const NINE_OH_TWO = '2030-01-01T09:02:00.000Z';
const NINE_OH_FIVE = '2030-01-01T09:05:00.000Z';
const TOMORROW_NINE = '2030-01-02T09:00:00.000Z';
const EIGHTEEN = '2030-01-01T18:00:00.000Z';

function setUp() {
  const rig = scheduledCampaigns(db, CORE);
  const { workspaceId } = rig;
  /** The real clock the wiring is computed on (slots are real time). */
  let realNow = EIGHT;
  /** Runs once, right after the store's next read of the campaign record (then cleared). */
  let afterRecordRead: (() => Promise<unknown>) | undefined;
  const interleaving = interceptedClient(db, async (command, send) => {
    const out = await send(command);
    const hook = afterRecordRead;
    const key = command instanceof GetCommand ? command.input.Key : undefined;
    if (hook && typeof key?.sk === 'string' && key.sk.startsWith('CAMPAIGN#')) {
      afterRecordRead = undefined;
      await hook();
    }
    return out;
  });
  const campaigns = dynamoCampaignStore(interleaving, CORE);
  const deps: CampaignDeps = {
    campaigns: {
      ...campaigns,
      // The hook applies to the write's own read of the record, not to the use case's `get`.
      publish: (next, version, options) => {
        armed?.();
        return campaigns.publish(next, version, options);
      },
    },
    now: () => new Date(),
    newId: randomUUID,
    realNow: () => new Date(realNow),
    wiresTriggers: true,
  };
  let armed: (() => void) | undefined;
  const triggerRun = (now: string) => rig.triggerRun(at(now));
  const create = (on: Parameters<typeof rig.create>[1]) =>
    rig.create('Daily', on, { ...deps, realNow: () => new Date(EIGHT) });
  const slotOf = async (id: string) => (await rig.item(id)).nextRunAt;
  return {
    workspaceId,
    deps,
    create,
    triggerRun,
    slotOf,
    publish: (id: string, now: string) => {
      realNow = now;
      return publishCampaign(workspaceId, id, deps, async (j) => j);
    },
    transition: (id: string, name: 'pause' | 'resume', now: string) => {
      realNow = now;
      return transitionCampaign(workspaceId, id, name, deps);
    },
    /** `act` with `race` run right after the store's publish read the record, before it writes. */
    async racing<T>(race: () => Promise<unknown>, act: () => Promise<T>): Promise<T> {
      armed = () => {
        afterRecordRead = race;
        armed = undefined;
      };
      return act();
    },
    startsOf: (id: string, slot: string) =>
      rig.starts.filter((l) => l === `${id}-${slot.replace(/[^0-9]/g, '')}`).length,
  };
}

describe('the slot written with the record', () => {
  it('a first publish writes the next slot; a republish after it came due keeps it for the next run', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.publish(id, EIGHT);
    expect(await t.slotOf(id)).toBe(NINE);
    await updateCampaign(t.workspaceId, id, { journey: DAILY_EDITED }, { ...t.deps, realNow: at(NINE_OH_TWO) });
    await t.publish(id, NINE_OH_TWO);
    expect(await t.slotOf(id)).toBe(NINE);
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.startsOf(id, NINE)).toBe(1);
    expect(await t.slotOf(id)).toBe(TOMORROW_NINE);
  });

  it('a trigger run that launched the slot between the write read the record and wrote it: the write reads again', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.publish(id, EIGHT);
    await updateCampaign(t.workspaceId, id, { journey: TWICE_DAILY }, { ...t.deps, realNow: at(NINE_OH_TWO) });
    // The republish reads NINE, due, unlaunched and a slot of the new schedule too: it would keep it.
    // The run launches it and writes the old schedule's next (tomorrow 09:00) before the write.
    await t.racing(
      () => t.triggerRun(NINE_OH_TWO),
      () => t.publish(id, NINE_OH_TWO),
    );
    // Not the old schedule's slot, which would skip today's 18:00: the new one's next.
    expect(await t.slotOf(id)).toBe(EIGHTEEN);
    await t.triggerRun(NINE_OH_FIVE);
    // Started once: the republish did not put the launched slot back for another start.
    expect(t.startsOf(id, NINE)).toBe(1);
    expect(await t.slotOf(id)).toBe(EIGHTEEN);
  });

  // Round 17 (r17a): a pause holds the slot (out of the due index) instead of dropping it, and the
  // resume puts back the one that came due and was not launched (docs/CAMPAIGNS.md).
  it('a pause takes the slot out of the due index in its own write, so no run launches it; a resume puts it back', async () => {
    const t = setUp();
    const id = await t.create(DAILY);
    await t.publish(id, EIGHT);
    await t.transition(id, 'pause', NINE_OH_TWO);
    expect(await t.slotOf(id)).toBeUndefined();
    await t.triggerRun(NINE_OH_FIVE);
    expect(t.startsOf(id, NINE)).toBe(0);
    expect(await t.slotOf(id)).toBeUndefined();
    await t.transition(id, 'resume', NINE_OH_FIVE);
    expect(await t.slotOf(id)).toBe(NINE);
    await t.triggerRun('2030-01-01T09:10:00.000Z');
    expect(t.startsOf(id, NINE)).toBe(1);
    expect(await t.slotOf(id)).toBe(TOMORROW_NINE);
  });
});
