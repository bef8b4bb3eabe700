/**
 * The analysis of one run and how the document and the charts show it: sustained throughput,
 * the first 429, and whether the load generator kept to the phases' schedule.
 */
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../load/common/profiles';
import type { ArtilleryReport, ServerStatsLine, Summary } from '../../../load/common/results';
import { analyze } from '../../../load/report/analysis';
import { chartSpecs } from '../../../load/report/charts';
import type { Run } from '../../../load/report/inputs';
import { renderSection } from '../../../load/report/markdown';

const START = Date.parse('2026-01-02T03:00:00.000Z');
const stat = (mean: number, p99 = mean): Summary => ({
  min: 0,
  max: p99,
  count: 10,
  mean,
  p50: mean,
  median: mean,
  p75: mean,
  p90: mean,
  p95: mean,
  p99,
  p999: p99,
});

/** Three 10 s periods; the phases ask for 10 new virtual users a second throughout. */
function run({ created = 100, generatorCpu = 30, p99 = [20, 30, 40] } = {}): Run {
  const responses = [100, 300, 200];
  const limited = [0, 7, 3];
  const intermediate: ArtilleryReport[] = [0, 1, 2].map((i) => ({
    period: String(START + i * 10_000),
    firstMetricAt: START + i * 10_000,
    lastMetricAt: START + i * 10_000 + 9_999,
    counters: {
      'vusers.created': created,
      'http.requests': (responses[i] ?? 0) + 1,
      'http.responses': responses[i] ?? 0,
      'http.codes.429': limited[i] ?? 0,
      'plugins.metrics-by-endpoint.GET /api/csrf-token.codes.429': limited[i] ?? 0,
    },
    summaries: {
      'http.response_time': stat(10, p99[i]),
      'generator.cpu_percent': stat(generatorCpu),
    },
  }));
  const aggregate: ArtilleryReport = {
    firstMetricAt: START,
    lastMetricAt: START + 30_000,
    counters: {
      'vusers.created': created * 3,
      'vusers.completed': created * 3,
      'http.requests': 603,
      'http.responses': 600,
      'http.codes.200': 590,
      'http.codes.429': 10,
      'plugins.metrics-by-endpoint.GET /api/csrf-token.codes.429': 10,
      'plugins.metrics-by-endpoint.GET /api/csrf-token.codes.200': 90,
    },
    summaries: {
      'http.response_time': stat(10, 40),
      'plugins.metrics-by-endpoint.response_time.GET /api/csrf-token': stat(5),
      'generator.cpu_percent': stat(generatorCpu),
    },
  };
  return {
    key: 'basic',
    profile: 'basic',
    aws: false,
    stamp: '2026-01-02T03-00-00-000Z',
    file: '/x/basic-2026-01-02T03-00-00-000Z.json',
    result: { aggregate, intermediate },
    metaFile: undefined,
    meta: undefined,
    serverStats: undefined,
  };
}
const profile: Profile = {
  file: 'basic-load.yml',
  phases: [
    { duration: 10, arrivalRate: 10, name: 'warm up' },
    { duration: 20, arrivalRate: 10, name: 'steady' },
  ],
  ensure: { thresholds: [{ 'http.response_time.p99': 100 }] },
  ensureEnabled: false,
};
const section = (r: Run) => renderSection(analyze(r, profile), 'load-charts/basic.html');

describe('analyze and renderSection', () => {
  it('finds the best sustained rate, the first 429 and the phase asking then', () => {
    const a = analyze(run(), profile);
    expect(a.verdict).toBe('PASS');
    expect(a.sustained).toMatchObject({ rate: 20, t0: 0, t1: 30, periods: 3 });
    expect(a.rateLimiting).toMatchObject({ t0: 10, t1: 20, count: 7, askedRate: 10, phase: 'steady' });
    const text = section(run());
    expect(text).toContain('- Max sustained throughput: 20 responses/s (any status; 19.7/s without the 429s)');
    expect(text).toContain(
      '- Rate limiting: the first 429 came in the period t = 10-20 s into the run (7 that period), while the phases asked for 10 new virtual users/s (phase "steady"); 10 in total (1.67% of responses); per endpoint: `GET /api/csrf-token` 10 from t = 10-20 s.',
    );
    expect(text).toContain('| `GET /api/csrf-token` | 10 | 5 | 5 | 5 | 5 | 90 x 200, 10 x 429 | none |');
    expect(text).toContain('Note: basic-load.yml does not enable `plugins: ensure`');
    expect(text).toContain('- Command: not recorded (no `.meta.json` next to this result)');
  });

  it('says the generator kept to its schedule when it created what the phases asked for', () => {
    expect(section(run())).toContain('- Load generator: kept to its schedule (no window more than 5% short)');
  });

  it('puts a slip down to the generator only when its CPU was busy', () => {
    expect(section(run({ created: 50, generatorCpu: 95 }))).toContain(
      '**fell behind its schedule by more than 5% with its CPU busy: the generator, not the server, was the limit**',
    );
    expect(section(run({ created: 50, generatorCpu: 30 }))).toContain(
      '**fell behind its schedule by more than 5%** while its CPU was under 80% (so not obviously the generator)',
    );
  });
});

describe('chartSpecs', () => {
  it('draws latency on a log scale only when it spans more than 50x, with the p99 limit', () => {
    const linear = chartSpecs(analyze(run(), profile)).find((c) => c.id === 'latency');
    expect(linear?.log).toBe(false);
    expect(linear?.limits).toEqual([{ value: 100, label: 'p99 limit (< 100 ms)' }]);
    const log = chartSpecs(analyze(run({ p99: [20, 3000, 40] }), profile)).find((c) => c.id === 'latency');
    expect(log?.log).toBe(true);
  });

  it('adds the server-side p99 when the runtime recorded it, and charts only the CPU that was sampled', () => {
    const window = (seconds: number, p99?: number): ServerStatsLine => ({
      kind: 'window',
      at: new Date(START + seconds * 1000).toISOString(),
      secondsSinceStart: seconds,
      requests: 1,
      '2xx': 1,
      '3xx': 0,
      '4xx': 0,
      '429': 0,
      '5xx': 0,
      inFlightPeak: 1,
      ...(p99 === undefined ? {} : { latencyMs: { p50: 1, p95: 2, p99, max: 9 } }),
    });
    const withStats = { ...run(), serverStats: { windows: [window(10, 7), window(20)], total: undefined } };
    const specs = chartSpecs(analyze(withStats, profile));
    expect(specs.map((c) => c.id)).toEqual(['latency', 'throughput', 'arrivals', 'cpu']);
    const serverSide = specs[0]?.series.find((s) => s.name === 'server-side p99');
    // the window ending at 10 s is plotted at its middle, 5 s
    expect(serverSide?.points).toEqual([[5, 7]]);
    expect(specs.find((c) => c.id === 'cpu')?.series.map((s) => s.name)).toEqual(['generator CPU %']);
  });
});
