import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/resilience/clock';
import { FakeClock, flush } from './fake-clock';

describe('systemClock', () => {
  it('reports the wall clock', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a sleep at once with the reason of an already aborted signal', async () => {
    const reason = new Error('caller gave up');
    await expect(systemClock.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('stops sleeping with the reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });
});

describe('FakeClock', () => {
  it('wakes sleepers in time order, each at its own time, and only when advanced', async () => {
    const clock = new FakeClock(0);
    const woke: string[] = [];
    void clock.sleep(2000).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleep(1000).then(() => woke.push(`a@${clock.now()}`));

    await clock.advance(999);
    expect(woke).toEqual([]);
    await clock.advance(1500);

    expect(woke).toEqual(['a@1000', 'b@2000']);
    expect(clock.now()).toBe(2499);
  });

  it('drops an aborted sleeper so it is never woken', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    await flush();
    expect(clock.pendingSleeps).toBe(0);
  });
});
