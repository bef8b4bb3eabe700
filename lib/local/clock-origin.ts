/**
 * The local campaign clock (`npm start`, or `TIME_SCALE=3600 npm start` for an hour per second):
 * campaign time runs `scale` times faster than real time from an origin (`realMs`, `clockMs`).
 * Campaign time must never run backwards across a restart of one data directory (timers and due
 * times were set in it), however the last run ended (a clean stop, Ctrl-C, `kill -9`, a crash) and
 * whatever the scales of the runs: every start, at scale 1 too, takes its origin from here. So the
 * origin itself is kept in the data dir (`clock.json`: `{realMs, clockMs, scale}`, written
 * atomically when it is set, never sampled), and the next start after a kill carries on from the
 * campaign time that origin has reached by now: `clockMs + (now - realMs) * scale` (campaign time
 * kept running while the runtime was down: no instant the killed run could have handed out lies
 * ahead of the restarted clock). A clean stop, the runtime's last step, adds the campaign time it
 * stopped at (`stoppedAtMs`): the next start carries on from there, so campaign time stands still
 * while the runtime is stopped (a night off at 3600x is not five years). A start with another
 * TIME_SCALE, 1 included, carries on from that same campaign time at the new scale (the new
 * origin is saved): after a `TIME_SCALE=3600` run a plain `npm start` runs at real speed, ahead of
 * the wall clock by what the faster run gained.
 *
 * Never behind the wall clock either: a start whose wall clock is already past the saved campaign
 * time starts at the wall clock (no jump back, no offset kept for nothing). Since campaign time
 * stands still while the runtime is stopped, the lead a faster run gained shrinks by every stop's
 * length until the wall clock has caught up, and from then on campaign time is the wall clock.
 *
 * A `clock.json` from before origins were kept (`{clockMs, scale}`: a sample of campaign time,
 * written every few seconds) is read as that sample: the start carries on from it, as it did.
 *
 * Every write also goes, first, to `clock.json.copy` (state-file.ts writeJsonStateWithCopy). A
 * `clock.json` that cannot be read (a hand edit, a bad copy) is never taken as "no campaign time
 * yet": it is moved aside (`clock.json.damaged-<ms>`) and the copy restored, with a log line; when
 * the copy cannot be read either, the start is refused with what to do.
 */
import path from 'node:path';
import { copyOf, DamagedStateFileError, readJsonState, setAside, writeJsonStateWithCopy } from './state-file';

export const CLOCK_FILE = 'clock.json';

export interface ClockOrigin {
  readonly realMs: number;
  readonly clockMs: number;
  readonly scale: number;
  /** Saves the campaign time of a clean stop (the runtime's last step): the next start carries on from it. */
  stop(): void;
}

interface SavedClock {
  realMs?: unknown;
  clockMs?: unknown;
  scale?: unknown;
  /** The campaign time a clean stop stopped at (absent after a kill). */
  stoppedAtMs?: unknown;
}

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The campaign time the saved clock has reached at real time `nowMs` (0 when there is none). */
export function savedCampaignTime(saved: SavedClock | undefined, nowMs: number): number {
  const stoppedAtMs = finite(saved?.stoppedAtMs);
  if (stoppedAtMs !== undefined) return stoppedAtMs;
  const clockMs = finite(saved?.clockMs);
  if (clockMs === undefined) return 0;
  const realMs = finite(saved?.realMs);
  const scale = finite(saved?.scale);
  // An older file: a sample of campaign time, not an origin.
  if (realMs === undefined || scale === undefined || scale < 1) return clockMs;
  return clockMs + Math.max(0, nowMs - realMs) * scale;
}

/** The saved clock in `file` (undefined: none); one without a campaign time in it is damaged. */
function readSaved(file: string): SavedClock | undefined {
  const saved = readJsonState<unknown>(file);
  if (saved === undefined) return undefined;
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) {
    throw new DamagedStateFileError(file, 'not a JSON object');
  }
  const fields = saved as SavedClock;
  if (finite(fields.clockMs) === undefined) throw new DamagedStateFileError(file, 'no campaign time (clockMs) in it');
  for (const name of ['realMs', 'scale', 'stoppedAtMs'] as const) {
    if (fields[name] !== undefined && finite(fields[name]) === undefined) {
      throw new DamagedStateFileError(file, `${name} is not a number`);
    }
  }
  return fields;
}

/**
 * The saved clock; a damaged one restored from its copy (the damaged file moved aside, a line
 * logged), or, with no readable copy, an error saying what to do.
 */
function readSavedOrCopy(file: string, log: (line: string) => void): SavedClock | undefined {
  let damage: DamagedStateFileError;
  try {
    return readSaved(file);
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    damage = error;
  }
  const copy = copyOf(file);
  let restored: SavedClock | undefined;
  let copyState = 'missing';
  try {
    restored = readSaved(copy);
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    copyState = error.reason;
  }
  if (!restored) {
    throw new Error(
      `${file} cannot be read (${damage.reason}), nor can its copy ${copy} (${copyState}): the campaign time of ` +
        'this data directory is unknown, and starting from the wall clock could send it backwards (waits and due ' +
        `times were set in it). Repair ${file} by hand ({"clockMs": <campaign time, epoch ms>} carries on from that ` +
        'campaign time), or delete it to start campaign time from the wall clock again (whatever was stamped ahead ' +
        'of the wall clock then lies in the future).',
    );
  }
  const aside = setAside(file);
  log(
    `[clock] ${file} could not be read (${damage.reason}): moved to ${aside}; campaign time carries on from its ` +
      `copy ${copy} (${new Date(savedCampaignTime(restored, Date.now())).toISOString()})`,
  );
  return restored;
}

/** TIME_SCALE as the functions' config reads it: blank or absent is 1; anything but 1 to 1,000,000 is refused. */
export function localTimeScale(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale < 1 || scale > 1_000_000) {
    throw new Error(
      `TIME_SCALE must be a number from 1 to 1000000 (how many times faster campaign time runs), not "${value}"`,
    );
  }
  return scale;
}

/**
 * The origin for this start (any scale, 1 included), saved (atomically, with its copy) before
 * anything can read campaign time from it.
 */
export function startClockOrigin(
  dataDir: string,
  scale: number,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): ClockOrigin {
  const file = path.join(dataDir, CLOCK_FILE);
  const saved = readSavedOrCopy(file, log);
  const realMs = Date.now();
  const clockMs = Math.ceil(Math.max(realMs, savedCampaignTime(saved, realMs)));
  writeJsonStateWithCopy(file, { realMs, clockMs, scale });
  return {
    realMs,
    clockMs,
    scale,
    stop: () => {
      const stoppedAtMs = Math.ceil(clockMs + (Date.now() - realMs) * scale);
      writeJsonStateWithCopy(file, { realMs, clockMs, scale, stoppedAtMs });
    },
  };
}
