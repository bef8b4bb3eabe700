import { describe, expect, it } from 'vitest';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { InMemoryBreakerStore } from '../../../shared/resilience/breaker-store';
import {
  type BreakerStateChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from '../../../shared/resilience/circuit-breaker';
import { CircuitOpenError } from '../../../shared/resilience/errors';
import { FakeClock } from './fake-clock';
import { deferred, httpError } from './provider-errors';

const start = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock(start);
  const changes: string[] = [];
  const breaker = new CircuitBreaker('anthropic', {
    clock,
    onStateChange: (c) => changes.push(`${c.from}->${c.to}@${c.at - start}`),
    ...options,
  });
  let calls = 0;
  const fail = (error: unknown = httpError(503)) =>
    breaker.execute(async () => {
      calls++;
      throw error;
    });
  const succeed = () =>
    breaker.execute(async () => {
      calls++;
      return 'ok';
    });
  /** Fails `n` times, swallowing the errors the test expects. */
  const failTimes = async (n: number, error?: unknown) => {
    for (let i = 0; i < n; i++) await expect(fail(error)).rejects.toBeDefined();
  };
  const open = async () => {
    await failTimes(5);
    expect(breaker.state).toBe('open');
  };
  return { clock, breaker, changes, fail, succeed, failTimes, open, calls: () => calls };
}

describe('CircuitBreaker: closed', () => {
  it('stays closed after 4 provider failures and still calls the provider', async () => {
    const { breaker, failTimes, succeed, calls, changes } = setup();

    await failTimes(4);

    expect(breaker.state).toBe('closed');
    await expect(succeed()).resolves.toBe('ok');
    expect(calls()).toBe(5);
    expect(changes).toEqual([]);
  });

  it('opens on the 5th failure within 5 minutes, rethrowing the provider error itself', async () => {
    const { breaker, clock, failTimes, fail, changes } = setup();
    await failTimes(4);
    await clock.advance(4 * MINUTE);
    const fifth = httpError(529);

    await expect(fail(fifth)).rejects.toBe(fifth);

    expect(breaker.state).toBe('open');
    expect(changes).toEqual(['closed->open@240000']);
  });

  it('does not count failures 5 minutes old or older (rolling window)', async () => {
    const { breaker, clock, failTimes } = setup();
    await failTimes(1); // t = 0
    await clock.advance(MINUTE);
    await failTimes(3); // t = 1 min
    await clock.advance(4 * MINUTE);

    await failTimes(1); // t = 5 min: the t = 0 failure has left the window

    expect(breaker.state).toBe('closed');
    await failTimes(1); // 5 failures since t = 1 min
    expect(breaker.state).toBe('open');
  });

  it('is not opened by caller faults (400) or by calls the caller aborted', async () => {
    const { breaker, failTimes, succeed, calls } = setup();
    await failTimes(10, httpError(400));
    const controller = new AbortController();
    controller.abort();
    for (let i = 0; i < 5; i++) {
      const call = breaker.execute(() => Promise.reject(new DOMException('aborted', 'AbortError')), {
        signal: controller.signal,
      });
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    }

    expect(breaker.state).toBe('closed');
    await expect(succeed()).resolves.toBe('ok');
    expect(calls()).toBe(11);
  });

  it('counts a call whose signal timed out, whatever "aborted" error the SDK threw', async () => {
    const { breaker } = setup();
    class APIUserAbortError extends Error {}
    const timedOut = AbortSignal.abort(new DOMException('Attempt timed out', 'TimeoutError'));

    for (let i = 0; i < 5; i++) {
      const call = breaker.execute(() => Promise.reject(new APIUserAbortError('Request was aborted.')), {
        signal: timedOut,
      });
      await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    }

    expect(breaker.state).toBe('open');
  });

  it('counts what a custom countsAsFailure says, with a custom threshold', async () => {
    const { breaker, failTimes } = setup({ failureThreshold: 2, countsAsFailure: () => true });

    await failTimes(2, httpError(400));

    expect(breaker.state).toBe('open');
  });
});

