import { describe, expect, it } from 'vitest';
import { bulkhead, ServerBusyError } from '../../../shared/resilience/bulkhead';

/** A piece of work the test finishes by hand. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish };
}

describe('bulkhead', () => {
  it('runs at most `concurrency` calls at once and queues the next ones in order', async () => {
    const gate = bulkhead('test', { concurrency: 2, queue: 5 });
    const jobs = [deferred(), deferred(), deferred(), deferred()];
    const order: number[] = [];
    const runs = jobs.map((job, i) =>
      gate.run(async () => {
        order.push(i);
        await job.done;
        return i;
      }),
    );
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    expect([gate.running, gate.waiting]).toEqual([2, 2]);
    jobs[1]?.finish();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1, 2]);
    for (const job of jobs) job.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it('refuses with 429 SERVER_BUSY and Retry-After when running and queue are full, and counts refusals', async () => {
    let refused = 0;
    const gate = bulkhead('hashing', { concurrency: 1, queue: 1, retryAfterSeconds: 2, onReject: () => refused++ });
    const job = deferred();
    const first = gate.run(() => job.done);
    const second = gate.run(async () => 'second');
    const third = gate.run(async () => 'third');
    await expect(third).rejects.toBeInstanceOf(ServerBusyError);
    await third.catch((error: ServerBusyError) => {
      expect(error.status).toBe(429);
      expect(error.code).toBe('SERVER_BUSY');
      expect(error.retryAfterSeconds).toBe(2);
    });
    expect(refused).toBe(1);
    job.finish();
    await first;
    expect(await second).toBe('second');
  });

  it('frees the slot when the work throws', async () => {
    const gate = bulkhead('test', { concurrency: 1, queue: 0 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('refuses early when the estimated wait exceeds maxWaitMs', async () => {
    const gate = bulkhead('slow', { concurrency: 1, queue: 100, maxWaitMs: 30 });
    // Teach it that the work takes ~50 ms: one waiter would already wait longer than 30 ms.
    await gate.run(() => new Promise((r) => setTimeout(r, 50)));
    const job = deferred();
    const running = gate.run(() => job.done);
    await expect(gate.run(async () => 'queued')).rejects.toBeInstanceOf(ServerBusyError);
    job.finish();
    await running;
  });

  it('never refuses on the estimate while the work is fast', async () => {
    const gate = bulkhead('fast', { concurrency: 1, queue: 100, maxWaitMs: 300 });
    await gate.run(async () => undefined);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => gate.run(async () => i)));
    expect(results).toHaveLength(20);
  });

  it('rejects impossible settings', () => {
    expect(() => bulkhead('x', { concurrency: 0, queue: 1 })).toThrow(RangeError);
    expect(() => bulkhead('x', { concurrency: 1, queue: -1 })).toThrow(RangeError);
  });
});
