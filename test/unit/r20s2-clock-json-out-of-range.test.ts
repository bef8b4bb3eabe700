// Review round 20 second re-review (r20s2): clock.json holding valid JSON whose campaign time is
// out of range is taken as good, and the start overwrites the copy that could have restored it.
/**
 * DEFECT (LOW): commit 364efa3 promises that a clock.json "that cannot be read (a hand edit, a bad
 * copy) is never taken as 'no campaign time yet'": it is restored from clock.json.copy or the start
 * is refused naming the file. Its damage check (lib/local/clock-origin.ts `readSaved`) only asks
 * for finite numbers, so a hand edit that is valid JSON but not a campaign time a Date or
 * CLOCK_ORIGIN can hold (`"clockMs": 1e17`, microseconds typed for milliseconds) passes as good:
 * `startClockOrigin` answers that campaign time and writes it to clock.json AND to
 * clock.json.copy, destroying the one good copy; the runtime then fails at
 * `new Date(origin.clockMs).toISOString()` (RangeError: Invalid time value, naming no file) and
 * CLOCK_ORIGIN (`\d{1,16}:\d{1,16}` in shared/config.ts) would fail every function's cold start.
 * Every later start fails the same way, with no copy left to restore from.
 * Root cause: lib/local/clock-origin.ts `readSaved` (no range check of clockMs / stoppedAtMs /
 * realMs) and `startClockOrigin` (writes the copy before anything checks the value it computed).
 * Correct: a saved time outside what a Date (and CLOCK_ORIGIN) can hold is damage: restored from
 * the copy (as a non-JSON file is), and the copy is never overwritten with such a value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startClockOrigin } from '../../lib/local/clock-origin';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('r20s2: clock.json with an out-of-range campaign time', () => {
  it('is restored from its good copy instead of being taken and copied over it', () => {
    // Prepare: a cleanly stopped clock three days ahead (file and copy alike); then clock.json is
    // hand-edited to a time no Date holds.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r20s2-clock-'));
    dirs.push(dir);
    const good = {
      realMs: Date.now() - 1000,
      clockMs: Date.now(),
      scale: 3600,
      stoppedAtMs: Date.now() + 72 * 3_600_000,
    };
    fs.writeFileSync(path.join(dir, 'clock.json.copy'), JSON.stringify(good));
    fs.writeFileSync(path.join(dir, 'clock.json'), JSON.stringify({ ...good, stoppedAtMs: 1e17 }));

    // Act
    let started: ReturnType<typeof startClockOrigin> | undefined;
    let refused: unknown;
    try {
      started = startClockOrigin(dir, 1, () => undefined);
    } catch (error) {
      refused = error;
    }

    // Assess: either refused naming the file, or carried on from the copy; the copy survives.
    const copy = JSON.parse(fs.readFileSync(path.join(dir, 'clock.json.copy'), 'utf8')) as { clockMs: number };
    expect(copy.clockMs, 'clock.json.copy was overwritten with the damaged campaign time').toBeLessThanOrEqual(
      good.stoppedAtMs,
    );
    if (refused === undefined) {
      const clockMs = started?.clockMs as number;
      expect(Number.isNaN(new Date(clockMs).getTime()), `campaign time ${clockMs} is no Date`).toBe(false);
      expect(clockMs).toBe(good.stoppedAtMs);
    } else {
      expect(String(refused)).toMatch(/clock\.json/);
    }
  });
});
