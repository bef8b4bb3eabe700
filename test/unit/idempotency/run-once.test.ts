/** runOnce, the idempotency key and the request fingerprint, over an in-memory store and a fake clock. */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_RUN_ONCE,
  fingerprintOf,
  idempotencyKeyOf,
  type RunOnceDeps,
  runOnce,
} from '../../../shared/idempotency/run-once';
import { fakeClock, sequentialIds } from '../crm/contacts/memory-stores';
import { memoryIdempotency } from './memory-idempotency';

describe('idempotencyKeyOf', () => {
  it('takes 1-128 visible ASCII characters, bare or in the draft’s quoted form', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(idempotencyKeyOf('"8e03978e"')).toBe('8e03978e');
    expect(idempotencyKeyOf('  k#1:/x  ')).toBe('k#1:/x');
    expect(idempotencyKeyOf('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it('refuses an empty, too long, spaced or non-ASCII key with 400 INVALID_IDEMPOTENCY_KEY', () => {
    for (const bad of ['', '   ', '""', 'x'.repeat(129), 'two words', 'clé', 'a\u0000b', 'tab\tkey']) {
      expect(() => idempotencyKeyOf(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'INVALID_IDEMPOTENCY_KEY',
          details: [expect.objectContaining({ in: 'header', path: 'idempotency-key' })],
        }),
      );
    }
  });
});

describe('fingerprintOf', () => {
  it('is the same for the same values in any key order, and differs for any other value', () => {
    const a = fingerprintOf({ type: 'call', metadata: { b: 1, a: [1, { y: 2, x: 1 }] }, skipped: undefined });
    expect(fingerprintOf({ metadata: { a: [1, { x: 1, y: 2 }], b: 1 }, type: 'call' })).toBe(a);
    expect(fingerprintOf({ metadata: { a: [{ x: 1, y: 2 }, 1], b: 1 }, type: 'call' })).not.toBe(a);
    expect(fingerprintOf({ metadata: { a: [1, { x: 1, y: 2 }], b: '1' }, type: 'call' })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('runOnce', () => {
  const scope = { workspaceId: 'ws-1', operation: 'things.create', key: 'key-1' };
  let clock: ReturnType<typeof fakeClock>;
  let deps: RunOnceDeps & { idempotency: ReturnType<typeof memoryIdempotency> };
  let runs: string[];
  const work = async (plan: { id: string }) => {
    runs.push(plan.id);
    return { id: plan.id, at: clock.now().toISOString() };
  };
  const request = (plan: string, fingerprint = 'f-1') => ({ fingerprint, plan: { id: plan } });

  beforeEach(() => {
    clock = fakeClock();
    deps = { idempotency: memoryIdempotency(clock.now), now: clock.now, newId: sequentialIds('lease') };
    runs = [];
  });

  it('runs the first request and replays its result to every retry, without running again', async () => {
    const first = await runOnce(deps, scope, request('a'), work);
    clock.advance(1000);
    const second = await runOnce(deps, scope, request('b'), work);
    const third = await runOnce(deps, scope, request('c'), work);

    expect(runs).toEqual(['a']);
    expect(first).toEqual({ result: { id: 'a', at: '2026-03-01T10:00:00.000Z' }, replayed: false });
    expect(second).toEqual({ result: first.result, replayed: true });
    expect(third).toEqual(second);
  });

  it('refuses the key with another request (422), and leaves the stored result as it was', async () => {
    await runOnce(deps, scope, request('a'), work);
    await expect(runOnce(deps, scope, request('b', 'f-2'), work)).rejects.toMatchObject({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(runs).toEqual(['a']);
    expect((await runOnce(deps, scope, request('c'), work)).result.id).toBe('a');
  });

  it('keeps keys apart per workspace and per operation', async () => {
    await runOnce(deps, scope, request('a'), work);
    await runOnce(deps, { ...scope, workspaceId: 'ws-2' }, request('b', 'f-2'), work);
    await runOnce(deps, { ...scope, operation: 'other.create' }, request('c', 'f-3'), work);
    expect(runs).toEqual(['a', 'b', 'c']);
  });

  it('answers 409 to a retry while the first attempt runs, then replays its result', async () => {
    let finish: () => void = () => {};
    const slow = (plan: { id: string }) =>
      new Promise<{ id: string }>((resolve) => {
        finish = () => resolve(plan);
      });
    const first = runOnce(deps, scope, request('a'), slow);
    await new Promise((r) => setImmediate(r));

    await expect(runOnce(deps, scope, request('b'), work)).rejects.toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_IN_PROGRESS',
    });
    finish();
    await first;
    expect(await runOnce(deps, scope, request('c'), work)).toEqual({ result: { id: 'a' }, replayed: true });
    expect(runs).toEqual([]);
  });

  it('re-runs a failed request with the first attempt’s plan, not the retry’s', async () => {
    let fail = true;
    const flaky = async (plan: { id: string }) => {
      runs.push(plan.id);
      if (fail) throw new Error('provider down');
      return plan;
    };
    await expect(runOnce(deps, scope, request('a'), flaky)).rejects.toThrow('provider down');
    fail = false;

    expect(await runOnce(deps, scope, request('b'), flaky)).toEqual({ result: { id: 'a' }, replayed: false });
    expect(runs).toEqual(['a', 'a']);
    expect(await runOnce(deps, scope, request('c'), flaky)).toMatchObject({ replayed: true });
  });

  it('takes over a crashed attempt once its lease lapses, with the crashed attempt’s plan', async () => {
    // An attempt that claimed the key and never finished (its process died).
    await deps.idempotency.claim(scope, {
      fingerprint: 'f-1',
      plan: JSON.stringify({ id: 'crashed' }),
      leaseId: 'dead',
      leaseUntil: clock.now().getTime() + DEFAULT_RUN_ONCE.leaseMs,
      expiresAt: new Date(clock.now().getTime() + DEFAULT_RUN_ONCE.ttlMs),
    });
    await expect(runOnce(deps, scope, request('b'), work)).rejects.toMatchObject({ status: 409 });

    clock.advance(DEFAULT_RUN_ONCE.leaseMs);
    const resumed = await runOnce(deps, scope, request('c'), work);

    expect(resumed).toMatchObject({ result: { id: 'crashed' }, replayed: false });
    expect(runs).toEqual(['crashed']);
  });

  it('forgets a key after its time to live: the same key then names a new request', async () => {
    await runOnce(deps, scope, request('a'), work);
    clock.advance(DEFAULT_RUN_ONCE.ttlMs + 1000);
    expect(await runOnce(deps, scope, request('b', 'f-2'), work)).toMatchObject({
      result: { id: 'b' },
      replayed: false,
    });
  });
});
