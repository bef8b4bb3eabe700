/** Artillery's intermediate reports on the run's time axis. */
import { describe, expect, it } from 'vitest';
import type { ArtilleryReport, Summary } from '../../../load/common/results';
import { bestWindow, periodsOf, windowMean, windowSum } from '../../../load/report/periods';

const summary = (count: number, mean: number): Summary => ({
  min: 0,
  max: 0,
  count,
  mean,
  p50: mean,
  median: mean,
  p75: mean,
  p90: mean,
  p95: mean,
  p99: mean,
  p999: mean,
});
const report = (period: number, created: number, cpu?: Summary): ArtilleryReport => ({
  period: String(period),
  firstMetricAt: period,
  lastMetricAt: period,
  counters: { 'vusers.created': created },
  summaries: cpu ? { 'generator.cpu_percent': cpu } : {},
});

// A run from t = 999 s to 1031 s of wall-clock periods starting every 10 s at 990 s: a 1 s
// sliver at each end.
const result = {
  aggregate: { firstMetricAt: 999_000, lastMetricAt: 1_031_000 },
  intermediate: [
    report(1_030_000, 1),
    report(990_000, 2, summary(1, 90)),
    report(1_000_000, 10, summary(2, 50)),
    report(1_010_000, 20),
    report(1_020_000, 30),
  ],
};

describe('periodsOf', () => {
  const periods = periodsOf(result);

  it('clips periods to the run and merges the slivers under 2 s into their neighbour', () => {
    expect(periods.map((p) => [p.t0, p.t1, p.seconds])).toEqual([
      [0, 11, 11],
      [11, 21, 10],
      [21, 32, 11],
    ]);
  });

  it('sums the counters of merged periods and keeps the summary with more samples', () => {
    expect(periods.map((p) => p.counters['vusers.created'])).toEqual([12, 20, 31]);
    expect(periods[0]?.summaries['generator.cpu_percent']?.mean).toBe(50);
  });

  it('finds the best window of consecutive periods by a score, and weighs means by samples', () => {
    const best = bestWindow(periods, 2, (w) => windowSum(w, 'vusers.created'));
    expect(best?.value).toBe(51);
    expect(best?.window.map((p) => p.t0)).toEqual([11, 21]);
    expect(bestWindow(periods, 5, () => 1)?.window).toHaveLength(3);
    expect(bestWindow(periods, 2, () => undefined)).toBeUndefined();
    expect(bestWindow([], 3, () => 1)).toBeUndefined();
    expect(windowMean(periods, 'generator.cpu_percent')).toBe(50);
    expect(windowMean(periods, 'server.cpu_percent')).toBeUndefined();
  });
});
