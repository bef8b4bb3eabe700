/**
 * From a raw Artillery result (with its sidecars) to the committed summary
 * (load/common/summary.ts): every number is computed by analysis.ts, then rounded and kept small.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LOAD_DIR } from '../common/paths';
import { readProfile, SHARED_SCENARIOS, TARGETS } from '../common/profiles';
import type { Summary } from '../common/results';
import { type CheckSet, type LoadSummary, type Percentiles, SUMMARY_SCHEMA } from '../common/summary';
import { type Analysis, analyze } from './analysis';
import { readRun } from './inputs';
import { clientErrors, serverErrors } from './periods';
import { type Check, checkTargets } from './thresholds';

const r1 = (n: number | undefined) =>
  typeof n === 'number' && Number.isFinite(n) ? Math.round(n * 10) / 10 : undefined;

function percentiles(s: Summary | undefined): Percentiles | null {
  if (!s) return null;
  return { count: s.count, p50: r1(s.median ?? s.p50), p95: r1(s.p95), p99: r1(s.p99), max: r1(s.max) };
}

function checkSet(source: string, checks: Check[]): CheckSet {
  const verdict = checks.length === 0 ? 'none' : checks.some((c) => c.ok === false) ? 'FAIL' : 'PASS';
  return { source, verdict, checks: checks.map(({ name, limit, measured, ok }) => ({ name, limit, measured, ok })) };
}

/**
 * `config.http.pool` as the run had it: an `--overrides` JSON among the Artillery arguments
 * wins, else the shared scenarios file, read as Artillery reads it.
 */
function connectionPool(profilesDir: string, artilleryArgs: string[]): number | null {
  const at = artilleryArgs.indexOf('--overrides');
  if (at >= 0) {
    try {
      const pool = (JSON.parse(artilleryArgs[at + 1] ?? '') as { config?: { http?: { pool?: unknown } } }).config?.http
        ?.pool;
      if (pool !== undefined) return Number(pool);
    } catch {
      // not JSON: fall back to the file
    }
  }
  const file = path.join(profilesDir, SHARED_SCENARIOS);
  if (!fs.existsSync(file)) return null;
  const fromArtillery = createRequire(createRequire(import.meta.url).resolve('artillery/package.json'));
  const yaml = fromArtillery('js-yaml') as { load(text: string): { config?: { http?: { pool?: unknown } } } };
  const pool = yaml.load(fs.readFileSync(file, 'utf8'))?.config?.http?.pool;
  return pool === undefined ? null : Number(pool);
}

const TIMELINE_COLUMNS = [
  'from s',
  'to s',
  'vusers created',
  'responses',
  '429',
  '5xx',
  'errors',
  'e2e p50 ms',
  'e2e p95 ms',
  'e2e p99 ms',
  'artillery p99 ms',
  'server cpu %',
  'server rss MB',
  'generator cpu %',
];

function timeline(a: Analysis): LoadSummary['timeline'] {
  const rows = a.periods.map((p) => {
    const s = (metric: string, agg: 'median' | 'p95' | 'p99' | 'mean') => r1(p.summaries[metric]?.[agg]) ?? null;
    return [
      r1(p.t0) ?? null,
      r1(p.t1) ?? null,
      p.counters['vusers.created'] ?? 0,
      p.counters['http.responses'] ?? 0,
      p.counters['http.codes.429'] ?? 0,
      serverErrors(p.counters),
      clientErrors(p.counters),
      s('e2e.response_time', 'median'),
      s('e2e.response_time', 'p95'),
      s('e2e.response_time', 'p99'),
      s('http.response_time', 'p99'),
      s('server.cpu_percent', 'mean'),
      s('server.rss_mb', 'mean'),
      s('generator.cpu_percent', 'mean'),
    ];
  });
  return { columns: TIMELINE_COLUMNS, rows };
}

