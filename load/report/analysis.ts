/** Analysis: every number the report and the charts show, from one run and its profile. */
import type { Profile } from '../common/profiles';
import type { ArtilleryReport, Summary } from '../common/results';
import type { Run } from './inputs';
import {
  bestWindow,
  type Period,
  periodsOf,
  serverErrors,
  type Window,
  windowEnd,
  windowMean,
  windowSeconds,
  windowStart,
  windowSum,
} from './periods';
import { type Plan, schedule } from './schedule';
import { type Check, checkThresholds } from './thresholds';

/** Consecutive periods (~10 s each) over which "sustained" rates and the generator's schedule are judged. */
export const WINDOW_PERIODS = 3;
/** A window with this share fewer new virtual users than asked for is "behind". */
export const GENERATOR_SLIP = 0.05;
/** Mean generator CPU (% of one core) from which a slip is put down to the generator. */
export const GENERATOR_BUSY_PERCENT = 80;

export interface Endpoint {
  name: string;
  latency: Summary | undefined;
  codes: Record<string, number>;
  errors: Record<string, number>;
}

export interface RateLimiting {
  /** The period of the first 429. */
  t0: number;
  t1: number;
  count: number | undefined;
  askedRate: number | undefined;
  phase: string | undefined;
  perEndpoint: { name: string; total: number; t0: number | undefined; t1: number | undefined }[];
}

export interface GeneratorCheck {
  asked: number;
  created: number;
  /** The window furthest behind schedule (or most ahead), among those asking for 30 VUs or more. */
  worst:
    | {
        shortfall: number;
        t0: number;
        t1: number;
        asked: number;
        created: number;
        generatorCpu: number | undefined;
        serverCpu: number | undefined;
      }
    | undefined;
  slipped: boolean;
  generatorLimited: boolean;
  scheduledSeconds: number;
}

export interface Analysis extends Run {
  profileFile: string;
  ensureEnabled: boolean;
  plan: Plan;
  periods: Period[];
  endpoints: Endpoint[];
  checks: Check[];
  verdict: 'PASS' | 'FAIL' | 'no thresholds';
  startedAt: string;
  runSeconds: number;
  counters: Record<string, number>;
  responseTime: Summary | undefined;
  requests: number;
  responses: number;
  serverErrors: number;
  networkErrors: [string, number][];
  sustained: { rate: number; t0: number; t1: number; periods: number; sent: number; non429: number } | undefined;
  rateLimiting: RateLimiting | undefined;
  generator: GeneratorCheck | undefined;
  server: { cpu: Summary | undefined; rss: Summary | undefined };
  generatorCpu: Summary | undefined;
}

const ENDPOINT = 'plugins.metrics-by-endpoint.';

/** Per endpoint (the metrics-by-endpoint plugin): latency, status codes, errors; by name. */
function endpointsOf(aggregate: ArtilleryReport): Endpoint[] {
  const names = new Set<string>();
  for (const k of Object.keys(aggregate.summaries ?? {})) {
    if (k.startsWith(`${ENDPOINT}response_time.`)) names.add(k.slice(`${ENDPOINT}response_time.`.length));
  }
  const outcomes: Record<string, { codes: Record<string, number>; errors: Record<string, number> }> = {};
  for (const [k, v] of Object.entries(aggregate.counters ?? {})) {
    const m = /^plugins\.metrics-by-endpoint\.(.+)\.(codes|errors)\.([^.]+)$/.exec(k);
    if (!m) continue;
    const [, name = '', kind, outcome = ''] = m;
    names.add(name);
    outcomes[name] ??= { codes: {}, errors: {} };
    outcomes[name][kind as 'codes' | 'errors'][outcome] = v;
  }
  return [...names].sort().map((name) => ({
    name,
    latency: aggregate.summaries?.[`${ENDPOINT}response_time.${name}`],
    codes: outcomes[name]?.codes ?? {},
    errors: outcomes[name]?.errors ?? {},
  }));
}

