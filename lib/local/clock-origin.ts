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
 * No cap on that leap after a kill: the start cannot know when the killed run died, and any cap
 * below the origin's reach could put campaign time behind a due time that run set. So a kill at a
 * high TIME_SCALE followed by a long downtime leaps campaign time by the downtime times the scale;
 * a start ahead of the wall clock says by how much, why (a run that did not stop cleanly), and how
 * to start from the wall clock again (delete clock.json).
 *
 * Every write also goes, first, to `clock.json.copy` (state-file.ts writeJsonStateWithCopy). A
 * `clock.json` that cannot be read (a hand edit, a bad copy) is never taken as "no campaign time
 * yet": it is moved aside (`clock.json.damaged-<ms>`) and the copy restored, with a log line; when
 * the copy cannot be read either, the start is refused with what to do. Cannot be read includes
 * valid JSON holding no campaign time the runtime can use ({@link checkSavedClock}): a time before
 * 1970 or past the year 9999 ({@link LATEST_CAMPAIGN_TIME_MS}; `1e17`, microseconds typed for
 * milliseconds), a scale that is no TIME_SCALE, or an origin a killed run left running that has
 * reached past the year 9999 by now (a long kill at TIME_SCALE=1000000). Nothing out of range is
 * ever written to either file: a clean stop past the year 9999 saves nothing (the next start
 * refuses the origin, saying what to do).
 */
import path from 'node:path';
import { copyOf, DamagedStateFileError, readJsonState, setAside, writeJsonStateWithCopy } from './state-file';

export const CLOCK_FILE = 'clock.json';

/**
 * The latest campaign time the local clock holds: 9999-12-31T23:59:59.999Z. Stamps are stored and
 * compared as ISO strings, whose year has four digits only up to there (then `+010000-…`, which
 * sorts before every earlier year), and a Date ends not far beyond (8.64e15). CLOCK_ORIGIN
 * (shared/config.ts) takes no later time.
 */
export const LATEST_CAMPAIGN_TIME_MS = 253_402_300_799_999;
/** The fastest TIME_SCALE (as shared/config.ts reads it). */
const MAX_SCALE = 1_000_000;

export interface ClockOrigin {
  readonly realMs: number;
  readonly clockMs: number;
  readonly scale: number;
  /** Saves the campaign time of a clean stop (the runtime's last step): the next start carries on from it. */
  stop(): void;
}

/** A clock.json as {@link checkSavedClock} passed it: every field present in range. */
export interface SavedClock {
  readonly realMs?: number;
  readonly clockMs: number;
  readonly scale?: number;
  /** The campaign time a clean stop stopped at (absent after a kill). */
  readonly stoppedAtMs?: number;
}

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const isTime = (value: unknown): value is number =>
  finite(value) !== undefined && (value as number) >= 0 && (value as number) <= LATEST_CAMPAIGN_TIME_MS;

/** A span of campaign time for a person: hours, days or years. */
export function spanText(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  const days = hours / 24;
  return days < 730 ? `${days.toFixed(1)} days` : `${(days / 365.25).toFixed(1)} years`;
}

/** The campaign time the saved clock has reached at real time `nowMs` (0 when there is none). */
export function savedCampaignTime(saved: SavedClock | undefined, nowMs: number): number {
  if (!saved) return 0;
  if (saved.stoppedAtMs !== undefined) return saved.stoppedAtMs;
  // An older file: a sample of campaign time, not an origin.
  if (saved.realMs === undefined || saved.scale === undefined) return saved.clockMs;
  return saved.clockMs + Math.max(0, nowMs - saved.realMs) * saved.scale;
}

/**
 * The parsed JSON of `file` as a saved clock, checked as a start would take it at real time
 * `nowMs`: times from 1970 to {@link LATEST_CAMPAIGN_TIME_MS} (epoch ms), a scale from 1 to
 * 1,000,000, and the campaign time they give now in range too (an origin a kill at a high
 * TIME_SCALE left running may have run past it). Anything else is damage: a
 * {@link DamagedStateFileError} naming `file` says what is wrong.
 */
export function checkSavedClock(value: unknown, file: string, nowMs: number): SavedClock {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DamagedStateFileError(file, 'not a JSON object');
  }
  const fields = value as Record<string, unknown>;
  if (finite(fields.clockMs) === undefined) throw new DamagedStateFileError(file, 'no campaign time (clockMs) in it');
  for (const name of ['clockMs', 'realMs', 'stoppedAtMs'] as const) {
    if (fields[name] === undefined) continue;
    if (finite(fields[name]) === undefined) throw new DamagedStateFileError(file, `${name} is not a number`);
    if (!isTime(fields[name])) {
      throw new DamagedStateFileError(
        file,
        `${name} ${fields[name]} is not a time from 1970 to the year 9999 in epoch milliseconds`,
      );
    }
  }
  if (fields.scale !== undefined) {
    const scale = finite(fields.scale);
    if (scale === undefined) throw new DamagedStateFileError(file, 'scale is not a number');
    if (scale < 1 || scale > MAX_SCALE) {
      throw new DamagedStateFileError(file, `scale ${scale} is not a TIME_SCALE (1 to ${MAX_SCALE})`);
    }
  }
  const saved = fields as unknown as SavedClock;
  const reached = savedCampaignTime(saved, nowMs);
  if (reached > LATEST_CAMPAIGN_TIME_MS) {
    throw new DamagedStateFileError(
      file,
      `its campaign time has run past the year 9999: the last run, at TIME_SCALE=${saved.scale}, did not stop ` +
        `cleanly, and its clock kept running while the runtime was down (${spanText(reached - saved.clockMs)} of ` +
        'campaign time since that run started)',
    );
  }
  return saved;
}

