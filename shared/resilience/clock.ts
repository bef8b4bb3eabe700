/**
 * The time port. Retry delays, breaker windows and per-attempt timeouts all read time
 * through a {@link Clock}, so tests drive time with a fake clock instead of waiting.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch (HTTP-date `Retry-After` values are compared to it). */
  now(): number;
  /**
   * Resolves after `ms`. Rejects with `signal.reason` as soon as `signal` aborts, so a
   * caller who gives up never waits out a backoff.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