describe('CircuitBreaker: open', () => {
  it('rejects fast with CircuitOpenError without calling the provider', async () => {
    const { clock, fail, open, calls } = setup();
    await clock.advance(MINUTE);
    await open();

    const error = await fail().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ name: 'CircuitOpenError', breaker: 'anthropic', retryAt: start + 2 * MINUTE });
    expect(calls()).toBe(5);
  });

  it('keeps rejecting until 60 s have passed', async () => {
    const { breaker, clock, succeed, open, calls } = setup();
    await open();

    await clock.advance(MINUTE - 1);

    expect(breaker.state).toBe('open');
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls()).toBe(5);
  });

  it('does not extend the open period for late failures of calls let through before it opened', async () => {
    const { clock, breaker, succeed } = setup();
    const slow = Array.from({ length: 10 }, () => deferred<string>());
    const calls = slow.map((d) => breaker.execute(() => d.promise).catch((e: unknown) => e));
    for (const d of slow.slice(0, 5)) d.reject(httpError(503));
    await Promise.all(calls.slice(0, 5));
    expect(breaker.state).toBe('open');

    await clock.advance(30_000);
    for (const d of slow.slice(5)) d.reject(httpError(503));
    await Promise.all(calls.slice(5));

    await expect(succeed()).rejects.toMatchObject({ retryAt: start + MINUTE });
  });
});

