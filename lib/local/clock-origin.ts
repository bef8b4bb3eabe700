/**
 * The accelerated local clock (`TIME_SCALE=3600 npm start`): campaign time runs `scale` times
 * faster than real time from an origin (`realMs`, `clockMs`). Campaign time must never run
 * backwards across a restart (timers and due times were set in it), however the last run ended:
 * a clean stop, Ctrl-C, `kill -9`, a crash. So the origin itself is kept in the data dir
 * (`clock.json`: `{realMs, clockMs, scale}`, written atomically when it is set, never sampled),
 * and the next start after a kill carries on from the campaign time that origin has reached by now:
 * `clockMs + (now - realMs) * scale`, at least the wall clock (campaign time kept running while the
 * runtime was down: no instant the killed run could have handed out lies ahead of the restarted
 * clock). A clean stop, the runtime's last step, adds the campaign time it stopped at
 * (`stoppedAtMs`): the next start carries on from there, so campaign time stands still while the
 * runtime is stopped (a night off at 3600x is not five years). A start with another TIME_SCALE
 * carries on from that same campaign time at the new scale (the new origin is saved).
 *
 * A `clock.json` from before origins were kept (`{clockMs, scale}`: a sample of campaign time,
 * written every few seconds) is read as that sample: the start carries on from it, as it did.
 */
import path from 'node:path';
import { readJsonState, writeJsonState } from './state-file';

const FILE = 'clock.json';

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

/** The origin for this start, saved (atomically) before anything can read campaign time from it. */
export function startClockOrigin(dataDir: string, scale: number): ClockOrigin {
  const file = path.join(dataDir, FILE);
  const realMs = Date.now();
  const clockMs = Math.ceil(Math.max(realMs, savedCampaignTime(readJsonState<SavedClock>(file), realMs)));
  writeJsonState(file, { realMs, clockMs, scale });
  return {
    realMs,
    clockMs,
    scale,
    stop: () => {
      const stoppedAtMs = Math.ceil(clockMs + (Date.now() - realMs) * scale);
      writeJsonState(file, { realMs, clockMs, scale, stoppedAtMs });
    },
  };
}
