/** The `ensure` checks of a profile, re-checked on a result as Artillery 2's ensure plugin does. */
import type { Ensure, Target } from '../common/profiles';
import type { ArtilleryReport } from '../common/results';
import { fmt } from './format';

export interface Check {
  /** The metric (`http.response_time.p99`), the error rate, or a condition's expression. */
  name: string;
  /** As written in the report: `< 1000 ms`, `<= 1%`, `condition`. */
  limit: string;
  limitValue?: number;
  measured: string;
  /** null: not re-checked (a `conditions` expression). */
  ok: boolean | null;
}

const LEGACY_KEYS = ['min', 'max', 'median', 'p95', 'p99'] as const;

/** The `ensure` checks as Artillery 2's ensure plugin evaluates them, from the aggregate. */
export function checkThresholds(ensure: Ensure, aggregate: ArtilleryReport): Check[] {
  const vars: Record<string, number> = { ...aggregate.counters, ...aggregate.rates };
  for (const [name, values] of Object.entries(aggregate.summaries ?? {})) {
    for (const [agg, value] of Object.entries(values)) vars[`${name}.${agg}`] = value;
  }
  const unit = (metric: string) => (/^(http|e2e)\.response_time/.test(metric) ? ' ms' : '');
  const checks: Check[] = [];
  if (ensure.maxErrorRate !== undefined) {
    const created = vars['vusers.created'] ?? 0;
    const completed = vars['vusers.completed'] ?? 0;
    const rate = created ? ((created - completed) / created) * 100 : undefined;
    const limit = Number(ensure.maxErrorRate);
    checks.push({
      name: 'maxErrorRate: VUs not completed / VUs created',
      limit: `<= ${limit}%`,
      measured: rate === undefined ? 'no virtual users' : `${fmt(rate, 2)}% (${created - completed} of ${created})`,
      ok: rate !== undefined && rate <= limit,
    });
  }
  // `thresholds: [{ metric: limit }]`, one metric per entry
  const thresholds: [string, unknown][] = (ensure.thresholds ?? []).flatMap((o) =>
    o && typeof o === 'object' ? Object.entries(o).slice(0, 1) : [],
  );
  for (const k of LEGACY_KEYS) {
    if (ensure[k] !== undefined) thresholds.push([`http.response_time.${k}`, Number.parseInt(String(ensure[k]), 10)]);
  }
  for (const [metric, limit] of thresholds) {
    const value = vars[metric];
    checks.push({
      name: metric,
      limit: `< ${limit}${unit(metric)}`,
      limitValue: Number(limit),
      measured: value === undefined ? 'not in the result' : `${fmt(value)}${unit(metric)}`,
      ok: typeof value === 'number' && value < Number(limit),
    });
  }
  for (const c of ensure.conditions ?? []) {
    checks.push({ name: c.expression, limit: 'condition', measured: 'not re-checked by this report', ok: null });
  }
  return checks;
}

/**
 * The targets of issue 15 (a tenth of the seed's p99, no 5xx), checked on end-to-end time;
 * reported apart from the profile's own thresholds, which decide the exit code.
 */
export function checkTargets(target: Target, aggregate: ArtilleryReport): Check[] {
  const p99 = aggregate.summaries?.['e2e.response_time']?.p99;
  const c = aggregate.counters ?? {};
  const fivexx = Object.entries(c)
    .filter(([k]) => /^http\.codes\.5\d\d$/.test(k))
    .reduce((s, [, v]) => s + v, 0);
  return [
    {
      name: 'e2e.response_time.p99',
      limit: `< ${target.p99Ms} ms`,
      limitValue: target.p99Ms,
      measured: p99 === undefined ? 'not in the result' : `${fmt(p99)} ms`,
      ok: p99 !== undefined && p99 < target.p99Ms,
    },
    { name: 'http.codes.5xx', limit: '= 0', limitValue: 0, measured: String(fivexx), ok: fivexx === 0 },
  ];
}