describe('CircuitBreaker: half-open', () => {
  it('half-opens after 60 s and lets exactly one trial through at a time', async () => {
    const { breaker, clock, open, changes } = setup();
    await open();
    await clock.advance(MINUTE);
    expect(breaker.state).toBe('half-open');
    const trialAnswer = deferred<string>();
    let trialCalls = 0;
    let otherCalls = 0;

    const trial = breaker.execute(() => {
      trialCalls++;
      return trialAnswer.promise;
    });
    const others = await Promise.allSettled([1, 2, 3].map(() => breaker.execute(async () => otherCalls++)));
    trialAnswer.resolve('ok');

    await expect(trial).resolves.toBe('ok');
    expect(trialCalls).toBe(1);
    expect(otherCalls).toBe(0);
    expect(others.map((o) => o.status === 'rejected' && o.reason instanceof CircuitOpenError)).toEqual([
      true,
      true,
      true,
    ]);
    expect(changes).toEqual(['closed->open@0', 'open->half-open@60000']);
  });

  it('lets concurrent callers race for the trial and only one wins', async () => {
    const { breaker, clock, open } = setup();
    await open();
    await clock.advance(MINUTE);
    let running = 0;
    let ran = 0;

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        breaker.execute(async () => {
          running++;
          ran++;
          await Promise.resolve();
          running--;
          return 'ok';
        }),
      ),
    );

    expect(ran).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(running).toBe(0);
  });

  it('stays half-open after one successful trial and closes after the second', async () => {
    const { breaker, clock, open, succeed, changes } = setup();
    await open();
    await clock.advance(MINUTE);

    await succeed();
    expect(breaker.state).toBe('half-open');
    await succeed();

    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed->open@0', 'open->half-open@60000', 'half-open->closed@60000']);
  });

  it('re-opens for a fresh 60 s when a trial fails', async () => {
    const { breaker, clock, open, fail, succeed } = setup();
    await open();
    await clock.advance(MINUTE);
    await succeed();
    await clock.advance(5000);

    await expect(fail()).rejects.toMatchObject({ status: 503 });

    expect(breaker.state).toBe('open');
    await expect(succeed()).rejects.toMatchObject({ retryAt: start + MINUTE + 5000 + MINUTE });
    await clock.advance(MINUTE);
    await succeed();
    expect(breaker.state).toBe('half-open');
  });

  it('frees the trial slot on a caller fault (400) without counting it either way', async () => {
    const { breaker, clock, open, fail, succeed } = setup();
    await open();
    await clock.advance(MINUTE);

    await expect(fail(httpError(400))).rejects.toMatchObject({ status: 400 });

    expect(breaker.state).toBe('half-open');
    await succeed();
    expect(breaker.state).toBe('half-open');
    await succeed();
    expect(breaker.state).toBe('closed');
  });

  it('lets a new trial start when one never reports back within the lease, and ignores its late result', async () => {
    const { breaker, clock, open, succeed } = setup({ trialLeaseMs: 2 * MINUTE });
    await open();
    await clock.advance(MINUTE);
    const lost = deferred<string>();
    const lostTrial = breaker.execute(() => lost.promise);
    await clock.advance(2 * MINUTE - 1);
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);
    await clock.advance(1);
    const next = deferred<string>();
    const nextTrial = breaker.execute(() => next.promise);

    lost.reject(httpError(503));

    await expect(lostTrial).rejects.toMatchObject({ status: 503 });
    expect(breaker.state).toBe('half-open');
    next.resolve('ok');
    await expect(nextTrial).resolves.toBe('ok');
    await succeed();
    expect(breaker.state).toBe('closed');
  });

  it('reports the full cycle to onStateChange in order, with times', async () => {
    const { clock, open, fail, succeed, changes } = setup();
    await open();
    await clock.advance(MINUTE);
    await expect(fail()).rejects.toBeDefined();
    await clock.advance(MINUTE);
    await succeed();
    await succeed();

    expect(changes).toEqual([
      'closed->open@0',
      'open->half-open@60000',
      'half-open->open@60000',
      'open->half-open@120000',
      'half-open->closed@120000',
    ]);
  });

  it('counts failures from scratch once closed again', async () => {
    const { breaker, clock, open, succeed, failTimes } = setup();
    await open();
    await clock.advance(MINUTE);
    await succeed();
    await succeed();

    await failTimes(4);

    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker: shared state store', () => {
  it('shares failures and the single trial between instances using one store (Lambda instances)', async () => {
    const clock = new FakeClock(start);
    const store = new InMemoryBreakerStore();
    const changes: BreakerStateChange[] = [];
    const onStateChange = (c: BreakerStateChange) => changes.push(c);
    const a = new CircuitBreaker('anthropic', { clock, store, onStateChange });
    const b = new CircuitBreaker('anthropic', { clock, store, onStateChange });
    const fail = (breaker: CircuitBreaker) =>
      expect(breaker.execute(() => Promise.reject(httpError(503)))).rejects.toBeDefined();
    for (const breaker of [a, b, a, b, a]) await fail(breaker);

    await expect(b.execute(async () => 'ok')).rejects.toBeInstanceOf(CircuitOpenError);
    await clock.advance(MINUTE);
    const trial = deferred<string>();
    const trialOnA = a.execute(() => trial.promise);
    await expect(b.execute(async () => 'ok')).rejects.toBeInstanceOf(CircuitOpenError);
    trial.resolve('ok');
    await trialOnA;

    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['closed->open', 'open->half-open']);
  });
});

describe('breakerRegistry', () => {
  it('returns one breaker per provider, each tripping on its own', async () => {
    const clock = new FakeClock(start);
    const changes: BreakerStateChange[] = [];
    const registry = breakerRegistry(clock, { onStateChange: (c) => changes.push(c) });
    expect(registry.get('anthropic')).toBe(registry.get('anthropic'));

    for (let i = 0; i < 5; i++) {
      await expect(registry.get('anthropic').execute(() => Promise.reject(httpError(503)))).rejects.toBeDefined();
    }

    expect(registry.get('anthropic').state).toBe('open');
    expect(registry.get('openrouter').state).toBe('closed');
    await expect(registry.get('openrouter').execute(async () => 'ok')).resolves.toBe('ok');
    expect(changes).toEqual([{ breaker: 'anthropic', from: 'closed', to: 'open', at: start }]);
  });

  it('applies its config to every breaker', async () => {
    const clock = new FakeClock(start);
    const registry = breakerRegistry(clock, { failureThreshold: 1, openMs: 1000 });

    await expect(registry.get('ses').execute(() => Promise.reject(httpError(503)))).rejects.toBeDefined();

    expect(registry.get('ses').state).toBe('open');
    await clock.advance(1000);
    expect(registry.get('ses').state).toBe('half-open');
  });
});
