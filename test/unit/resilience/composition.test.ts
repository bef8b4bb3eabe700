import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, retry } from '../../../shared/resilience';
import { FakeClock, flush } from './fake-clock';

const start = Date.UTC(2025, 0, 1);

/** Like the Anthropic SDK: a request that never answers and rejects with its own "aborted" error. */
class APIUserAbortError extends Error {}
function hangingProvider() {
  let calls = 0;
  const call = (signal: AbortSignal) => {
    calls++;
    return new Promise<string>((_, reject) =>
      signal.addEventListener('abort', () => reject(new APIUserAbortError('Request was aborted.'))),
    );
  };
  return { call, calls: () => calls };
}

describe('retry around a circuit breaker (the index.ts composition)', () => {
  it('counts attempt timeouts against the provider and stops retrying once the breaker opens', async () => {
    const clock = new FakeClock(start);
    const breaker = new CircuitBreaker('anthropic', { clock });
    const provider = hangingProvider();
    const ask = () =>
      retry((_, signal) => breaker.execute(() => provider.call(signal), { signal }), {
        clock,
        attemptTimeoutMs: 10_000,
      });

    await expect(clock.run(ask())).rejects.toMatchObject({ name: 'RetryExhaustedError', attempts: 4 });
    const second = await clock.run(ask()).catch((e: unknown) => e);

    expect(second).toBeInstanceOf(CircuitOpenError);
    expect(provider.calls()).toBe(5);
    expect(breaker.state).toBe('open');
  });

  it('does not count a caller abort against the provider', async () => {
    const clock = new FakeClock(start);
    const breaker = new CircuitBreaker('anthropic', { clock, failureThreshold: 1 });
    const provider = hangingProvider();
    const controller = new AbortController();
    const asking = retry((_, signal) => breaker.execute(() => provider.call(signal), { signal }), {
      clock,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await flush();
    expect(provider.calls()).toBe(1);

    controller.abort();

    expect(await asking).toMatchObject({ name: 'AbortError' });
    await flush();
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(async () => 'ok')).resolves.toBe('ok');
  });
});
