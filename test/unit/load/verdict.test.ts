/**
 * The verdicts of a run: the seed thresholds (the profile's `ensure`, on end-to-end time, the exit
 * code) and issue 15's targets (a tenth of the seed's p99, no 5xx), reported apart.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOAD_DIR } from '../../../load/common/paths';
import { PROFILE_NAMES, type ProfileName, readProfile, TARGETS } from '../../../load/common/profiles';
import type { ArtilleryReport, Summary } from '../../../load/common/results';
import { analyze } from '../../../load/report/analysis';
import { readRun } from '../../../load/report/inputs';
import { summarize } from '../../../load/report/summarize';
import { checkTargets, checkThresholds } from '../../../load/report/thresholds';
import { verdictLines } from '../../../load/report/verdict';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'summary');
const resultFile = path.join(fixtures, 'basic-2026-02-03T04-05-00-000Z.json');

const stat = (p95: number, p99: number): Summary => ({
  min: 1,
  max: p99,
  count: 100,
  mean: p95 / 2,
  p50: p95 / 2,
  median: p95 / 2,
  p75: p95,
  p90: p95,
  p95,
  p99,
  p999: p99,
});

/** The fixture run with its end-to-end figures and 5xx replaced, as `profile`. */
function summaryOf({
  p95,
  p99,
  fivexx = 0,
  profile = 'basic',
}: {
  p95: number;
  p99: number;
  fivexx?: number;
  profile?: ProfileName;
}) {
  const run = readRun(resultFile);
  const { aggregate } = run.result;
  const counters = Object.fromEntries(
    Object.entries(aggregate.counters ?? {}).filter(([k]) => !/^http\.codes\.5/.test(k)),
  );
  const changed: ArtilleryReport = {
    ...aggregate,
    counters: { ...counters, ...(fivexx ? { 'http.codes.502': fivexx } : {}) },
    summaries: { ...aggregate.summaries, 'e2e.response_time': stat(p95, p99) },
  };
  const as = { ...run, profile, key: profile, result: { ...run.result, aggregate: changed } };
  return summarize(analyze(as, readProfile(fixtures, 'basic')), fixtures);
}

describe('seed thresholds', () => {
  it("fail a run on end-to-end time that Artillery's own first-byte time would pass", () => {
    const run = readRun(resultFile);
    const onArtillery = checkThresholds(
      { thresholds: [{ 'http.response_time.p95': 500 }, { 'http.response_time.p99': 1000 }] },
      run.result.aggregate,
    );
    expect(onArtillery.map((c) => c.ok)).toEqual([true, true]);

    const s = summarize(analyze(run, readProfile(fixtures, 'basic')), fixtures);

    expect(s.seed.verdict).toBe('FAIL');
    expect(s.seed.checks.filter((c) => c.ok === false)).toEqual([
      { name: 'e2e.response_time.p95', limit: '< 500 ms', measured: '640.6 ms', ok: false },
      { name: 'e2e.response_time.p99', limit: '< 1000 ms', measured: '1500.3 ms', ok: false },
    ]);
  });

  it('are on e2e.response_time in every profile of load/', () => {
    for (const name of PROFILE_NAMES) {
      const metrics = (readProfile(LOAD_DIR, name).ensure.thresholds ?? []).flatMap((t) => Object.keys(t as object));
      expect(metrics.length, name).toBeGreaterThan(0);
      for (const metric of metrics) expect(metric, name).toMatch(/^e2e\.response_time\./);
    }
  });
});

describe('targets', () => {
  it('are a tenth of the seed p99: basic 100 ms, stress 500 ms, spike 300 ms; smoke has none', () => {
    expect(TARGETS).toEqual({ basic: { p99Ms: 100 }, stress: { p99Ms: 500 }, spike: { p99Ms: 300 } });
  });

  it.each([
    ['basic', 100],
    ['stress', 500],
    ['spike', 300],
  ] as const)('hold %s end-to-end p99 strictly under %i ms with no 5xx', (profile, limit) => {
    const under = summaryOf({ p95: limit / 2, p99: limit - 0.1, profile });
    const at = summaryOf({ p95: limit / 2, p99: limit, profile });
    const errors = summaryOf({ p95: limit / 2, p99: limit - 0.1, fivexx: 1, profile });

    expect(under.targets).toEqual({
      source: `issue 15: p99 < ${limit} ms end to end, no 5xx`,
      verdict: 'PASS',
      checks: [
        { name: 'e2e.response_time.p99', limit: `< ${limit} ms`, measured: `${limit - 0.1} ms`, ok: true },
        { name: 'http.codes.5xx', limit: '= 0', measured: '0', ok: true },
      ],
    });
    expect(at.targets.verdict).toBe('FAIL');
    expect(errors.targets.verdict).toBe('FAIL');
    expect(errors.targets.checks[1]).toMatchObject({ measured: '1', ok: false });
  });

  it('are none for smoke', () => {
    const s = summaryOf({ p95: 10, p99: 20, profile: 'smoke' });
    expect(s.targets).toEqual({ source: 'none for this profile', verdict: 'none', checks: [] });
    expect(verdictLines(s).join('\n')).not.toContain('Targets');
  });

  it('are reported apart from the seed: a run can pass the seed and fail the targets', () => {
    const s = summaryOf({ p95: 300, p99: 400, fivexx: 2 });

    expect(s.seed.verdict).toBe('PASS');
    expect(s.targets.verdict).toBe('FAIL');
    const lines = verdictLines(s);
    expect(lines).toContain('Seed thresholds (the ensure block of load/basic-load.yml): PASS');
    expect(lines).toContain('Targets, reported separately (issue 15: p99 < 100 ms end to end, no 5xx): FAIL');
    expect(lines).toContain('  fail: e2e.response_time.p99 400 ms (limit < 100 ms)');
    expect(lines).toContain('  fail: http.codes.5xx 2 (limit = 0)');
  });

  it('count every 5xx status and only those', () => {
    const aggregate: ArtilleryReport = {
      firstMetricAt: 0,
      lastMetricAt: 1,
      counters: { 'http.codes.500': 1, 'http.codes.503': 2, 'http.codes.429': 9, 'custom.server_errors_5xx': 3 },
      summaries: { 'e2e.response_time': stat(10, 20) },
    };
    expect(checkTargets({ p99Ms: 100 }, aggregate)[1]).toMatchObject({ measured: '3', ok: false });
    expect(checkTargets({ p99Ms: 100 }, { firstMetricAt: 0, lastMetricAt: 1 })).toMatchObject([
      { measured: 'not in the result', ok: false },
      { measured: '0', ok: true },
    ]);
  });
});

describe('verdictLines', () => {
  it('prints the end-to-end percentiles first and labels the Artillery figure', () => {
    const s = summarize(analyze(readRun(resultFile), readProfile(fixtures, 'basic')), fixtures);
    const [e2e, artillery, server] = verdictLines(s);
    expect(e2e).toMatch(/^End to end .*: p50 12\.3 ms, p95 640\.6 ms, p99 1500\.3 ms$/);
    expect(artillery).toMatch(/^Artillery http\.response_time .*: p50 3\.2 ms, p95 21\.4 ms, p99 48\.7 ms$/);
    expect(server).toMatch(/^Server-side .*: p50 1\.8 ms, p95 6\.3 ms, p99 10 ms$/);
  });
});
