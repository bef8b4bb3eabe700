/**
 * Retries a provider call with capped exponential backoff and full jitter, as the AI and
 * email providers need: 3 retries, 1 s doubling to 30 s, honouring `Retry-After`.
 * Full jitter spreads the retries of many Lambda instances hit by the same outage, so
 * they don't return in lockstep and knock the provider over again.
 */
import { classifyError } from './classify-error';
import { type RetryOptions, retryWith } from './retry-loop';

export { RETRY_DEFAULTS, type RetryInfo, type RetryOptions } from './retry-loop';

/**
 * Calls `fn` until it succeeds, a non-retryable error occurs, or attempts run out.
 *
 * `fn` gets the attempt number (1-based) and a signal that aborts when the caller aborts
 * or the attempt times out; pass it on to the SDK so abandoned requests are cancelled.
 *
 * @returns what `fn` resolved with
 * @throws the original error, unchanged, when it is not retryable (e.g. a 400)
 * @throws `signal.reason` when the caller aborts
 * @throws {@link RetryExhaustedError} with the last error as `cause` when out of attempts,
 *   or when `Retry-After` exceeds `maxRetryAfterMs` (then `retryAfterMs` is set)
 */
export function retry<T>(
  fn: (attempt: number, signal: AbortSignal) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  return retryWith(fn, classifyError, opts);
}