function rateLimiting(periods: Period[], plan: Plan, endpoints: Endpoint[]): RateLimiting | undefined {
  const first = periods.find((p) => (p.counters['http.codes.429'] ?? 0) > 0);
  if (!first) return undefined;
  const perEndpoint = endpoints
    .filter((e) => e.codes['429'])
    .map((e) => {
      const p = periods.find((q) => (q.counters[`${ENDPOINT}${e.name}.codes.429`] ?? 0) > 0);
      return { name: e.name, total: e.codes['429'] as number, t0: p?.t0, t1: p?.t1 };
    });
  return {
    t0: first.t0,
    t1: first.t1,
    count: first.counters['http.codes.429'],
    askedRate: plan.segments.length ? plan.expected(first.t0, first.t1) / first.seconds : undefined,
    phase: plan.segments.length ? plan.phaseAt((first.t0 + first.t1) / 2)?.name : undefined,
    perEndpoint,
  };
}

/**
 * Did Artillery create the virtual users the phases ask for? Judged over every window of three
 * consecutive periods (~30 s), so a phase edge falling inside a period does not count as a slip.
 */
function generatorCheck(periods: Period[], plan: Plan, runSeconds: number): GeneratorCheck | undefined {
  if (plan.segments.length === 0) return undefined;
  const asked = plan.expected(0, Math.min(runSeconds + 1, plan.total));
  const created = periods.reduce((s, p) => s + (p.counters['vusers.created'] ?? 0), 0);
  const askedIn = (w: Window) => plan.expected(windowStart(w), windowEnd(w));
  const worst = bestWindow(periods, WINDOW_PERIODS, (w) => {
    const want = askedIn(w);
    return want >= 30 ? 1 - windowSum(w, 'vusers.created') / want : undefined;
  });
  const slipped = worst !== undefined && worst.value > GENERATOR_SLIP;
  const generatorCpu = worst ? windowMean(worst.window, 'generator.cpu_percent') : undefined;
  return {
    asked,
    created,
    worst: worst && {
      shortfall: worst.value,
      t0: windowStart(worst.window),
      t1: windowEnd(worst.window),
      asked: askedIn(worst.window),
      created: windowSum(worst.window, 'vusers.created'),
      generatorCpu,
      serverCpu: windowMean(worst.window, 'server.cpu_percent'),
    },
    slipped,
    generatorLimited: slipped && generatorCpu !== undefined && generatorCpu >= GENERATOR_BUSY_PERCENT,
    scheduledSeconds: plan.total,
  };
}

export function analyze(run: Run, profile: Profile): Analysis {
  const { aggregate } = run.result;
  const c = aggregate.counters ?? {};
  const periods = periodsOf(run.result);
  const plan = schedule(profile.phases);
  const endpoints = endpointsOf(aggregate);
  const runSeconds = (aggregate.lastMetricAt - aggregate.firstMetricAt) / 1000;
  const checks = checkThresholds(profile.ensure, aggregate);
  const failed = checks.some((x) => x.ok === false);
  const sustained = bestWindow(periods, WINDOW_PERIODS, (w) => windowSum(w, 'http.responses') / windowSeconds(w));
  return {
    ...run,
    profileFile: profile.file,
    ensureEnabled: profile.ensureEnabled,
    plan,
    periods,
    endpoints,
    checks,
    verdict: failed ? 'FAIL' : checks.length ? 'PASS' : 'no thresholds',
    startedAt: run.meta?.startedAt ?? new Date(aggregate.firstMetricAt).toISOString(),
    runSeconds,
    counters: c,
    responseTime: aggregate.summaries?.['http.response_time'],
    requests: c['http.requests'] ?? 0,
    responses: c['http.responses'] ?? 0,
    serverErrors: serverErrors(c),
    networkErrors: Object.entries(c)
      .filter(([k]) => k.startsWith('errors.'))
      .map(([k, v]) => [k.slice('errors.'.length), v]),
    sustained: sustained && {
      rate: sustained.value,
      t0: windowStart(sustained.window),
      t1: windowEnd(sustained.window),
      periods: sustained.window.length,
      sent: windowSum(sustained.window, 'http.requests') / windowSeconds(sustained.window),
      non429:
        (windowSum(sustained.window, 'http.responses') - windowSum(sustained.window, 'http.codes.429')) /
        windowSeconds(sustained.window),
    },
    rateLimiting: rateLimiting(periods, plan, endpoints),
    generator: generatorCheck(periods, plan, runSeconds),
    server: { cpu: aggregate.summaries?.['server.cpu_percent'], rss: aggregate.summaries?.['server.rss_mb'] },
    generatorCpu: aggregate.summaries?.['generator.cpu_percent'],
  };
}
