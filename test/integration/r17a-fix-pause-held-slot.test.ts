// Review round 17: this test failed at 2d3df06.
// A pause dropped the campaign's schedule slot and the resume computed the next one after the
// resume: a slot that fell due while paused was never launched. A pause now holds the slot (on the
// record, out of the due index) and the resume puts it back, due when it came due meanwhile.
import { describe, expect, it } from 'vitest';
import { updateCampaign } from '../../shared/campaigns/campaign';
import { scheduledCampaignsForFile } from '../support/scheduled-campaigns';

const campaignsOnClock = scheduledCampaignsForFile('r17a-fphs-');

function setUp() {
  const t = campaignsOnClock('2030-01-01T08:00:00.000Z');
  const rename = (id: string, iso: string) => {
    t.setClock(iso);
    return updateCampaign(t.workspaceId, id, { name: 'Renamed' }, t.deps);
  };
  return { ...t, rename, starts: t.launchesOf };
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
