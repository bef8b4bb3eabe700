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
import { describe, expect, it } from 'vitest';
import { scheduledCampaignsForFile } from '../support/scheduled-campaigns';

const campaignsOnClock = scheduledCampaignsForFile('r17a-pslot-');

function setUp() {
  // The real clock of the routes (slots are real time), moved by the test.
  const t = campaignsOnClock('2030-01-01T08:00:00.000Z');
  return {
    ...t,
    pause: (id: string, iso: string) => t.move(id, 'pause', iso),
    resume: (id: string, iso: string) => t.move(id, 'resume', iso),
    slotOf: async (id: string) => (await t.item(id)).nextRunAt,
    launchedOf: (id: string) => [...new Set(t.launchesOf(id))],
  };
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
