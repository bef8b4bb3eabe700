/**
 * A bulkhead: at most `concurrency` calls run at once and at most `queue` more wait; a call
 * arriving when both are full is refused at once with `ServerBusyError` (429 + Retry-After)
 * instead of joining a wait that would only grow. It protects what one process can do in
 * parallel, e.g. CPU-bound password hashing: in Lambda an instance serves one request at a
 * time and never queues here, but one process serving many requests (the local runtime, a
 * container host) would otherwise let a burst of log-ins stall every request behind them.
 */
import { TooManyRequestsError } from '../errors';

export class ServerBusyError extends TooManyRequestsError {
  override name = 'ServerBusyError';
  override readonly code = 'SERVER_BUSY';
}

export interface BulkheadOptions {
  /** Calls allowed to run at once (>= 1). */
  readonly concurrency: number;
  /** Calls allowed to wait for a slot (>= 0). */
  readonly queue: number;
  /**
   * Refuse earlier when the wait a newcomer faces, estimated from the recent duration of the
   * work (a moving average) and the calls ahead of it, would exceed this.
   */
  readonly maxWaitMs?: number;
  /** What the refused caller is told to wait, in seconds. */
  readonly retryAfterSeconds?: number;
  /** Called on each refusal (metrics). */
  readonly onReject?: () => void;
}

export interface Bulkhead {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function bulkhead(name: string, options: BulkheadOptions): Bulkhead {
  if (!(options.concurrency >= 1) || !(options.queue >= 0)) {
    throw new RangeError(`Bulkhead ${name}: concurrency must be >= 1 and queue >= 0`);
  }
  let running = 0;
  let averageMs: number | undefined;
  const waiters: Array<() => void> = [];
  const waitTooLong = () => {
    if (options.maxWaitMs === undefined || averageMs === undefined) return false;
    return ((waiters.length + 1) / options.concurrency) * averageMs > options.maxWaitMs;
  };
  const release = () => {
    const next = waiters.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    async run(work) {
      if (running >= options.concurrency) {
        if (waiters.length >= options.queue || waitTooLong()) {
          options.onReject?.();
          throw new ServerBusyError(`The server is busy (${name}); retry shortly`, options.retryAfterSeconds ?? 1);
        }
        // The slot is handed over by release(): `running` stays counted for the waiter.
        await new Promise<void>((resolve) => waiters.push(resolve));
      } else {
        running += 1;
      }
      const started = performance.now();
      try {
        return await work();
      } finally {
        const took = performance.now() - started;
        averageMs = averageMs === undefined ? took : averageMs * 0.8 + took * 0.2;
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
