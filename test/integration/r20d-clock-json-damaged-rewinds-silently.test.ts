/**
 * Review round 20 (r20d): a damaged DATA_DIR/clock.json silently sends the TIME_SCALE campaign
 * clock back to the wall clock.
 *
 * Defect: `TIME_SCALE=3600 npm start` on a data directory whose clock.json cannot be parsed (cut
 * short, edited by hand, a bad copy) starts without a word at the wall clock, however far ahead the
 * saved campaign time was: readJsonState answers `undefined` for "no file" and for "unreadable file"
 * alike, and startClockOrigin takes both as "no campaign time yet", then overwrites the damaged
 * file with the rewound origin, so the evidence is gone too. Every other state file of the data
 * directory says what happened: a damaged stepfunctions/executions.json is restored from its
 * `.prev` or fails the start with what to do, a damaged secret.key is moved aside with a log line,
 * a damaged emulator snapshot fails the start naming the file. Campaign time running backwards is
 * what clock-origin.ts exists to prevent ("must never run backwards across a restart, however the
 * last run ended"): the enrolments' waits and windows were set in it (see
 * r20d-clock-scale-dropped-rewinds.test.ts for the consequences).
 *
 * Severity: LOW (needs a damaged file: the runtime writes it atomically; but the result is silent).
 *
 * Root cause: lib/local/clock-origin.ts startClockOrigin (reads clock.json with readJsonState,
 * lib/local/state-file.ts, which swallows parse errors).
 *
 * Correct behaviour: an unreadable clock.json is not "none": keep the previous version and restore
 * it, or refuse the start with a message naming the file and what to do (as executions.json does);
 * at the least it is moved aside with a log line, never overwritten silently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startClockOrigin } from '../../lib/local/clock-origin';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-clockjson-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a damaged clock.json (r20d)', () => {
  it('is not read as "no campaign time yet": the clock does not silently go back to the wall clock', () => {
    const file = path.join(dir, 'clock.json');
    // A runtime stopped cleanly three days of campaign time ahead of the wall clock.
    const realMs = Date.now() - 60_000;
    const stoppedAtMs = Date.now() + 3 * 86_400_000;
    const text = `${JSON.stringify({ realMs, clockMs: realMs, scale: 3600, stoppedAtMs }, null, 2)}\n`;
    // Cut short (the last bytes missing).
    fs.writeFileSync(file, text.slice(0, text.length - 5));

    let origin: ReturnType<typeof startClockOrigin> | undefined;
    let refusal: Error | undefined;
    try {
      origin = startClockOrigin(dir, 3600);
    } catch (error) {
      refusal = error as Error;
    }
    if (refusal) {
      // Refusing, naming the file, is a correct answer.
      expect(refusal.message).toMatch(/clock\.json/);
      return;
    }
    const behindHours = Math.round((stoppedAtMs - (origin?.clockMs ?? 0)) / 3_600_000);
    expect(
      origin?.clockMs,
      `campaign time started ${behindHours} h behind the saved one, and clock.json now holds ${fs.readFileSync(file, 'utf8').replace(/\s+/g, ' ')}`,
    ).toBeGreaterThanOrEqual(stoppedAtMs);
  });
});
