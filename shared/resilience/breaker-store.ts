/**
 * Where a circuit breaker keeps its state. A port, so every Lambda instance can later
 * share one breaker per provider through DynamoDB; until then (and in tests) state lives
 * in memory, per instance.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Plain data, so a store can write it as one item. */
export interface BreakerSnapshot {
  readonly state: BreakerState;
  /** Epoch ms of the counted failures still inside the rolling window (closed only). */
  readonly failures: readonly number[];
  /** When the breaker last opened; a trial may start at `openedAt + openMs`. */
  readonly openedAt?: number;
  /** Successful trials since half-opening. */
  readonly trialSuccesses: number;
  /** Grows by one per trial, so a late result of a superseded trial is ignored. */
  readonly lastTrialId: number;
  /** When the trial `lastTrialId` started; absent when no trial is in flight. */
  readonly trialStartedAt?: number;
}

export interface StoredBreakerSnapshot {
  readonly snapshot: BreakerSnapshot;
  /** Bumped by every successful save; the optimistic-lock token. */
  readonly version: number;
}

export interface BreakerStateStore {
  /** The breaker's state, or undefined when it was never saved (a closed breaker). */
  load(name: string): Promise<StoredBreakerSnapshot | undefined>;
  /**
   * Saves `snapshot` only if the stored version is still `expectedVersion` (undefined:
   * nothing stored yet), and resolves false otherwise. This compare-and-set is what keeps
   * two instances from both taking the single half-open trial; a DynamoDB adapter maps it
   * to a conditional `PutItem`.
   */
  save(name: string, snapshot: BreakerSnapshot, expectedVersion: number | undefined): Promise<boolean>;
}

/** The default store: one process's memory. Each Lambda instance then has its own breakers. */
export class InMemoryBreakerStore implements BreakerStateStore {
  readonly #items = new Map<string, StoredBreakerSnapshot>();

  async load(name: string): Promise<StoredBreakerSnapshot | undefined> {
    return this.#items.get(name);
  }

  async save(name: string, snapshot: BreakerSnapshot, expectedVersion: number | undefined): Promise<boolean> {
    const current = this.#items.get(name);
    if (current?.version !== expectedVersion) return false;
    // Copied so a caller mutating its object can't change stored state behind the lock.
    this.#items.set(name, {
      snapshot: { ...snapshot, failures: [...snapshot.failures] },
      version: (expectedVersion ?? 0) + 1,
    });
    return true;
  }
}