/** The saved clock in `file`, checked (undefined: none); a damaged one throws DamagedStateFileError. */
function readSaved(file: string, nowMs: number): SavedClock | undefined {
  const saved = readJsonState<unknown>(file);
  return saved === undefined ? undefined : checkSavedClock(saved, file, nowMs);
}

/** What a data directory's clock.json gives: the saved clock, and whether it came from the copy. */
export interface ReadClock {
  readonly saved: SavedClock;
  /** Why clock.json itself was passed over, when the saved clock is its copy's. */
  readonly damage?: DamagedStateFileError;
}

/**
 * The saved clock of `file` (clock.json) at real time `nowMs`, without changing any file: `file`'s
 * when it can be read, else its copy's (`damage` says why `file` was passed over); undefined when
 * there is no `file` (a copy without it is not read: what a start would do). When neither can be
 * read, an error naming `file` says what to do. The start and the local backup read it so.
 */
export function readClockFile(file: string, nowMs: number): ReadClock | undefined {
  let damage: DamagedStateFileError;
  try {
    const saved = readSaved(file, nowMs);
    return saved && { saved };
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    damage = error;
  }
  const copy = copyOf(file);
  let restored: SavedClock | undefined;
  let copyState = 'missing';
  try {
    restored = readSaved(copy, nowMs);
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
  return { saved: restored, damage };
}

/**
 * The saved clock; a damaged one restored from its copy (the damaged file moved aside, a line
 * logged), or, with no readable copy, an error saying what to do.
 */
function readSavedOrCopy(file: string, nowMs: number, log: (line: string) => void): SavedClock | undefined {
  const read = readClockFile(file, nowMs);
  if (!read?.damage) return read?.saved;
  const aside = setAside(file);
  log(
    `[clock] ${file} could not be read (${read.damage.reason}): moved to ${aside}; campaign time carries on from ` +
      `its copy ${copyOf(file)} (${new Date(savedCampaignTime(read.saved, nowMs)).toISOString()})`,
  );
  return read.saved;
}

/**
 * What the delays the last run left in the local SQS journal are multiplied by at a start with
 * `scale`: its scale over the new one, at most 1 (a faster start shortens them to the campaign time
 * they stood for; a slower one leaves them, so a real-time delay never grows). 1 without a
 * readable clock.json (the start then deals with it). No file is changed.
 */
export function sqsDelayFactor(dataDir: string, scale: number, nowMs = Date.now()): number {
  let last: number | undefined;
  try {
    last = readClockFile(path.join(dataDir, CLOCK_FILE), nowMs)?.saved.scale;
  } catch {
    return 1;
  }
  return last === undefined ? 1 : Math.min(1, last / scale);
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
  const realMs = Date.now();
  const saved = readSavedOrCopy(file, realMs, log);
  const reached = savedCampaignTime(saved, realMs);
  // In range (readSavedOrCopy checked it; the ceiling of an integer bound is within it): never
  // written otherwise, nor is the copy.
  const clockMs = Math.ceil(Math.max(realMs, reached));
  if (clockMs > LATEST_CAMPAIGN_TIME_MS) throw new Error(`${file}: campaign time ${clockMs} is past the year 9999`);
  writeJsonStateWithCopy(file, { realMs, clockMs, scale });
  const reset = `To start campaign time from the wall clock again, stop the runtime and delete ${file} (whatever was stamped ahead of the wall clock then lies in the future).`;
  if (clockMs - realMs >= 1000 && saved) {
    const killed = saved.stoppedAtMs === undefined && saved.realMs !== undefined && saved.scale !== undefined;
    log(
      `[clock] campaign time carries on from ${file} at ${new Date(clockMs).toISOString()}, ` +
        `${spanText(clockMs - realMs)} ahead of the wall clock` +
        (killed
          ? `: the last run, at TIME_SCALE=${saved.scale}, did not stop cleanly, so its clock kept running while ` +
            `the runtime was down (${spanText(reached - saved.clockMs)} of campaign time since that run started)`
          : '') +
        `. ${reset}`,
    );
  }
  return {
    realMs,
    clockMs,
    scale,
    stop: () => {
      const stoppedAtMs = Math.ceil(clockMs + (Date.now() - realMs) * scale);
      if (stoppedAtMs > LATEST_CAMPAIGN_TIME_MS) {
        // Nothing out of range is written: the origin stays, and the next start refuses what it has reached.
        log(
          `[clock] campaign time has run past the year 9999 (${stoppedAtMs} ms, no Date of the engine's): not ` +
            `saved to ${file}, whose origin the next start will refuse. ${reset}`,
        );
        return;
      }
      writeJsonStateWithCopy(file, { realMs, clockMs, scale, stoppedAtMs });
    },
  };
}
