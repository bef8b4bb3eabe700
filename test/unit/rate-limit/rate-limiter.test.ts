/** Grouping a request's rules into one counter write per identity and bucket, and the decision. */
import { describe, expect, it } from 'vitest';
import {
  type ClientIdentity,
  type CounterGroup,
  type CounterStore,
  checkRateLimits,
  type GroupCount,
  planCounterGroups,
  RefusalMemory,
  rateLimitHeaders,
} from '../../../shared/rate-limit/rate-limiter';
import { API_RULE, type RateRule, rulesFor } from '../../../shared/rate-limit/rules';
import { MemoryCounters } from '../../support/edge-fakes';

const MINUTE = 1_700_000_040; // a multiple of 60 (and of 2); 1_700_000_000 is not
const HOUR = 1_699_999_200; // the hour containing MINUTE
const at = (secondsIntoMinute: number) => (MINUTE + secondsIntoMinute) * 1000;
const ADDRESS: ClientIdentity = { address: '198.51.100.9' };
const KEYED: ClientIdentity = { address: '198.51.100.9', userId: 'u1' };
const noError = (error: unknown): void => {
  throw error;
};

async function check(
  store: CounterStore,
  rules: readonly RateRule[],
  nowMs: number,
  client = ADDRESS,
  onStoreError = noError,
) {
  return checkRateLimits(rules, client, { store, nowMs, onStoreError });
}

describe('planCounterGroups', () => {
  it('puts all of an /api request without a key in one item of the address', () => {
    const groups = planCounterGroups(rulesFor('public', '/api/things'), ADDRESS, at(7.25));
    expect(groups.map((g) => g.group)).toEqual([
      {
        key: `RL#ip:198.51.100.9#60#${MINUTE}`,
        expiresAt: MINUTE + 120,
        counters: [
          { name: 'all.7', limit: 100, previous: 'all.6' },
          { name: 'api.6', limit: 20, previous: 'api.4' },
          { name: 'tier-public.0', limit: 20 },
        ],
      },
    ]);
    expect(groups[0]?.members.map((m) => [m.rule.id, m.resetSeconds])).toEqual([
      ['all', 1],
      ['api', 1],
      ['tier-public', 53],
    ]);
  });

  it('has no previous window to remove at the start of the bucket', () => {
    const [planned] = planCounterGroups(rulesFor('public', '/api/things'), ADDRESS, at(0.5));
    expect(planned?.group.counters).toEqual([
      { name: 'all.0', limit: 100 },
      { name: 'api.0', limit: 20 },
      { name: 'tier-public.0', limit: 20 },
    ]);
  });

  it("counts an API-key request's client rules by the key and the all-routes ceiling by the address", () => {
    const groups = planCounterGroups(rulesFor('authenticated', '/api/things'), KEYED, at(30));
    expect(groups.map((g) => [g.group.key, g.group.counters.map((c) => c.name)])).toEqual([
      [`RL#ip:198.51.100.9#60#${MINUTE}`, ['all.30']],
      [`RL#user:u1#60#${MINUTE}`, ['api.30', 'tier-authenticated.0']],
    ]);
  });

  it('gives the email tier a bucket of its own window', () => {
    const groups = planCounterGroups(rulesFor('email', '/api/send'), ADDRESS, at(7));
    expect(groups.map((g) => g.group)).toEqual([
      expect.objectContaining({ key: `RL#ip:198.51.100.9#60#${MINUTE}` }),
      {
        key: `RL#ip:198.51.100.9#3600#${HOUR}`,
        expiresAt: HOUR + 3660,
        counters: [{ name: 'tier-email.0', limit: 50 }],
      },
    ]);
    expect(groups[1]?.members[0]?.resetSeconds).toBe(HOUR + 3600 - (MINUTE + 7));
  });

  it('gives a window that does not divide the minute its own bucket', () => {
    const odd: RateRule = { id: 'odd', limit: 5, windowSeconds: 7, keyBy: 'address' };
    const [planned] = planCounterGroups([odd], ADDRESS, at(10));
    const start = Math.floor((MINUTE + 10) / 7) * 7;
    expect(planned?.group).toEqual({
      key: `RL#ip:198.51.100.9#7#${start}`,
      expiresAt: start + 67,
      counters: [{ name: 'odd.0', limit: 5 }],
    });
  });
});

