/** docs/load-charts/<profile>.html from a committed summary's timeline (inline SVG, no scripts). */
import type { LoadSummary } from '../common/summary';
import { utc } from './format';
import { type ChartOptions, chartPage, esc, type Point, type Series } from './line-chart';
import type { Plan } from './schedule';

/** The charts of one summary; `plan` (the profile's phases as they are now) draws the phase starts. */
export function summaryChartSpecs(s: LoadSummary, plan: Plan): ChartOptions[] {
  const col = (name: string) => s.timeline.columns.indexOf(name);
  const at = (row: (number | null)[], name: string) => {
    const v = row[col(name)];
    return typeof v === 'number' ? v : undefined;
  };
  const mid = (row: (number | null)[]) => ((at(row, 'from s') ?? 0) + (at(row, 'to s') ?? 0)) / 2;
  const seconds = (row: (number | null)[]) => Math.max((at(row, 'to s') ?? 0) - (at(row, 'from s') ?? 0), 0.001);
  const series = (name: string, column: string, perSecond = false, dash = false): Series => ({
    name,
    dash,
    points: s.timeline.rows.map((r): Point => {
      const v = at(r, column);
      return [mid(r), v === undefined ? undefined : perSecond ? v / seconds(r) : v];
    }),
  });
  const has = (column: string) => s.timeline.rows.some((r) => at(r, column) !== undefined);
  const limits = s.seed.checks.flatMap((c) => {
    const m = /^e2e\.response_time\.(\w+)$/.exec(c.name);
    const value = Number(/([\d.]+)/.exec(c.limit)?.[1]);
    return m && Number.isFinite(value) ? [{ value, label: `${m[1]} limit (${c.limit})` }] : [];
  });
  const latency = [
    series('e2e p50', 'e2e p50 ms'),
    series('e2e p95', 'e2e p95 ms'),
    series('e2e p99', 'e2e p99 ms'),
    series('Artillery p99 (first byte)', 'artillery p99 ms', false, true),
  ];
  const values = latency
    .flatMap((l) => l.points.map(([, v]) => v))
    .filter((v): v is number => v !== undefined && v > 0);
  const specs: Omit<ChartOptions, 'phases' | 'xMax'>[] = [
    {
      id: 'latency',
      title: "Response time per period: end to end, and Artillery's first byte",
      yLabel: 'ms',
      series: latency,
      log: values.length > 0 && Math.max(...values) / Math.min(...values) > 50,
      limits,
    },
    {
      id: 'throughput',
      title: 'Throughput per period',
      yLabel: 'per second',
      series: [
        series('responses/s', 'responses', true),
        series('429/s', '429', true),
        series('5xx/s', '5xx', true),
        series('errors/s (network, expectations)', 'errors', true),
        series('new virtual users/s', 'vusers created', true, true),
      ],
    },
  ];
  const cpu = [
    ...(has('server cpu %') ? [series('server CPU %', 'server cpu %')] : []),
    ...(has('generator cpu %') ? [series('generator CPU %', 'generator cpu %')] : []),
  ];
  if (cpu.length) specs.push({ id: 'cpu', title: 'CPU (mean per period)', yLabel: '% of one core', series: cpu });
  if (has('server rss MB')) {
    specs.push({
      id: 'memory',
      title: 'Server memory (RSS, mean per period)',
      yLabel: 'MB',
      series: [series('server RSS MB', 'server rss MB')],
    });
  }
  const xMax = Math.max(s.metricSeconds, plan.total, 1);
  return specs.map((spec) => ({ ...spec, phases: plan.segments, xMax }));
}

export function renderSummaryChart(s: LoadSummary, plan: Plan): string {
  const title = `${s.profile} load test (${s.profileFile}), ${utc(s.startedAt)}, commit ${s.commit}${s.dirty ? ' (dirty)' : ''}`;
  return chartPage(
    title,
    s.seed.verdict,
    [
      `<p>Summary <code>docs/load/${esc(s.profile)}.json</code>; command <code>${esc(s.command)}</code>.`,
      'One point per Artillery period (about 10 s), at its middle; dashed verticals mark where the phases',
      'of the profile begin. Numbers and definitions: docs/PERFORMANCE_BASELINES.md.</p>',
    ],
    summaryChartSpecs(s, plan),
  );
}
