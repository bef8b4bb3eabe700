/** The profile's `ensure` checks, re-checked on a result as Artillery's ensure plugin does. */
import { describe, expect, it } from 'vitest';
import type { ArtilleryReport } from '../../../load/common/results';
import { checkThresholds } from '../../../load/report/thresholds';

const aggregate = (p99: number, created = 200, completed = 198): ArtilleryReport => ({
  firstMetricAt: 0,
  lastMetricAt: 1,
  counters: { 'vusers.created': created, 'vusers.completed': completed },
  rates: { 'http.request_rate': 12 },
  summaries: {
    'http.response_time': {
      min: 1,
      max: 2000,
      count: 10,
      mean: 50,
      p50: 9,
      median: 9,
      p75: 20,
      p90: 300,
      p95: 400,
      p99,
      p999: p99,
    },
  },
});

describe('checkThresholds', () => {
  it('counts virtual users not completed against maxErrorRate, the limit included', () => {
    const [check] = checkThresholds({ maxErrorRate: 1 }, aggregate(10));
    expect(check).toEqual({
      name: 'maxErrorRate: VUs not completed / VUs created',
      limit: '<= 1%',
      measured: '1% (2 of 200)',
      ok: true,
    });
    expect(checkThresholds({ maxErrorRate: 1 }, aggregate(10, 200, 197))[0]?.ok).toBe(false);
    expect(checkThresholds({ maxErrorRate: 1 }, aggregate(10, 0, 0))[0]).toMatchObject({
      measured: 'no virtual users',
      ok: false,
    });
  });

  it('holds a metric strictly under its threshold, from thresholds and the legacy keys', () => {
    const checks = checkThresholds(
      { thresholds: [{ 'http.response_time.p99': 1000 }, { 'http.request_rate': 20 }], p95: '400' },
      aggregate(1000),
    );
    expect(checks).toEqual([
      { name: 'http.response_time.p99', limit: '< 1000 ms', limitValue: 1000, measured: '1000 ms', ok: false },
      { name: 'http.request_rate', limit: '< 20', limitValue: 20, measured: '12', ok: true },
      { name: 'http.response_time.p95', limit: '< 400 ms', limitValue: 400, measured: '400 ms', ok: false },
    ]);
    expect(checkThresholds({ thresholds: [{ 'http.response_time.p99': 1000 }] }, aggregate(999.9))[0]?.ok).toBe(true);
  });

  it('fails a metric missing from the result and lists conditions as not re-checked', () => {
    const checks = checkThresholds(
      { thresholds: [{ 'custom.nope': 3 }], conditions: [{ expression: 'http.response_time.p99 < 100' }] },
      aggregate(10),
    );
    expect(checks.map((c) => [c.name, c.measured, c.ok])).toEqual([
      ['custom.nope', 'not in the result', false],
      ['http.response_time.p99 < 100', 'not re-checked by this report', null],
    ]);
  });
});
