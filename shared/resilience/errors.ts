/**
 * Errors the resilience kit throws itself. They are not `AppError`s: they describe a
 * provider being unavailable, which the HTTP edge reports as a generic server error,
 * while a caller with a fallback provider catches them to switch over.
 */

/** Every attempt failed with a retryable error (or the server asked us to wait too long). */
export class RetryExhaustedError extends Error {
  override name = 'RetryExhaustedError';

  /**
   * @param attempts - calls made, including the first
   * @param cause - the last attempt's error, kept so logs show the real provider fault
   * @param retryAfterMs - set when we gave up because `Retry-After` exceeded `maxRetryAfterMs`
   */
  constructor(
    readonly attempts: number,
    cause: unknown,
    readonly retryAfterMs?: number,
  ) {
    const why =
      retryAfterMs === undefined
        ? `Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`
        : `Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: the server asked to wait ${retryAfterMs} ms`;
    super(`${why}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The breaker rejected the call without running it, so the provider gets time to recover. */
export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';

  /**
   * @param breaker - the breaker's (provider's) name
   * @param retryAt - epoch ms from which a trial call may be let through; when a trial is
   *   already in flight it is "now", since the slot frees as soon as that trial ends
   */
  constructor(
    readonly breaker: string,
    readonly retryAt: number,
    options?: ErrorOptions,
  ) {
    super(`Circuit "${breaker}" is open; calls are rejected until ${new Date(retryAt).toISOString()}`, options);
  }
}
