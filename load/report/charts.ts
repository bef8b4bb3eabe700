/** docs/load-charts/<key>.html: the charts of one run on a self-contained page (inline SVG, no scripts). */
import path from 'node:path';
import type { ServerStatsLine } from '../common/results';
import type { Analysis } from './analysis';
import { machineText, scriptFor, shortCommit, utc } from './format';
import { type ChartOptions, chartPage, esc, type Point, type Series } from './line-chart';
import { clientErrors, type Period, serverErrors } from './periods';

/** The charts of one run, only those with data. */
export function chartSpecs(a: Analysis): ChartOptions[] {
  const ps = a.periods;
  const mid = (p: Period) => (p.t0 + p.t1) / 2;
  const perSecond = (f: (counters: Record<string, number>) => number): Point[] =>
    ps.map((p) => [mid(p), f(p.counters) / p.seconds]);
  const summary = (metric: string, agg: 'p50' | 'p95' | 'p99' | 'mean'): Point[] =>
    ps.map((p) => [mid(p), p.summaries[metric]?.[agg]]);
  const has = (metric: string) => ps.some((p) => p.summaries[metric]);
  const xMax = Math.max(a.runSeconds, a.plan.total, 1);
  const phases = a.plan.segments;
  const limits = a.checks.flatMap((x) => {
    const m = /^http\.response_time\.(\w+)$/.exec(x.name);
    return m && x.limitValue !== undefined ? [{ value: x.limitValue, label: `${m[1]} limit (${x.limit})` }] : [];
  });
  const latency: Series[] = [
    { name: 'p50', points: summary('http.response_time', 'p50') },
    { name: 'p95', points: summary('http.response_time', 'p95') },
    { name: 'p99', points: summary('http.response_time', 'p99') },
  ];
  const windows = a.serverStats?.windows ?? [];
  const start = a.result?.aggregate?.firstMetricAt;
  if (windows.length && start) {
    // A server window ends at `at` and lasts about 10 s: plot it at its middle, on the run's clock.
    const at = (w: ServerStatsLine) => (Date.parse(w.at) - 5000 - start) / 1000;
    latency.push({
      name: 'server-side p99',
      dash: true,
      points: windows.flatMap((w): Point[] => (w.latencyMs ? [[at(w), w.latencyMs.p99]] : [])),
    });
  }
  const latencyValues = latency
    .flatMap((s) => s.points.map(([, v]) => v))
    .filter((v): v is number => v !== undefined && v > 0);
  const specs: Omit<ChartOptions, 'phases' | 'xMax'>[] = [
    {
      id: 'latency',
      title: 'Response time percentiles per period',
      yLabel: 'ms',
      series: latency,
      log: latencyValues.length > 0 && Math.max(...latencyValues) / Math.min(...latencyValues) > 50,
      limits,
    },
    {
      id: 'throughput',
      title: 'Throughput per period',
      yLabel: 'per second',
      series: [
        { name: 'responses/s', points: perSecond((c) => c['http.responses'] ?? 0) },
        { name: '429/s', points: perSecond((c) => c['http.codes.429'] ?? 0) },
        { name: '5xx/s', points: perSecond(serverErrors) },
        { name: 'errors/s (network, expectations)', points: perSecond(clientErrors) },
      ],
    },
    {
      id: 'arrivals',
      title: 'New virtual users: asked by the phases vs created',
      yLabel: 'virtual users per second',
      series: [
        { name: 'created', points: perSecond((c) => c['vusers.created'] ?? 0) },
        {
          name: 'asked by the phases',
          dash: true,
          points: ps.map((p) => [mid(p), a.plan.expected(p.t0, p.t1) / p.seconds]),
        },
      ],
    },
  ];
  const cpu: Series[] = [];
  if (has('server.cpu_percent')) cpu.push({ name: 'server CPU %', points: summary('server.cpu_percent', 'mean') });
  if (has('generator.cpu_percent')) {
    cpu.push({ name: 'generator CPU %', points: summary('generator.cpu_percent', 'mean') });
  }
  if (cpu.length)
    specs.push({ id: 'cpu', title: 'CPU (mean of the samples per period)', yLabel: '% of one core', series: cpu });
  if (has('server.rss_mb')) {
    specs.push({
      id: 'memory',
      title: 'Server memory (RSS, mean of the samples per period)',
      yLabel: 'MB',
      series: [{ name: 'server RSS MB', points: summary('server.rss_mb', 'mean') }],
    });
  }
  return specs.map((s) => ({ ...s, phases, xMax }));
}

export function renderChart(a: Analysis): string {
  const date = utc(a.startedAt);
  const commit = shortCommit(a.meta) ?? 'not recorded';
  const title = `${a.key} load test (${a.profileFile}), ${date}, commit ${commit}`;
  const command = a.meta?.command ?? `not recorded; the script: ${scriptFor(a)}`;
  return chartPage(
    title,
    a.verdict,
    [
      `<p>Result <code>load/results/${esc(path.basename(a.file))}</code>; command <code>${esc(command)}</code>.`,
      `Machine: ${esc(machineText(a.meta))}. One point per Artillery period (about 10 s), at its middle;`,
      'dashed verticals mark where the phases of the profile begin. Numbers and definitions: docs/PERFORMANCE_BASELINES.md.</p>',
    ],
    chartSpecs(a),
  );
}
