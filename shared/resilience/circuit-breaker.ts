/**
 * A circuit breaker per provider. When a provider keeps failing, calls are rejected at
 * once (a {@link CircuitOpenError}) instead of each one burning seconds of Lambda time on
 * retries, and the caller's fallback provider takes over. After `openMs` one trial call
 * at a time probes the provider; `successThreshold` successful trials close it again.
 */
import { type BreakerSnapshot, type BreakerState, type BreakerStateStore, InMemoryBreakerStore } from './breaker-store';
import { admit, type BreakerConfig, CLOSED, type Decision, recordFailure, recordSuccess } from './breaker-transitions';
import { classifyError } from './classify-error';
import { type Clock, systemClock } from './clock';
import { CircuitOpenError } from './errors';

export interface BreakerStateChange {
  readonly breaker: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Epoch ms. */
  readonly at: number;
}

export interface CircuitBreakerOptions extends Partial<BreakerConfig> {
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Default a fresh {@link InMemoryBreakerStore} (state private to this instance). */
  readonly store?: BreakerStateStore;
  /**
   * Whether a failure says the provider is unwell. Default: what {@link classifyError}
   * deems retryable (5xx, 429, 408, network, timeouts), so a caller's 400 can't open the
   * breaker for everyone.
   */
  readonly countsAsFailure?: (error: unknown) => boolean;
  /**
   * For metrics and alerts. Fires once per transition, on the instance that made it
   * (with a shared store, other instances don't repeat it). Must not throw: an exception
   * propagates out of `execute`.
   */
  readonly onStateChange?: (change: BreakerStateChange) => void;
}

/** The reference's settings: 5 failures in 5 minutes open; 60 s open; 2 successes close. */
export const BREAKER_DEFAULTS: BreakerConfig = {
  failureThreshold: 5,
  windowMs: 5 * 60_000,
  openMs: 60_000,
  successThreshold: 2,
  trialLeaseMs: 2 * 60_000,
};

/** Compare-and-set rounds before giving up; conflicts need concurrent writes to one item. */
const MAX_STORE_ROUNDS = 10;

export class CircuitBreaker {
  readonly #config: BreakerConfig;
  readonly #clock: Clock;
  readonly #store: BreakerStateStore;
  readonly #countsAsFailure: (error: unknown) => boolean;
  readonly #onStateChange: ((change: BreakerStateChange) => void) | undefined;
  /** The state as this instance last read or wrote it; what the `state` getter reports. */
  #seen: BreakerSnapshot = CLOSED;

  /** @param name - the provider's name, e.g. "anthropic"; also the store key */
  constructor(
    readonly name: string,
    options: CircuitBreakerOptions = {},
  ) {
    this.#config = {
      failureThreshold: options.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold,
      windowMs: options.windowMs ?? BREAKER_DEFAULTS.windowMs,
      openMs: options.openMs ?? BREAKER_DEFAULTS.openMs,
      successThreshold: options.successThreshold ?? BREAKER_DEFAULTS.successThreshold,
      trialLeaseMs: options.trialLeaseMs ?? BREAKER_DEFAULTS.trialLeaseMs,
    };
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store ?? new InMemoryBreakerStore();
    this.#countsAsFailure = options.countsAsFailure ?? ((error) => classifyError(error).retryable);
    this.#onStateChange = options.onStateChange;
  }

  /**
   * The state as of this instance's last call. An open breaker whose `openMs` has passed
   * reports 'half-open' (the next call will be a trial), although the transition, and its
   * `onStateChange`, happen only when that call arrives.
   */
  get state(): BreakerState {
    const s = this.#seen;
    if (s.state === 'open' && this.#clock.now() >= (s.openedAt ?? 0) + this.#config.openMs) return 'half-open';
    return s.state;
  }

  /**
   * Runs `fn` unless the breaker is open, and records how it went.
   *
   * @param options.signal - the signal `fn` runs under (e.g. `retry`'s per-attempt signal).
   *   When it has aborted, its reason decides instead of `fn`'s error: a `TimeoutError`
   *   counts (the provider was too slow), any other reason is the caller giving up and
   *   doesn't count against the provider
   * @param options.callerSignal - the caller's own signal that `signal` follows (e.g. the one
   *   given to `retry`). An attempt it cut (`signal` aborted with its reason) never counts,
   *   whatever the reason: the caller's deadline passing, or the caller giving up, says
   *   nothing about the provider. Only `signal`'s own timeouts (the per-attempt timeout) do
   * @returns what `fn` resolved with
   * @throws {@link CircuitOpenError} without calling `fn` when open, or half-open with a trial in flight
   * @throws whatever `fn` threw, unchanged
   */
  async execute<T>(
    fn: () => Promise<T>,
    options: { readonly signal?: AbortSignal; readonly callerSignal?: AbortSignal } = {},
  ): Promise<T> {
    const admission = await this.#update((s, now) => admit(s, now, this.#config));
    if ('rejectedUntil' in admission) throw new CircuitOpenError(this.name, admission.rejectedUntil);
    const { ticket } = admission;
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      const counts = this.#counts(error, options.signal, options.callerSignal);
      // An uncounted failure of a non-trial call changes nothing: skip the store round trip.
      if (counts || ticket.kind === 'trial') {
        await this.#update((s, now) => recordFailure(s, ticket, counts, now, this.#config));
      }
      throw error;
    }
    if (ticket.kind === 'trial') await this.#update((s) => recordSuccess(s, ticket, this.#config));
    return value;
  }

  #counts(error: unknown, signal: AbortSignal | undefined, callerSignal: AbortSignal | undefined): boolean {
    if (!signal?.aborted) return this.#countsAsFailure(error);
    // Cut by the caller's signal (an attempt's signal takes on the reason of whatever aborted it,
    // the same object): its deadline, not the provider's fault, even when that is a TimeoutError.
    if (callerSignal?.aborted && signal.reason === callerSignal.reason) return false;
    // SDKs report any abort as "aborted" (Anthropic's APIUserAbortError); only the reason says why.
    return classifyError(signal.reason, { signal }).kind === 'timeout';
  }

  /** Read, decide, compare-and-set; re-read when another call or instance wrote first. */
  async #update<R>(decide: (s: BreakerSnapshot, now: number) => Decision<R>): Promise<R> {
    for (let round = 0; round < MAX_STORE_ROUNDS; round++) {
      const stored = await this.#store.load(this.name);
      const current = stored?.snapshot ?? CLOSED;
      const now = this.#clock.now();
      const { result, next } = decide(current, now);
      if (next === undefined) {
        this.#seen = current;
        return result;
      }
      if (await this.#store.save(this.name, next, stored?.version)) {
        this.#seen = next;
        if (next.state !== current.state) {
          this.#onStateChange?.({ breaker: this.name, from: current.state, to: next.state, at: now });
        }
        return result;
      }
    }
    throw new Error(`Circuit breaker "${this.name}": state kept changing under ${MAX_STORE_ROUNDS} concurrent updates`);
  }
}