describe('checkRateLimits', () => {
  it('is one write for an /api request without a key, two with one', async () => {
    const store = new MemoryCounters();
    await check(store, rulesFor('public', '/api/things'), at(1));
    expect(store.groups).toHaveLength(1);
    await check(store, rulesFor('public', '/api/things'), at(1), KEYED);
    expect(store.groups).toHaveLength(3);
  });

  it('shows the tightest rule while admitting', async () => {
    const store = new MemoryCounters();
    const decision = await check(store, rulesFor('public', '/api/things'), at(7.25));
    expect(decision).toEqual({ allowed: true, limit: 20, remaining: 19, resetSeconds: 1 });
    expect(decision && rateLimitHeaders(decision)).toEqual({
      'ratelimit-limit': '20',
      'ratelimit-remaining': '19',
      'ratelimit-reset': '1',
    });
  });

  it('refuses on the rule that is full with its reset, and counts the refused request in none of the group', async () => {
    const store = new MemoryCounters();
    const rules = rulesFor('authenticated', '/api/things');
    for (let i = 0; i < 20; i++) await check(store, rules, at(10.5));
    const refused = await check(store, rules, at(11.5));
    expect(refused).toEqual({ allowed: false, limit: 20, remaining: 0, resetSeconds: 1, refusedBy: 'api' });
    expect(refused && rateLimitHeaders(refused)['retry-after']).toBe('1');
    const item = `RL#ip:198.51.100.9#60#${MINUTE}`;
    expect(store.counts.get(`${item}|all.11`)).toBeUndefined();
    expect(store.counts.get(`${item}|tier-authenticated.0`)).toBe(20);
  });

  it('rolls the short windows over inside the bucket and removes their previous window', async () => {
    const store = new MemoryCounters();
    const rules = rulesFor('authenticated', '/api/things');
    for (let i = 0; i < 20; i++) await check(store, rules, at(10));
    expect((await check(store, rules, at(11)))?.allowed).toBe(false);
    expect(await check(store, rules, at(12))).toMatchObject({ allowed: true, limit: 20, remaining: 19 });
    const item = `RL#ip:198.51.100.9#60#${MINUTE}`;
    expect(store.counts.get(`${item}|api.12`)).toBe(1);
    expect(store.counts.has(`${item}|api.10`)).toBe(false);
    expect(store.counts.has(`${item}|all.11`)).toBe(false);
    expect(store.counts.get(`${item}|all.12`)).toBe(1);
    expect(store.counts.get(`${item}|tier-authenticated.0`)).toBe(21);
  });

  it('names the rule whose window resets last when several are full', async () => {
    const store = new MemoryCounters();
    const rules = rulesFor('public', '/api/things');
    for (let i = 0; i < 20; i++) await check(store, rules, at(30.25));
    // api (20 per 2 s) and tier-public (20 per minute) are both full: only the minute's end helps.
    expect(await check(store, rules, at(31))).toEqual({
      allowed: false,
      limit: 20,
      remaining: 0,
      resetSeconds: 29,
      refusedBy: 'tier-public',
    });
    // The api window turned; the tier still refuses.
    expect(await check(store, rules, at(33))).toMatchObject({
      allowed: false,
      refusedBy: 'tier-public',
      resetSeconds: 27,
    });
    expect(await check(store, rules, at(60))).toMatchObject({ allowed: true, remaining: 19 });
  });

  it("keeps the key's and the address's groups independent", async () => {
    const store = new MemoryCounters();
    const rules = rulesFor('authenticated', '/api/things');
    for (let i = 0; i < 20; i++) await check(store, rules, at(4), KEYED);
    expect(await check(store, rules, at(4), KEYED)).toMatchObject({ allowed: false, refusedBy: 'api' });
    // Refused by the key's group, still counted by the address's.
    expect(store.counts.get(`RL#ip:198.51.100.9#60#${MINUTE}|all.4`)).toBe(21);
    // Another user's key from the same address has its own budget.
    expect(await check(store, rules, at(4), { ...KEYED, userId: 'u2' })).toMatchObject({
      allowed: true,
      remaining: 19,
    });
  });

  it('counts the email tier in its own hourly item', async () => {
    const store = new MemoryCounters();
    const rules = rulesFor('email', '/api/send');
    for (let i = 0; i < 50; i++) await check(store, rules, at(i));
    const refused = await check(store, rules, at(59));
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'tier-email', limit: 50 });
    expect(refused?.resetSeconds).toBe(HOUR + 3600 - (MINUTE + 59));
    expect(store.counts.get(`RL#ip:198.51.100.9#3600#${HOUR}|tier-email.0`)).toBe(50);
    // The refusal by the hourly group did not stop the minute's group counting it.
    expect(store.counts.get(`RL#ip:198.51.100.9#60#${MINUTE}|all.59`)).toBe(1);
  });

  it('lets the request through when the store fails, and reports the error', async () => {
    const store = new MemoryCounters();
    store.failing = true;
    const errors: unknown[] = [];
    const decision = await check(store, rulesFor('public', '/api/things'), at(1), ADDRESS, (e) => void errors.push(e));
    expect(decision).toEqual({ allowed: true, limit: 20, remaining: 20, resetSeconds: 1 });
    expect(errors).toHaveLength(1);
  });

  it("still refuses on one group when the other group's write fails", async () => {
    const full: CounterStore = {
      incrementBelow: async () => undefined,
      countRequest: async (group: CounterGroup): Promise<GroupCount> => {
        if (group.key.includes('ip:')) throw new Error('throttled');
        return { admitted: false, counts: { 'api.0': 20, 'tier-public.0': 7 } };
      },
    };
    const errors: unknown[] = [];
    const decision = await check(full, rulesFor('public', '/api/things'), at(0), KEYED, (e) => void errors.push(e));
    expect(decision).toMatchObject({ allowed: false, refusedBy: 'api', remaining: 0 });
    expect(errors).toHaveLength(1);
  });

  it('blames the rule with the least room when a refusal reads back no full counter', async () => {
    const raced: CounterStore = {
      incrementBelow: async () => undefined,
      countRequest: async () => ({ admitted: false, counts: { 'all.0': 3, 'api.0': 12, 'tier-public.0': 5 } }),
    };
    expect(await check(raced, rulesFor('public', '/api/things'), at(0))).toEqual({
      allowed: false,
      limit: 20,
      remaining: 0,
      resetSeconds: 2,
      refusedBy: 'api',
    });
  });

  it('counts nothing for exempt routes', async () => {
    const store = new MemoryCounters();
    expect(await check(store, rulesFor('exempt', '/api/health'), at(0))).toBeUndefined();
    expect(store.groups).toHaveLength(0);
  });

  it('keys rules by the address when they say so, even with a key', () => {
    const byAddress: RateRule = { ...API_RULE, id: 'x', keyBy: 'address' };
    expect(planCounterGroups([byAddress], KEYED, at(0))[0]?.group.key).toBe(`RL#ip:198.51.100.9#60#${MINUTE}`);
  });
});

