/**
 * Campaign time. In the cloud it is the wall clock. Locally it runs from an origin the runtime
 * sets at every start (lib/local/clock-origin.ts), so it carries on across restarts: faster
 * (`TIME_SCALE=3600 npm start`: an hour per second, a three-day journey in about a minute), or at
 * real speed, then possibly ahead of the wall clock by what an earlier faster run gained. Every
 * part that waits (SQS delays, one-time schedules, send windows) converts through the same clock.
 */
export interface Clock {
  /** Campaign time now. */
  now(): Date;
  /** How long, in real milliseconds, until campaign time reaches `at` (0 if it has). */
  realDelayMs(at: Date): number;
  /**
   * The campaign time of a real instant: what a provider stamped (a delivery, a bounce) placed on
   * the campaign clock, so it lands after the send it follows (the same instant in the cloud).
   */
  fromReal(realMs: number): Date;
  readonly scale: number;
}

/**
 * A clock that runs `scale` times faster than real time from `origin` (real ms, clock ms); at
 * scale 1 it runs at real speed, offset by `clockMs - realMs`. Without an origin: the wall clock.
 */
export function scaledClock(
  scale = 1,
  origin?: { realMs: number; clockMs: number },
  realNow: () => number = Date.now,
): Clock {
  if (!origin) {
    return {
      now: () => new Date(realNow()),
      realDelayMs: (at) => Math.max(0, at.getTime() - realNow()),
      fromReal: (realMs) => new Date(realMs),
      scale: 1,
    };
  }
  const at = (realMs: number) => origin.clockMs + (realMs - origin.realMs) * scale;
  const now = () => at(realNow());
  return {
    now: () => new Date(now()),
    realDelayMs: (when) => Math.max(0, Math.ceil((when.getTime() - now()) / scale)),
    fromReal: (realMs) => new Date(at(realMs)),
    scale,
  };
}

/** Reads `<realMs>:<clockMs>`, as the local runtime writes CLOCK_ORIGIN. */
export function parseClockOrigin(value: string | undefined): { realMs: number; clockMs: number } | undefined {
  const match = /^(\d+):(\d+)$/.exec(value ?? '');
  return match ? { realMs: Number(match[1]), clockMs: Number(match[2]) } : undefined;
}
