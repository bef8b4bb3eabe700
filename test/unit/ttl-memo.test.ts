import { describe, expect, it } from 'vitest';
import { ttlMemo } from '../../shared/ttl-memo';

describe('ttlMemo', () => {
  it('answers from memory within the TTL, looks again after it, and forgets failures', async () => {
    let t = 0;
    let calls = 0;
    let fail = false;
    const memo = ttlMemo(
      async (key: string) => {
        calls += 1;
        if (fail) throw new Error('down');
        return `${key}:${calls}`;
      },
      { ttlMs: 1000, now: () => t },
    );
    expect(await memo('a')).toBe('a:1');
    t = 999;
    expect(await memo('a')).toBe('a:1');
    t = 1000;
    fail = true;
    await expect(memo('a')).rejects.toThrow('down');
    fail = false;
    expect(await memo('a')).toBe('a:3');
    expect(calls).toBe(3);
  });

  it('keeps at most maxKeys keys, dropping the oldest', async () => {
    let calls = 0;
    const memo = ttlMemo(
      async (key: string) => {
        calls += 1;
        return key;
      },
      { ttlMs: 60_000, maxKeys: 2 },
    );
    await memo('a');
    await memo('b');
    await memo('c');
    await memo('b');
    expect(calls).toBe(3);
    await memo('a');
    expect(calls).toBe(4);
  });

  it('does not remember an answer `keep` refuses', async () => {
    let calls = 0;
    const memo = ttlMemo(
      async () => {
        calls += 1;
        return calls;
      },
      { ttlMs: 60_000, keep: (n) => n >= 2 },
    );
    expect(await memo('a')).toBe(1);
    expect(await memo('a')).toBe(2);
    expect(await memo('a')).toBe(2);
  });
});
