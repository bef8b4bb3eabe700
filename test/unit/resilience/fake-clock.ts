/**
 * A {@link Clock} whose time only moves when the test says so. `sleep` registers a
 * sleeper; `advance`/`run` wake sleepers in time order and let the code they wake run
 * before moving on, so tests never wait and never race real timers.
 */
import type { Clock } from '../../../shared/resilience/clock';

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly wake: () => void;
}

/** Lets every queued promise continuation run (a macrotask turn drains all microtasks). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];
  /** Every duration passed to `sleep`, in call order: the schedule a test asserts on. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Sleepers not yet woken or aborted. */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking each sleeper due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await flush();
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#wake(next);
    }
    this.#now = target;
    await flush();
  }

  /**
   * Drives `promise` to the end by jumping to each next sleeper, and returns its outcome.
   * Fails when the promise waits on something the clock can't move (a hang in real life).
   */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await flush();
      if (settled) return promise;
      const next = this.#earliest();
      if (!next) throw new Error('FakeClock.run: the promise is waiting on something other than the clock');
      this.#wake(next);
    }
  }

  #earliest(): Sleeper | undefined {
    return this.#sleepers.reduce<Sleeper | undefined>(
      (best, s) => (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq) ? s : best),
      undefined,
    );
  }

  #wake(sleeper: Sleeper): void {
    this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
    this.#now = Math.max(this.#now, sleeper.at);
    sleeper.wake();
  }
}
