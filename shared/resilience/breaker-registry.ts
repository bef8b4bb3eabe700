/**
 * One circuit breaker per provider name, so every adapter calling "anthropic" in this
 * process trips and heals the same breaker instead of each holding its own.
 */

import { InMemoryBreakerStore } from './breaker-store';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';
import type { Clock } from './clock';

export interface BreakerRegistry {
  /** The provider's breaker, created on first use. */
  get(provider: string): CircuitBreaker;
}

/**
 * Creates a registry whose breakers share `clock`, `config` and one state store (the
 * config's, or one in-memory store for all of them).
 *
 * @param config - breaker settings; `onStateChange` receives the provider in `change.breaker`
 */
export function breakerRegistry(clock: Clock, config: Omit<CircuitBreakerOptions, 'clock'> = {}): BreakerRegistry {
  const options: CircuitBreakerOptions = { ...config, clock, store: config.store ?? new InMemoryBreakerStore() };
  const breakers = new Map<string, CircuitBreaker>();
  return {
    get(provider) {
      let breaker = breakers.get(provider);
      if (!breaker) {
        breaker = new CircuitBreaker(provider, options);
        breakers.set(provider, breaker);
      }
      return breaker;
    },
  };
}
