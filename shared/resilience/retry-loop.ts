/**
 * The retry loop of {@link retry}, with the error classifier as a parameter: a caller whose
 * retryable errors are its own (e.g. the DynamoDB toolkit's unprocessed batch items) passes a
 * classifier of its own and does not bundle the provider-error classifier.
 */
import type { ClassifyContext, ErrorClassification } from './classify-error';
import { type Clock, systemClock } from './clock';
import { RetryExhaustedError } from './errors';

export interface RetryInfo {
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  /** How long we wait before the next attempt. */
  readonly delayMs: number;
  readonly error: unknown;
  /** The server's requested wait, when it sent one (then `delayMs` equals it). */
  readonly retryAfterMs?: number;
}

export interface RetryOptions {
  /** Retries after the first attempt; default 3 (so 4 calls at most). */
  readonly retries?: number;
  /** Backoff before the first retry, before jitter; default 1000 ms. */
  readonly baseMs?: number;
  /** Ceiling of the exponential backoff, before jitter; default 30 000 ms. */
  readonly capMs?: number;
  /**
   * The longest `Retry-After` we honour; default 60 000 ms. A server asking for longer
   * makes us give up at once: waiting longer than a Lambda should block on one call is
   * pointless, and the caller's fallback provider (or the queue's redelivery) does better.
   */
  readonly maxRetryAfterMs?: number;
  /** Per-attempt timeout; the attempt's signal aborts with a `TimeoutError` and the attempt is retried. Default none. */
  readonly attemptTimeoutMs?: number;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Returns [0, 1); default `Math.random`. Injected so tests can pin the jitter. */
  readonly random?: () => number;
  /** The caller's signal: aborting it stops at once, rejecting with `signal.reason`, with no further attempt. */
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log or count retries. Exceptions propagate. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Overrides the default decision (`classifyError(error).retryable`). */
  readonly isRetryable?: (error: unknown, classification: ErrorClassification) => boolean;
}

/** The reference's resilience settings. */
export const RETRY_DEFAULTS = {
  retries: 3,
  baseMs: 1000,
  capMs: 30_000,
  maxRetryAfterMs: 60_000,
} as const;

/**
 * Calls `fn` until it succeeds, `classify` calls an error not retryable, or attempts run out;
 * see {@link retry}.
 */
export async function retryWith<T>(
  fn: (attempt: number, signal: AbortSignal) => Promise<T>,
  classify: (error: unknown, context: ClassifyContext) => ErrorClassification,
  opts: RetryOptions = {},
): Promise<T> {
  const retries = opts.retries ?? RETRY_DEFAULTS.retries;
  const baseMs = opts.baseMs ?? RETRY_DEFAULTS.baseMs;
  const capMs = opts.capMs ?? RETRY_DEFAULTS.capMs;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const { signal } = opts;
  if (!Number.isInteger(retries) || retries < 0)
    throw new RangeError(`retries must be a whole number ≥ 0, got ${retries}`);

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await runAttempt(fn, attempt, clock, signal, opts.attemptTimeoutMs);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const context: ClassifyContext = signal ? { now: clock.now(), signal } : { now: clock.now() };
      const classification = classify(error, context);
      const retryable = opts.isRetryable ? opts.isRetryable(error, classification) : classification.retryable;
      if (!retryable) throw error;
      if (attempt > retries) throw new RetryExhaustedError(attempt, error);
      const { retryAfterMs } = classification;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
        throw new RetryExhaustedError(attempt, error, retryAfterMs);
      }
      const delayMs = retryAfterMs ?? Math.floor(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
      opts.onRetry?.(
        retryAfterMs === undefined ? { attempt, delayMs, error } : { attempt, delayMs, error, retryAfterMs },
      );
      await clock.sleep(delayMs, signal);
    }
  }
}

/**
 * Runs one attempt under its own signal. The attempt also loses a race against that
 * signal, so an `fn` that ignores it still can't outlive its timeout or the caller.
 */
async function runAttempt<T>(
  fn: (attempt: number, signal: AbortSignal) => Promise<T>,
  attempt: number,
  clock: Clock,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<T> {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const stopTimer = timeoutMs === undefined ? undefined : new AbortController();
  if (timeoutMs !== undefined && stopTimer) {
    clock.sleep(timeoutMs, stopTimer.signal).then(
      () => controller.abort(new DOMException(`Attempt ${attempt} timed out after ${timeoutMs} ms`, 'TimeoutError')),
      () => {
        // The attempt finished first and cancelled the timer: nothing to report.
      },
    );
  }
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    return await Promise.race([fn(attempt, controller.signal), aborted]);
  } finally {
    stopTimer?.abort();
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}