/** The summary of one analysed run; `profilesDir` is where its YAML was read. */
export function summarize(a: Analysis, profilesDir = LOAD_DIR): LoadSummary {
  const m = a.meta ?? {};
  const c = a.counters;
  const total = a.serverStats?.total;
  const lastWindow = a.serverStats?.windows.at(-1);
  const memory = total?.memoryMb ?? lastWindow?.memoryMb;
  // The runtime's last statistics line names its figures `rss`, `heapUsed`...: MB all.
  const statsMb = Object.fromEntries(Object.entries(memory ?? {}).map(([k, v]) => [`${k}Mb`, v]));
  const atEnd = memory || m.serverAtEnd ? { ...statsMb, ...(m.serverAtEnd ?? {}) } : null;
  const target = TARGETS[a.profile];
  const e2eEndpoint = (name: string) => a.result.aggregate.summaries?.[`e2e.endpoint.${name}`];
  const artilleryArgs = Array.isArray(m.artilleryArgs) ? m.artilleryArgs.join(' ') : String(m.artilleryArgs ?? '');
  const g = a.generator;
  const created = c['vusers.created'] ?? 0;
  const completed = c['vusers.completed'] ?? 0;
  return {
    schema: SUMMARY_SCHEMA,
    profile: a.key,
    profileFile: `load/${a.profileFile}`,
    command: m.command ?? 'not recorded',
    artillery: artilleryArgs ? `artillery ${artilleryArgs}` : 'not recorded',
    target: m.target ?? 'not recorded',
    startedRuntime: Boolean(m.startedRuntime),
    commit: m.commit ?? String(m.gitCommit ?? 'unknown').split(' ')[0] ?? 'unknown',
    dirty: m.dirty ?? /uncommitted/.test(String(m.gitCommit ?? '')),
    startedAt: a.startedAt,
    finishedAt: m.finishedAt ?? new Date(a.result.aggregate.lastMetricAt).toISOString(),
    metricSeconds: r1(a.runSeconds) ?? 0,
    plannedSeconds: a.plan.total,
    machine: {
      cpuModel: m.machine?.cpuModel ?? 'not recorded',
      cores: m.machine?.cores ?? 0,
      memGiB: Number(m.machine?.memGiB ?? 0),
      os: m.machine?.os ?? 'not recorded',
      node: m.node ?? 'not recorded',
      loadAverageBefore: m.machine?.loadAverageBefore ?? [],
      loadAverageAfter: m.machine?.loadAverageAfter ?? [],
    },
    connectionPool: connectionPool(profilesDir, Array.isArray(m.artilleryArgs) ? m.artilleryArgs : []),
    virtualUsers: { asked: g ? Math.round(g.asked) : null, created, completed, failed: c['vusers.failed'] ?? 0 },
    requests: {
      sent: a.requests,
      answered: a.responses,
      statuses: Object.fromEntries(
        Object.entries(c)
          .filter(([k]) => k.startsWith('http.codes.'))
          .map(([k, v]) => [k.slice('http.codes.'.length), v]),
      ),
      errors: Object.fromEntries(a.networkErrors),
    },
    latencyMs: {
      endToEnd: percentiles(a.result.aggregate.summaries?.['e2e.response_time']) ?? {},
      artilleryFirstByte: percentiles(a.responseTime) ?? {},
      serverSide: total?.latencyMs
        ? { count: total.requests, ...Object.fromEntries(Object.entries(total.latencyMs).map(([k, v]) => [k, r1(v)])) }
        : null,
    },
    seed: checkSet(`the ensure block of load/${a.profileFile}`, a.checks),
    targets: checkSet(
      target ? `issue 15: p99 < ${target.p99Ms} ms end to end, no 5xx` : 'none for this profile',
      target ? checkTargets(target, a.result.aggregate) : [],
    ),
    counters: {
      slowOver2sEndToEnd: c['custom.slow_responses_over_2s'] ?? 0,
      rateLimited429: c['http.codes.429'] ?? 0,
      serverErrors5xx: a.serverErrors,
    },
    throughput: a.sustained
      ? {
          bestPerSecond: r1(a.sustained.rate) ?? 0,
          non429PerSecond: r1(a.sustained.non429) ?? 0,
          fromSecond: r1(a.sustained.t0) ?? 0,
          toSecond: r1(a.sustained.t1) ?? 0,
        }
      : null,
    firstRateLimitAtSecond: a.rateLimiting ? (r1(a.rateLimiting.t0) ?? null) : null,
    generator: {
      cpuPercent: percentiles(a.generatorCpu),
      fellBehind: Boolean(g?.slipped),
      limitedByItsCpu: Boolean(g?.generatorLimited),
      worstWindow: g?.worst
        ? {
            fromSecond: r1(g.worst.t0) ?? 0,
            toSecond: r1(g.worst.t1) ?? 0,
            asked: Math.round(g.worst.asked),
            created: g.worst.created,
          }
        : null,
    },
    server: {
      cpuPercent: percentiles(a.server.cpu),
      rssMb: percentiles(a.server.rss),
      atEnd,
      inFlightPeak: total?.inFlightPeak ?? null,
      eventLoopDelayP99Ms: total?.eventLoopDelayMs?.p99 ?? null,
      eventLoopUtilization: total?.eventLoopUtilization ?? null,
    },
    endpoints: a.endpoints.map((e) => ({
      name: e.name,
      responses: e.latency?.count ?? 0,
      endToEndMs: percentiles(e2eEndpoint(e.name)) ?? {},
      artilleryMs: percentiles(e.latency) ?? {},
      codes: e.codes,
      errors: e.errors,
    })),
    timeline: timeline(a),
  };
}

/** The summary of a result file in load/results/ (named `<profile>-<stamp>.json`). */
export function summarizeResult(resultFile: string, profilesDir = LOAD_DIR): LoadSummary {
  const run = readRun(resultFile);
  return summarize(analyze(run, readProfile(profilesDir, run.profile)), profilesDir);
}
