/**
 * The resilience kit for provider calls (Anthropic with an OpenRouter fallback, email
 * providers with failover).
 *
 * Typical composition: the breaker inside the retry, so every failed attempt counts
 * toward opening it, and an open breaker (a `CircuitOpenError`, which is not retryable)
 * ends the retries at once so the caller can switch to its fallback provider:
 *
 * ```ts
 * const breaker = breakers.get('anthropic');
 * const text = await retry((_, signal) => breaker.execute(() => callAnthropic(prompt, signal), { signal }), {
 *   clock,
 *   signal,
 *   attemptTimeoutMs: 60_000,
 * });
 * ```
 *
 * Turn off the SDK's own retries (`maxRetries: 0`) so attempts aren't multiplied.
 */
export { type BreakerRegistry, breakerRegistry } from './breaker-registry';
export {
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateStore,
  InMemoryBreakerStore,
  type StoredBreakerSnapshot,
} from './breaker-store';
export type { BreakerConfig } from './breaker-transitions';
export { type Bulkhead, type BulkheadOptions, bulkhead, ServerBusyError } from './bulkhead';
export {
  BREAKER_DEFAULTS,
  type BreakerStateChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker';
export { type ClassifyContext, classifyError, type ErrorClassification, type ErrorKind } from './classify-error';
export { type Clock, systemClock } from './clock';
export { CircuitOpenError, RetryExhaustedError } from './errors';
export { RETRY_DEFAULTS, type RetryInfo, type RetryOptions, retry } from './retry';