describe('RefusalMemory', () => {
  const rules = [{ id: 'api', limit: 2, windowSeconds: 2, keyBy: 'client' as const }];
  const counting = () => {
    const inner = new MemoryCounters();
    let writes = 0;
    const store = {
      incrementBelow: inner.incrementBelow.bind(inner),
      countRequest: (group: Parameters<typeof inner.countRequest>[0]) => {
        writes += 1;
        return inner.countRequest(group);
      },
    };
    return { store, writes: () => writes };
  };

  it('refuses a window it saw refuse without writing again, until the window turns', async () => {
    const { store, writes } = counting();
    const refusals = new RefusalMemory();
    const check = (nowMs: number) =>
      checkRateLimits(rules, { address: '10.0.0.9' }, { store, nowMs, onStoreError: () => undefined, refusals });
    const t = at(0); // the 2 s window runs [t, t + 2000)
    expect((await check(t))?.allowed).toBe(true);
    expect((await check(t + 10))?.allowed).toBe(true);
    const refused = await check(t + 20);
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'api', remaining: 0 });
    expect(writes()).toBe(3);

    const again = await check(t + 500);
    expect(again).toMatchObject({ allowed: false, refusedBy: 'api', resetSeconds: 2 });
    expect(writes()).toBe(3);
    expect(refusals.size).toBe(1);

    expect((await check(t + 2000))?.allowed).toBe(true);
    expect(writes()).toBe(4);
  });

  it('stays bounded: past its size it forgets everything (and only costs writes again)', () => {
    const memory = new RefusalMemory(2);
    const group = (key: string) => ({ key, expiresAt: 0, counters: [{ name: 'api.0', limit: 1 }] });
    memory.remember(group('a'), 'api.0', 10);
    memory.remember(group('b'), 'api.0', 10);
    memory.remember(group('c'), 'api.0', 10);
    expect(memory.size).toBe(1);
    expect(memory.refused(group('a'), 5)).toBeUndefined();
    expect(memory.refused(group('c'), 5)).toBe('api.0');
    expect(memory.refused(group('c'), 10)).toBeUndefined();
    expect(memory.size).toBe(0);
  });
});
