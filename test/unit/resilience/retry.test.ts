import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RetryExhaustedError } from '../../../shared/resilience/errors';
import { type RetryInfo, type RetryOptions, retry } from '../../../shared/resilience/retry';
import { FakeClock, flush } from './fake-clock';
import { deferred, httpError, networkError } from './provider-errors';

const start = Date.UTC(2025, 0, 1);

/** A provider call that fails with `errors` in turn, then answers "ok"; records when each attempt ran. */
function provider(clock: FakeClock, ...errors: unknown[]) {
  const calls: { attempt: number; at: number }[] = [];
  const fn = async (attempt: number) => {
    calls.push({ attempt, at: clock.now() - start });
    const error = errors[calls.length - 1];
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { fn, calls };
}

function failing(clock: FakeClock, times: number) {
  return provider(clock, ...Array.from({ length: times }, (_, i) => httpError(503 + (i % 2))));
}

describe('retry: backoff schedule', () => {
  it('waits 1 s, 2 s, 4 s between the 4 attempts when jitter is at its top (random = 1)', async () => {
    const clock = new FakeClock(start);
    const { fn, calls } = failing(clock, 10);

    await expect(clock.run(retry(fn, { clock, random: () => 1 }))).rejects.toBeInstanceOf(RetryExhaustedError);

    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(calls).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 1000 },
      { attempt: 3, at: 3000 },
      { attempt: 4, at: 7000 },
    ]);
  });

  it('scales the backoff by the random factor (random = 0.5)', async () => {
    const clock = new FakeClock(start);
    const { fn } = failing(clock, 10);

    await expect(clock.run(retry(fn, { clock, random: () => 0.5 }))).rejects.toBeInstanceOf(RetryExhaustedError);

    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it('caps the exponential backoff at 30 s', async () => {
    const clock = new FakeClock(start);
    const { fn } = failing(clock, 10);

    await expect(clock.run(retry(fn, { clock, random: () => 1, retries: 7 }))).rejects.toBeInstanceOf(
      RetryExhaustedError,
    );

    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('keeps every jittered delay within [0, min(cap, base × 2^n)] (full jitter)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 6, maxLength: 6 }),
        async (randoms) => {
          const clock = new FakeClock(start);
          const { fn } = failing(clock, 10);
          let i = 0;
          const random = () => randoms[i++] ?? 0;

          await expect(clock.run(retry(fn, { clock, random, retries: 6 }))).rejects.toBeInstanceOf(RetryExhaustedError);

          const ceilings = [1000, 2000, 4000, 8000, 16_000, 30_000];
          clock.sleeps.forEach((delay, n) => {
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThanOrEqual(ceilings[n] ?? 0);
            expect(delay).toBe(Math.floor((randoms[n] ?? 0) * (ceilings[n] ?? 0)));
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('tells onRetry about each retry before waiting', async () => {
    const clock = new FakeClock(start);
    const errors = [httpError(503), networkError('ECONNRESET')];
    const { fn } = provider(clock, ...errors);
    const seen: RetryInfo[] = [];

    await expect(clock.run(retry(fn, { clock, random: () => 1, onRetry: (info) => seen.push(info) }))).resolves.toBe(
      'ok',
    );

    expect(seen).toEqual([
      { attempt: 1, delayMs: 1000, error: errors[0] },
      { attempt: 2, delayMs: 2000, error: errors[1] },
    ]);
  });
});

describe('retry: Retry-After', () => {
  it('waits the seconds the server asks for instead of the backoff', async () => {
    const clock = new FakeClock(start);
    const { fn, calls } = provider(clock, httpError(429, { 'retry-after': '7' }));

    await expect(clock.run(retry(fn, { clock, random: () => 1 }))).resolves.toBe('ok');

    expect(clock.sleeps).toEqual([7000]);
    expect(calls.map((c) => c.at)).toEqual([0, 7000]);
  });

  it('waits until the HTTP-date the server names', async () => {
    const clock = new FakeClock(start);
    const retryAt = new Date(start + 12_000).toUTCString();
    const { fn, calls } = provider(clock, httpError(503, new Headers({ 'Retry-After': retryAt })));

    await expect(clock.run(retry(fn, { clock, random: () => 1 }))).resolves.toBe('ok');

    expect(calls.map((c) => c.at)).toEqual([0, 12_000]);
  });

  it('honours a wait above the 30 s backoff cap up to maxRetryAfterMs (60 s)', async () => {
    const clock = new FakeClock(start);
    const { fn } = provider(clock, httpError(529, { 'retry-after': '60' }));

    await expect(clock.run(retry(fn, { clock, random: () => 1 }))).resolves.toBe('ok');

    expect(clock.sleeps).toEqual([60_000]);
  });

  it('gives up at once when the server asks for longer than maxRetryAfterMs', async () => {
    const clock = new FakeClock(start);
    const tooLong = httpError(429, { 'retry-after': '61' });
    const { fn, calls } = provider(clock, tooLong);

    const error = await clock.run(retry(fn, { clock })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error).toMatchObject({ attempts: 1, retryAfterMs: 61_000, cause: tooLong });
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('lets maxRetryAfterMs be raised', async () => {
    const clock = new FakeClock(start);
    const { fn } = provider(clock, httpError(429, { 'retry-after': '90' }));

    await expect(clock.run(retry(fn, { clock, maxRetryAfterMs: 120_000 }))).resolves.toBe('ok');

    expect(clock.sleeps).toEqual([90_000]);
  });
});

describe('retry: what is retried', () => {
  it.each([400, 401, 403, 404, 422])('rethrows a %i unchanged after one attempt', async (status) => {
    const clock = new FakeClock(start);
    const callerFault = httpError(status, { 'retry-after': '1' });
    const { fn, calls } = provider(clock, callerFault);

    await expect(clock.run(retry(fn, { clock }))).rejects.toBe(callerFault);

    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('rethrows an unrecognised error (a bug) unchanged after one attempt', async () => {
    const clock = new FakeClock(start);
    const bug = new TypeError("Cannot read properties of undefined (reading 'content')");
    const { fn, calls } = provider(clock, bug);

    await expect(clock.run(retry(fn, { clock }))).rejects.toBe(bug);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['429', httpError(429)],
    ['408', httpError(408)],
    ['500', httpError(500)],
    ['503', httpError(503)],
    ['529 (Anthropic overloaded)', httpError(529)],
    ['ECONNRESET', networkError('ECONNRESET')],
    ['ETIMEDOUT', networkError('ETIMEDOUT')],
    ['fetch failed', new TypeError('fetch failed', { cause: networkError('UND_ERR_CONNECT_TIMEOUT') })],
    ['an AbortError the caller did not cause', new DOMException('This operation was aborted', 'AbortError')],
  ])('retries %s and returns the later success', async (_, error) => {
    const clock = new FakeClock(start);
    const { fn, calls } = provider(clock, error);

    await expect(clock.run(retry(fn, { clock }))).resolves.toBe('ok');

    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
  });

  it('lets isRetryable override the classification', async () => {
    const clock = new FakeClock(start);
    const { fn, calls } = provider(clock, httpError(409), httpError(503));
    const isRetryable: RetryOptions['isRetryable'] = (_, c) => c.status === 409;

    await expect(clock.run(retry(fn, { clock, isRetryable }))).rejects.toMatchObject({ status: 503 });

    expect(calls).toHaveLength(2);
  });
});

describe('retry: the caller aborting', () => {
  it('stops during a backoff wait with the abort reason and makes no further attempt', async () => {
    const clock = new FakeClock(start);
    const controller = new AbortController();
    const { fn, calls } = failing(clock, 10);
    const result = retry(fn, { clock, signal: controller.signal }).catch((e: unknown) => e);
    await flush();
    expect(clock.pendingSleeps).toBe(1);

    const reason = new Error('request cancelled');
    controller.abort(reason);

    expect(await result).toBe(reason);
    await clock.advance(60_000);
    expect(calls).toHaveLength(1);
  });

  it('stops during an attempt even if the call ignores the signal', async () => {
    const clock = new FakeClock(start);
    const controller = new AbortController();
    const hanging = deferred<string>();
    let calls = 0;
    const result = retry(
      () => {
        calls++;
        return hanging.promise;
      },
      { clock, signal: controller.signal },
    ).catch((e: unknown) => e);
    await flush();

    const reason = new Error('request cancelled');
    controller.abort(reason);

    expect(await result).toBe(reason);
    expect(calls).toBe(1);
  });

  it('does not retry the AbortError a call throws because the caller aborted', async () => {
    const clock = new FakeClock(start);
    const controller = new AbortController();
    let calls = 0;
    const result = retry(
      (_, signal) => {
        calls++;
        return new Promise<string>((_, reject) =>
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      },
      { clock, signal: controller.signal },
    ).catch((e: unknown) => e);
    await flush();

    controller.abort();

    expect(await result).toMatchObject({ name: 'AbortError' });
    await clock.advance(60_000);
    expect(calls).toBe(1);
  });

  it('schedules no retry for an attempt that fails as the caller aborts, and rethrows the abort reason', async () => {
    const clock = new FakeClock(start);
    const controller = new AbortController();
    const reason = new Error('request cancelled');
    const retries: RetryInfo[] = [];
    const fn = async () => {
      controller.abort(reason);
      throw httpError(503);
    };

    const result = retry(fn, { clock, signal: controller.signal, onRetry: (info) => retries.push(info) });

    await expect(result).rejects.toBe(reason);
    expect(retries).toEqual([]);
  });

  it('makes no attempt when the signal is already aborted', async () => {
    const clock = new FakeClock(start);
    const { fn, calls } = provider(clock);

    await expect(retry(fn, { clock, signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(calls).toHaveLength(0);
  });
});

describe('retry: per-attempt timeout', () => {
  it('aborts a slow attempt with a TimeoutError after attemptTimeoutMs and retries it', async () => {
    const clock = new FakeClock(start);
    const reasons: unknown[] = [];
    const fn = async (attempt: number, signal: AbortSignal) => {
      signal.addEventListener('abort', () => reasons.push(signal.reason));
      if (attempt === 1) return new Promise<string>(() => {});
      return `answered at ${clock.now() - start}`;
    };

    const result = await clock.run(retry(fn, { clock, random: () => 1, attemptTimeoutMs: 10_000 }));

    expect(result).toBe('answered at 11000');
    expect(reasons).toEqual([expect.objectContaining({ name: 'TimeoutError' })]);
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('retry: exhaustion', () => {
  it('throws RetryExhaustedError carrying the attempts and the last error as cause', async () => {
    const clock = new FakeClock(start);
    const errors = [httpError(503), httpError(502), httpError(529), networkError('ECONNRESET')];
    const { fn, calls } = provider(clock, ...errors);

    const error = await clock.run(retry(fn, { clock })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error).toMatchObject({ name: 'RetryExhaustedError', attempts: 4, cause: errors[3] });
    expect((error as Error).message).toContain('connect ECONNRESET');
    expect((error as RetryExhaustedError).retryAfterMs).toBeUndefined();
    expect(calls).toHaveLength(4);
  });

  it('makes a single attempt with retries: 0', async () => {
    const clock = new FakeClock(start);
    const { fn } = failing(clock, 1);

    await expect(clock.run(retry(fn, { clock, retries: 0 }))).rejects.toMatchObject({ attempts: 1 });
    expect(clock.sleeps).toEqual([]);
  });

  it('returns the first success without waiting', async () => {
    const clock = new FakeClock(start);
    const { fn, calls } = provider(clock);

    await expect(retry(fn, { clock })).resolves.toBe('ok');
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});
