/** Artillery's intermediate reports as periods on the run's time axis, and sums over them. */
import type { ArtilleryResult, Summary } from '../common/results';

/** Periods shorter than this (the run's first and last slivers) are merged into their neighbour. */
export const MIN_PERIOD_MS = 2000;

export interface Period {
  /** Epoch ms, clipped to the run. */
  from: number;
  to: number;
  counters: Record<string, number>;
  summaries: Record<string, Summary>;
  /** Seconds since the run's first metric. */
  t0: number;
  t1: number;
  /** Length in seconds (at least 1 ms). */
  seconds: number;
}
type RawPeriod = Pick<Period, 'from' | 'to' | 'counters' | 'summaries'>;

function mergePeriods(into: RawPeriod, from: RawPeriod): RawPeriod {
  const counters = { ...into.counters };
  for (const [k, v] of Object.entries(from.counters)) counters[k] = (counters[k] ?? 0) + v;
  const summaries = { ...into.summaries };
  for (const [k, v] of Object.entries(from.summaries)) {
    if (!summaries[k] || (v.count ?? 0) > (summaries[k].count ?? 0)) summaries[k] = v;
  }
  return { from: Math.min(into.from, from.from), to: Math.max(into.to, from.to), counters, summaries };
}

/**
 * Each intermediate report covers a wall-clock period (~10 s, aligned to the clock, not to the
 * run): clipped here to the run, as seconds since the first metric; slivers under 2 s merged into
 * their neighbour (counters summed; summaries: the part with more samples).
 */
export function periodsOf(result: ArtilleryResult): Period[] {
  const { aggregate, intermediate = [] } = result;
  const start = aggregate.firstMetricAt;
  const end = aggregate.lastMetricAt;
  const starts = intermediate.map((p) => Number(p.period)).sort((a, b) => a - b);
  const gaps = starts
    .slice(1)
    .map((s, i) => s - (starts[i] as number))
    .filter((g) => g > 0);
  const length = gaps.length ? Math.min(...gaps) : 10000;
  const raw: RawPeriod[] = intermediate
    .map((p) => ({
      from: Math.max(Number(p.period), start),
      to: Math.min(Number(p.period) + length, end),
      counters: p.counters ?? {},
      summaries: p.summaries ?? {},
    }))
    .sort((a, b) => a.from - b.from);
  const merged: RawPeriod[] = [];
  for (const p of raw) {
    const last = merged.at(-1);
    if (last && (p.to - p.from < MIN_PERIOD_MS || last.to - last.from < MIN_PERIOD_MS)) {
      merged[merged.length - 1] = mergePeriods(last, p);
    } else merged.push(p);
  }
  return merged.map((p) => ({
    ...p,
    t0: (p.from - start) / 1000,
    t1: (p.to - start) / 1000,
    seconds: Math.max((p.to - p.from) / 1000, 0.001),
  }));
}

const sumWhere = (counters: Record<string, number>, test: (key: string) => boolean) =>
  Object.entries(counters)
    .filter(([k]) => test(k))
    .reduce((sum, [, v]) => sum + v, 0);
/** Responses with a 5xx status. */
export const serverErrors = (counters: Record<string, number>) =>
  sumWhere(counters, (k) => /^http\.codes\.5\d\d$/.test(k));
/** Network errors and failed expectations (`errors.*`). */
export const clientErrors = (counters: Record<string, number>) => sumWhere(counters, (k) => k.startsWith('errors.'));

/** Consecutive periods, never empty. */
export type Window = [Period, ...Period[]];

/** Best run of `n` consecutive periods by `score(window)`; all periods when there are fewer. */
export function bestWindow(
  periods: Period[],
  n: number,
  score: (window: Window) => number | undefined,
): { value: number; window: Window } | undefined {
  if (periods.length === 0) return undefined;
  const size = Math.min(n, periods.length);
  let best: { value: number; window: Window } | undefined;
  for (let i = 0; i + size <= periods.length; i++) {
    const window = periods.slice(i, i + size) as Window;
    const value = score(window);
    if (value !== undefined && (!best || value > best.value)) best = { value, window };
  }
  return best;
}

export const windowStart = (w: Window) => w[0].t0;
export const windowEnd = (w: Window) => (w.at(-1) as Period).t1;
export const windowSeconds = (w: Period[]) => w.reduce((s, p) => s + p.seconds, 0);
export const windowSum = (w: Period[], key: string) => w.reduce((s, p) => s + (p.counters[key] ?? 0), 0);

/** Mean of a histogram's per-period means over a window, weighted by samples. */
export function windowMean(window: Period[], metric: string): number | undefined {
  let sum = 0;
  let count = 0;
  for (const p of window) {
    const s = p.summaries[metric];
    if (s?.count) {
      sum += s.mean * s.count;
      count += s.count;
    }
  }
  return count ? sum / count : undefined;
}
