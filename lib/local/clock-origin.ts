/**
 * The accelerated local clock (`TIME_SCALE=3600 npm start`): campaign time runs `scale` times
 * faster than real time from an origin. Campaign time must never run backwards across a
 * restart (timers and due times were set in it), so the last campaign time is kept in the
 * data dir and a restart carries on from there.
 */
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'clock.json';

export interface ClockOrigin {
  readonly realMs: number;
  readonly clockMs: number;
  readonly scale: number;
  /** Stops saving the clock. */
  stop(): void;
}

/** The origin for this start, and a saver that records campaign time every few seconds. */
export function startClockOrigin(dataDir: string, scale: number, saveEveryMs = 2000): ClockOrigin {
  const file = path.join(dataDir, FILE);
  let last = 0;
  try {
    last = Number((JSON.parse(fs.readFileSync(file, 'utf8')) as { clockMs?: unknown }).clockMs) || 0;
  } catch {
    last = 0;
  }
  const realMs = Date.now();
  const clockMs = Math.max(realMs, last);
  const save = () => {
    const now = clockMs + (Date.now() - realMs) * scale;
    fs.writeFileSync(file, JSON.stringify({ clockMs: Math.floor(now), scale }));
  };
  save();
  const timer = setInterval(save, saveEveryMs);
  timer.unref();
  return {
    realMs,
    clockMs,
    scale,
    stop: () => {
      clearInterval(timer);
      save();
    },
  };
}
