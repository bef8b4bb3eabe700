/**
 * An in-order delivery loop for the local stand-ins that hand things to local queues (event rules,
 * one-time schedules): items go one at a time; a failed delivery is retried with backoff (250 ms
 * doubling, capped) for as long as the loop runs, and later items wait behind it (a target that
 * is down is down for all of them). Nothing is dropped silently: `stop` answers what was left.
 */
export interface RetryingDelivery<T> {
  push(item: T): void;
  pending(): number;
  /** Stops after the delivery in progress; the items not delivered, in order. */
  stop(): Promise<T[]>;
}

export const MAX_BACKOFF_MS = 30_000;

export function retryingDelivery<T>(opts: {
  /** Delivers `item`; throws to have it retried. */
  deliver: (item: T) => Promise<void>;
  /** The log line for a failed attempt. */
  describeFailure: (item: T, attempt: number, waitMs: number, error: Error) => string;
  log: (line: string) => void;
}): RetryingDelivery<T> {
  const queue: Array<{ item: T; attempts: number }> = [];
  let running = true;
  /** Resolves the idle wait (a new item) or the backoff wait (stop only). */
  let wake: (() => void) | undefined;
  let backoff: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  const loop = (async () => {
    while (running) {
      const next = queue[0];
      if (!next) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      try {
        await opts.deliver(next.item);
        queue.shift();
      } catch (error) {
        next.attempts += 1;
        const waitMs = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(next.attempts, 10));
        opts.log(opts.describeFailure(next.item, next.attempts, waitMs, error as Error));
        await new Promise<void>((resolve) => {
          backoff = { timer: setTimeout(resolve, waitMs), resolve };
        });
        backoff = undefined;
      }
    }
  })();

  return {
    push(item) {
      queue.push({ item, attempts: 0 });
      wake?.();
      wake = undefined;
    },
    pending: () => queue.length,
    async stop() {
      running = false;
      if (backoff) {
        clearTimeout(backoff.timer);
        backoff.resolve();
      }
      wake?.();
      await loop;
      return queue.map((q) => q.item);
    },
  };
}
