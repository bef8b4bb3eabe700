// Review round 21: this test failed at c5f6923.
/**
 * Review round 21 (r21a): a schedule slot moved past a spring-forward gap is not "a slot of the
 * trigger" any more once it has come due, so the rules that keep a due slot drop it.
 *
 * A daily `cron(30 2 * * ? *)` in Europe/Berlin: on 2030-03-31 clocks jump 02:00 -> 03:00, so that
 * day's 02:30 fires at 03:30 CEST (01:30Z), as docs/CAMPAIGNS.md and schedule-expression.ts say
 * (a wall time in the gap moves past it). The slot is computed and stored as such. But the check
 * that a pending slot is still one of the trigger's (campaign-triggers.ts `isSlotOf`: "the first
 * one after just before it") asks `nextFireInZone` for the first slot after 01:29:59.999Z, whose
 * wall reading (03:29) is already past 02:30, so it answers Monday's 02:30 and the Sunday slot is
 * "not a slot of the trigger".
 *
 * docs/CAMPAIGNS.md "Triggers": a pause holds the slot and "a held slot that came due meanwhile
 * (and is still a slot of the published trigger) goes back as due, and the next trigger run
 * launches it once". On any other day it does (test/integration/r17a-paused-schedule-slot-lost).
 * On the DST day the resume drops it: that day's scheduled launch silently never happens.
 *
 * Root cause: shared/schedule-expression.ts `nextFireInZone` searches wall-clock readings strictly
 * after the wall reading of `after`, so a reading in the gap whose shifted instant is still after
 * `after` (02:30 -> 03:30 when `after` reads 03:00-03:29) is never found.
 */
import { describe, expect, it } from 'vitest';
import { scheduledCampaignsForFile } from '../support/scheduled-campaigns';

const campaignsOnClock = scheduledCampaignsForFile('r21a-dstslot-');

describe('a schedule slot shifted past a spring-forward gap', () => {
  it('held by a pause and come due meanwhile, it launches after the resume (as on any other day)', async () => {
    const t = campaignsOnClock('2030-03-30T12:00:00.000Z'); // Saturday, the day before Berlin springs forward
    const id = await t.create({ type: 'schedule', cron: '30 2 * * ? *', timeZone: 'Europe/Berlin' });
    await t.publish(id);
    // 02:30 does not exist on Sunday 2030-03-31 in Berlin: the slot is 03:30 CEST.
    expect((await t.item(id)).nextRunAt).toBe('2030-03-31T01:30:00.000Z');
    await t.move(id, 'pause', '2030-03-31T00:00:00.000Z');
    await t.triggerRun('2030-03-31T01:35:00.000Z'); // paused: launches nothing
    expect(t.launchesOf(id)).toEqual([]);
    await t.move(id, 'resume', '2030-03-31T06:00:00.000Z');
    await t.triggerRun('2030-03-31T06:05:00.000Z');
    expect(
      [...new Set(t.launchesOf(id))],
      `the resume dropped Sunday's held slot 03:30 CEST (slot now ${String((await t.item(id)).nextRunAt)})`,
    ).toEqual([`${id}-20300331013000000`]);
  });
});
