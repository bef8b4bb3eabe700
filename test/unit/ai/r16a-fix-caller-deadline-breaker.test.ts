// Review round 16: this test failed at e19efd2.
/**
 * The class of r16a-run-deadline-opens-breaker, at the resilience kit: `CircuitBreaker.execute`
 * inside `retry` under a caller's `AbortSignal.timeout`-like deadline. An attempt cut by the
 * caller's signal (`callerSignal`, whose reason the attempt's signal takes on) is never counted,
 * even though its reason is a `TimeoutError`; the per-attempt timeout still counts, also when the
 * caller's deadline passes just after it. Before, every such cut counted as a provider timeout.
 */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../shared/resilience/circuit-breaker';
import { retry } from '../../../shared/resilience/retry';

const settled = () => new Promise((resolve) => setImmediate(resolve));

const deadlineReason = () => new DOMException('The operation timed out.', 'TimeoutError');

/** A provider still answering when its signal aborts: it rejects with the signal's reason. */
const slow = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

describe("the caller's signal and the breaker", () => {
  it("attempts cut by the caller's deadline (a TimeoutError) are not counted", async () => {
    const breaker = new CircuitBreaker('anthropic', { failureThreshold: 3 });
    for (let i = 0; i < 5; i++) {
      const caller = new AbortController();
      const call = retry(
        (_, signal) => {
          queueMicrotask(() => caller.abort(deadlineReason()));
          return breaker.execute(() => slow(signal), { signal, callerSignal: caller.signal });
        },
        { retries: 0, signal: caller.signal, attemptTimeoutMs: 60_000 },
      );
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
      await settled(); // the breaker records after the race `retry` already lost
    }
    expect(breaker.state).toBe('closed');
  });

  it('the per-attempt timeout still counts, even when the caller stops right after it', async () => {
    const breaker = new CircuitBreaker('anthropic', { failureThreshold: 3 });
    for (let i = 0; i < 3; i++) {
      const caller = new AbortController();
      const attempt = AbortSignal.abort(new DOMException('Attempt 1 timed out after 5 ms', 'TimeoutError'));
      caller.abort(deadlineReason());
      await expect(
        breaker.execute(() => Promise.reject(attempt.reason), { signal: attempt, callerSignal: caller.signal }),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
    }
    expect(breaker.state).toBe('open');
  });

  it('the per-attempt timeout of retry counts against a slow provider', async () => {
    const breaker = new CircuitBreaker('anthropic', { failureThreshold: 3 });
    const caller = new AbortController();
    const call = retry((_, signal) => breaker.execute(() => slow(signal), { signal, callerSignal: caller.signal }), {
      retries: 2,
      baseMs: 1,
      capMs: 1,
      attemptTimeoutMs: 5,
      signal: caller.signal,
    });
    await expect(call).rejects.toBeDefined();
    expect(breaker.state).toBe('open');
  });
});
