/**
 * One circuit breaker per provider name, so every adapter calling "anthropic" in this
 * process trips and heals the same breaker instead of each holding its own.
 */

import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';
import type { Clock } from './clock';

export interface BreakerRegistry {
  /** The provider's breaker, created on first use. */
  get(provider: string): CircuitBreaker;
}

/**
 * Creates a registry whose breakers share `clock` and `config`, including its state store
 * when given one (breakers are keyed by provider name in it).
 *
 * @param config - breaker settings; `onStateChange` receives the provider in `change.breaker`
 */
export function breakerRegistry(clock: Clock, config: Omit<CircuitBreakerOptions, 'clock'> = {}): BreakerRegistry {
  const options: CircuitBreakerOptions = { ...config, clock };
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
