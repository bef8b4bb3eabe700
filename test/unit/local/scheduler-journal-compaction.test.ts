/**
 * Review round 13: this test failed at 3c0df96 (the journal line that triggered a compaction was
 * erased: a delivered schedule came back after a restart, a created one vanished).
 *
 * Review 13 (launch & timers), finding: the local Scheduler's journal loses the change whose
 * append triggers a compaction.
 *
 * Severity: MEDIUM (local runtime; breaks "the local scheduler survives restarts" and "no
 * double-firing after a restart").
 * At fault: lib/local/scheduler-store.ts `SchedulerStore.append` (called by put/delete before
 * the in-memory map is changed): when the appended line pushes `linesSinceCompaction` over the
 * threshold, `compact()` rewrites the journal from the map, which does not hold the change yet,
 * so the line just written (and acknowledged to the caller) is erased from disk.
 *  - the lost line is a `delete` (a schedule delivered, ActionAfterCompletion DELETE): after a
 *    restart the schedule is back and fires a second time;
 *  - the lost line is a `put` (CreateSchedule answered 200): after a restart the timer is gone.
 * Suggested fix: apply the change to the maps first and compact after (or compact from the map
 * plus the pending line), i.e. in put/delete call `this.schedules.set/delete` before the
 * compaction check, keeping the append itself before the acknowledgement.
 * Fixed: `record` appends the line, applies it to the maps, then compacts (temporary file,
 * fsync, rename).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerStore, type StoredSchedule } from '../../../lib/local/scheduler-store';

const GROUP = 'unite-hub-local-campaign-steps';
const dirs: string[] = [];
const freshDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scheduler-journal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const schedule = (name: string, dueAtMs: number): StoredSchedule => ({
  Name: name,
  GroupName: GROUP,
  Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${GROUP}/${name}`,
  ScheduleExpression: 'at(2030-01-01T00:00:00)',
  State: 'ENABLED',
  ActionAfterCompletion: 'DELETE',
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: {
    Arn: 'arn:aws:sqs:us-east-1:000000000000:unite-hub-local-drip-steps',
    RoleArn: 'arn:aws:iam::000000000000:role/x',
    Input: JSON.stringify({ name }),
  },
  CreationDate: 0,
  LastModificationDate: 0,
  dueAtMs,
});

/** Writes `n` journal lines that change nothing lasting (re-puts of one schedule). */
const filler = (store: SchedulerStore, n: number) => {
  for (let i = 0; i < n; i++) store.put(schedule('filler', Date.UTC(2030, 0, 1)));
};

describe('local scheduler journal across a compaction', () => {
  it('a delivered schedule (deleted) stays deleted after a restart: no second firing', () => {
    const dir = freshDir();
    const store = new SchedulerStore(dir, () => undefined);
    store.putGroup({ Name: GROUP, Arn: 'arn:group', CreationDate: 0 }); // line 1 since the start's compaction
    store.put(schedule('fired', Date.UTC(2020, 0, 1))); // line 2
    filler(store, 998); // lines 3..1000
    // Delivered: the delete is line 1001, the one that triggers the compaction.
    store.delete(GROUP, 'fired');
    expect(store.get(GROUP, 'fired')).toBeUndefined();

    const restarted = new SchedulerStore(dir, () => undefined);
    // Failed at 3c0df96: the compaction wrote the map before the delete reached it; the schedule is
    // back, due, and fires again at this start.
    expect(restarted.get(GROUP, 'fired')).toBeUndefined();
  });

  it('a created schedule survives a restart even when its journal line triggers a compaction', () => {
    const dir = freshDir();
    const store = new SchedulerStore(dir, () => undefined);
    store.putGroup({ Name: GROUP, Arn: 'arn:group', CreationDate: 0 }); // line 1
    filler(store, 999); // lines 2..1000
    store.put(schedule('timer', Date.UTC(2030, 0, 2))); // line 1001: acknowledged to the caller
    expect(store.get(GROUP, 'timer')).toBeDefined();

    const restarted = new SchedulerStore(dir, () => undefined);
    // Failed at 3c0df96: the compaction rewrote the journal without it; the wait's timer is gone.
    expect(restarted.get(GROUP, 'timer')?.Name).toBe('timer');
  });
});
