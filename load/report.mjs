#!/usr/bin/env node
/**
 * `npm run load:report`: renders docs/PERFORMANCE_BASELINES.md and one self-contained HTML chart
 * per run (docs/load-charts/<profile>.html, inline SVG, no scripts) from the newest Artillery
 * result of each profile in load/results/ (or the result files given as arguments).
 *
 * Every number comes from a result file and its `.meta.json` sidecar (written by load/run.mjs and
 * load/aws.mjs): thresholds and phases are read from the profile's YAML and re-checked here, never
 * assumed. Usage:
 *
 *   node load/report.mjs [--out-dir DIR] [--results-dir DIR] [--profiles-dir DIR] [result.json ...]
 *
 * --out-dir (or LOAD_REPORT_OUT_DIR) replaces docs/: DIR/PERFORMANCE_BASELINES.md and
 * DIR/load-charts/. --profiles-dir replaces load/ as the place of the profile YAML files.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const loadDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.join(loadDir, '..');

export const PROFILES = {
  smoke: 'smoke.yml',
  basic: 'basic-load.yml',
  stress: 'stress-test.yml',
  spike: 'spike-test.yml',
};
/** The flows every profile runs; the profile files hold the phases and pass criteria. */
export const SHARED_SCENARIOS = 'scenarios.yml';
/** `basic-2026-11-25T20-22-47-553Z.json` or `aws-basic-...json`; never `*.meta.json`. */
const RESULT_NAME = new RegExp(
  `^(?:(aws)-)?(${Object.keys(PROFILES).join('|')})-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z)\\.json$`,
);
/** Periods shorter than this (the run's first and last slivers) are merged into their neighbour. */
const MIN_PERIOD_MS = 2000;
/** Consecutive periods (~10 s each) over which "sustained" rates and the generator's schedule are judged. */
const WINDOW_PERIODS = 3;
const GENERATOR_SLIP = 0.05;
const GENERATOR_BUSY_PERCENT = 80;

// ---------------------------------------------------------------------------------------------
// Inputs: arguments, result files, meta sidecars, profile YAML

function usage(message) {
  console.error(
    `${message}\nusage: node load/report.mjs [--out-dir DIR] [--results-dir DIR] [--profiles-dir DIR] [result.json ...]`,
  );
  process.exit(2);
}

export function parseArgs(argv, env = process.env) {
  const options = {
    outDir: env.LOAD_REPORT_OUT_DIR ? path.resolve(env.LOAD_REPORT_OUT_DIR) : path.join(repoDir, 'docs'),
    resultsDir: path.join(loadDir, 'results'),
    profilesDir: loadDir,
    files: [],
  };
  const flags = { '--out-dir': 'outDir', '--results-dir': 'resultsDir', '--profiles-dir': 'profilesDir' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg in flags) {
      const value = argv[++i];
      if (!value) usage(`${arg} needs a directory`);
      options[flags[arg]] = path.resolve(value);
    } else if (arg.startsWith('-')) {
      usage(`unknown option ${arg}`);
    } else {
      options.files.push(path.resolve(arg));
    }
  }
  return options;
}

/** `{ key, profile, aws, stamp }` for a result file name, or undefined (meta files, other JSON). */
export function parseResultName(file) {
  const m = RESULT_NAME.exec(path.basename(file));
  if (!m) return undefined;
  return { key: m[1] ? `aws-${m[2]}` : m[2], profile: m[2], aws: Boolean(m[1]), stamp: m[3] };
}

/** The newest result per key (`basic`, `aws-basic`...): stamps are ISO times, so names sort by time. */
function newestResults(resultsDir) {
  const names = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).sort() : [];
  const chosen = {};
  for (const name of names) {
    const parsed = parseResultName(name);
    if (parsed) chosen[parsed.key] = path.join(resultsDir, name);
  }
  return chosen;
}

function chosenResults(options) {
  if (options.files.length === 0) return newestResults(options.resultsDir);
  const chosen = {};
  for (const file of options.files) {
    const parsed = parseResultName(file);
    if (!parsed) usage(`${file} is not a result file (<profile>-<stamp>.json or aws-<profile>-<stamp>.json)`);
    chosen[parsed.key] = file;
  }
  return chosen;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function readMeta(resultFile) {
  const metaFile = resultFile.replace(/\.json$/, '.meta.json');
  if (!fs.existsSync(metaFile)) return { metaFile: undefined, meta: undefined };
  try {
    return { metaFile, meta: readJson(metaFile) };
  } catch (error) {
    console.warn(`Ignoring ${metaFile}: ${error.message}`);
    return { metaFile: undefined, meta: undefined };
  }
}

/**
 * The runtime's own view of the run (load/run.mjs asks the runtime it starts for it through
 * LOCAL_STATS_FILE): JSON lines per 10 s window and one `total` line. Absent for other targets.
 */
function readServerStats(resultFile, meta) {
  const file = meta?.serverStats
    ? path.resolve(repoDir, meta.serverStats)
    : resultFile.replace(/\.json$/, '.server-stats.jsonl');
  if (!fs.existsSync(file)) return undefined;
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { windows: lines.filter((l) => l.kind === 'window'), total: lines.find((l) => l.kind === 'total') };
}

/** Parsed with the YAML reader Artillery itself uses, so phases mean what they meant to the run. */
function loadYaml(text) {
  const fromArtillery = createRequire(createRequire(import.meta.url).resolve('artillery/package.json'));
  return fromArtillery('js-yaml').load(text);
}

export function readProfile(profilesDir, profile) {
  const read = (name) => loadYaml(fs.readFileSync(path.join(profilesDir, name), 'utf8'))?.config ?? {};
  // `artillery run --config <profile>.yml scenarios.yml`: the profile's config over the shared one.
  const shared = fs.existsSync(path.join(profilesDir, SHARED_SCENARIOS)) ? read(SHARED_SCENARIOS) : {};
  const own = read(PROFILES[profile]);
  const plugins = { ...shared.plugins, ...own.plugins };
  return {
    file: PROFILES[profile],
    phases: own.phases ?? shared.phases ?? [],
    ensure: own.ensure ?? shared.ensure ?? {},
    ensureEnabled: 'ensure' in plugins,
  };
}

// ---------------------------------------------------------------------------------------------
// The schedule the phases ask for

function seconds(value) {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?$/.exec(String(value ?? '').trim());
  if (!m) return 0;
  const factor = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600 }[m[2] ?? 's'];
  return Number(m[1]) * factor;
}

/**
 * The phases as segments on the run's time axis (seconds since start) with the arrival rate
 * (new virtual users per second) they ask for. Ramps follow Artillery 2's own stepping: one
 * rate per second, `arrivalRate + (rampTo - arrivalRate) / (duration - 1) * second`.
 */
export function schedule(phases) {
  let start = 0;
  const segments = phases.map((phase, i) => {
    const duration = seconds(phase.duration ?? phase.pause);
    const segment = { name: phase.name ?? `phase ${i + 1}`, start, end: start + duration, rateAt: () => 0 };
    if (phase.pause !== undefined) segment.rateAt = () => 0;
    else if (phase.arrivalCount !== undefined) segment.rateAt = () => Number(phase.arrivalCount) / duration;
    else if (phase.rampTo !== undefined) {
      const from = Number(phase.arrivalRate ?? 0);
      const to = Number(phase.rampTo);
      segment.stepped = true;
      segment.rateAt = (x) =>
        duration <= 1 ? (from + to) / 2 : from + ((to - from) / (duration - 1)) * Math.min(Math.floor(x), duration - 1);
    } else segment.rateAt = () => Number(phase.arrivalRate ?? 0);
    start += duration;
    return segment;
  });
  return {
    segments,
    total: start,
    /** New VUs the phases ask for in [a, b) (seconds since start). */
    expected(a, b) {
      let sum = 0;
      for (const s of segments) {
        const from = Math.max(a, s.start);
        const to = Math.min(b, s.end);
        if (to <= from) continue;
        if (!s.stepped) {
          sum += s.rateAt(0) * (to - from);
          continue;
        }
        for (let k = Math.floor(from - s.start); k < to - s.start; k++) {
          const overlap = Math.min(to, s.start + k + 1) - Math.max(from, s.start + k);
          if (overlap > 0) sum += s.rateAt(k) * overlap;
        }
      }
      return sum;
    },
    phaseAt(t) {
      return segments.find((s) => t >= s.start && t < s.end) ?? segments.at(-1);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Periods: Artillery's intermediate reports on the run's time axis

function mergePeriods(into, from) {
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
export function periodsOf(result) {
  const { aggregate, intermediate = [] } = result;
  const start = aggregate.firstMetricAt;
  const end = aggregate.lastMetricAt;
  const starts = intermediate.map((p) => Number(p.period)).sort((a, b) => a - b);
  const gaps = starts
    .slice(1)
    .map((s, i) => s - starts[i])
    .filter((g) => g > 0);
  const length = gaps.length ? Math.min(...gaps) : 10000;
  const raw = intermediate
    .map((p) => ({
      from: Math.max(Number(p.period), start),
      to: Math.min(Number(p.period) + length, end),
      counters: p.counters ?? {},
      summaries: p.summaries ?? {},
    }))
    .sort((a, b) => a.from - b.from);
  const merged = [];
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

const sumWhere = (counters, test) =>
  Object.entries(counters)
    .filter(([k]) => test(k))
    .reduce((sum, [, v]) => sum + v, 0);
const serverErrors = (counters) => sumWhere(counters, (k) => /^http\.codes\.5\d\d$/.test(k));
const clientErrors = (counters) => sumWhere(counters, (k) => k.startsWith('errors.'));

/** Best run of `n` consecutive periods by `score(periods)`; all periods when there are fewer. */
function bestWindow(periods, n, score) {
  if (periods.length === 0) return undefined;
  const size = Math.min(n, periods.length);
  let best;
  for (let i = 0; i + size <= periods.length; i++) {
    const window = periods.slice(i, i + size);
    const value = score(window);
    if (value !== undefined && (!best || value > best.value)) best = { value, window };
  }
  return best;
}

const windowSeconds = (w) => w.reduce((s, p) => s + p.seconds, 0);
const windowSum = (w, key) => w.reduce((s, p) => s + (p.counters[key] ?? 0), 0);

// ---------------------------------------------------------------------------------------------
// Analysis: every number the report and the chart show

/** The `ensure` checks as Artillery 2's ensure plugin evaluates them, from the aggregate. */
export function checkThresholds(ensure, aggregate) {
  const vars = { ...aggregate.counters, ...aggregate.rates };
  for (const [name, values] of Object.entries(aggregate.summaries ?? {})) {
    for (const [agg, value] of Object.entries(values)) vars[`${name}.${agg}`] = value;
  }
  const unit = (metric) => (metric.startsWith('http.response_time') ? ' ms' : '');
  const checks = [];
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
  const thresholds = (ensure.thresholds ?? []).flatMap((o) =>
    o && typeof o === 'object' ? [Object.entries(o)[0]] : [],
  );
  for (const k of ['min', 'max', 'median', 'p95', 'p99']) {
    if (ensure[k] !== undefined) thresholds.push([`http.response_time.${k}`, Number.parseInt(ensure[k], 10)]);
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

function endpointsOf(aggregate) {
  const prefix = 'plugins.metrics-by-endpoint.';
  const names = new Set();
  for (const k of Object.keys(aggregate.summaries ?? {})) {
    if (k.startsWith(`${prefix}response_time.`)) names.add(k.slice(`${prefix}response_time.`.length));
  }
  const outcomes = {};
  for (const [k, v] of Object.entries(aggregate.counters ?? {})) {
    const m = /^plugins\.metrics-by-endpoint\.(.+)\.(codes|errors)\.([^.]+)$/.exec(k);
    if (!m) continue;
    names.add(m[1]);
    outcomes[m[1]] ??= { codes: {}, errors: {} };
    outcomes[m[1]][m[2]][m[3]] = v;
  }
  return [...names].sort().map((name) => ({
    name,
    latency: aggregate.summaries?.[`${prefix}response_time.${name}`],
    codes: outcomes[name]?.codes ?? {},
    errors: outcomes[name]?.errors ?? {},
  }));
}

function rateLimiting(periods, plan, endpoints) {
  const first = periods.find((p) => (p.counters['http.codes.429'] ?? 0) > 0);
  if (!first) return undefined;
  const perEndpoint = endpoints
    .filter((e) => e.codes['429'])
    .map((e) => {
      const p = periods.find((q) => (q.counters[`plugins.metrics-by-endpoint.${e.name}.codes.429`] ?? 0) > 0);
      return { name: e.name, total: e.codes['429'], t0: p?.t0, t1: p?.t1 };
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

/** Mean of a histogram's per-period means over a window, weighted by samples. */
function windowMean(window, metric) {
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

/**
 * Did Artillery create the virtual users the phases ask for? Judged over every window of three
 * consecutive periods (~30 s), so a phase edge falling inside a period does not count as a slip.
 */
function generatorCheck(periods, plan, runSeconds) {
  if (plan.segments.length === 0) return undefined;
  const asked = plan.expected(0, Math.min(runSeconds + 1, plan.total));
  const created = periods.reduce((s, p) => s + (p.counters['vusers.created'] ?? 0), 0);
  const worst = bestWindow(periods, WINDOW_PERIODS, (w) => {
    const want = plan.expected(w[0].t0, w.at(-1).t1);
    return want >= 30 ? 1 - windowSum(w, 'vusers.created') / want : undefined;
  });
  const slipped = worst !== undefined && worst.value > GENERATOR_SLIP;
  const generatorCpu = worst ? windowMean(worst.window, 'generator.cpu_percent') : undefined;
  return {
    asked,
    created,
    worst: worst && {
      shortfall: worst.value,
      t0: worst.window[0].t0,
      t1: worst.window.at(-1).t1,
      asked: plan.expected(worst.window[0].t0, worst.window.at(-1).t1),
      created: windowSum(worst.window, 'vusers.created'),
      generatorCpu,
      serverCpu: windowMean(worst.window, 'server.cpu_percent'),
    },
    slipped,
    generatorLimited: slipped && generatorCpu !== undefined && generatorCpu >= GENERATOR_BUSY_PERCENT,
    scheduledSeconds: plan.total,
  };
}

export function analyze(run, profile) {
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
      t0: sustained.window[0].t0,
      t1: sustained.window.at(-1).t1,
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
    serverStats: run.serverStats,
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

function fmt(n, digits = 1) {
  if (typeof n !== 'number' || Number.isNaN(n)) return 'n/a';
  const f = 10 ** digits;
  return String(Math.round(n * f) / f);
}
const pct = (part, whole) => (whole ? `${fmt((part / whole) * 100, 2)}%` : 'n/a');
const utc = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
/** A full SHA shortened to 12 digits; anything else (`9462f7b (with uncommitted changes)`) as written. */
const shortCommit = (meta) => {
  if (!meta?.gitCommit) return undefined;
  const commit = String(meta.gitCommit);
  return /^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 12) : commit;
};
const list = (entries, none = 'none') => (entries.length ? entries.map(([k, v]) => `${v} x ${k}`).join(', ') : none);

function runLines(a) {
  const m = a.meta;
  const lines = [];
  const finished = m?.finishedAt ? `, finished ${utc(m.finishedAt)}` : '';
  lines.push(
    `- Run: started ${utc(a.startedAt)}${finished}; ${fmt(a.runSeconds)} s of metrics (the phases ask for ${fmt(a.plan.total)} s).`,
  );
  if (m?.command) lines.push(`- Command: \`${m.command}\``);
  else
    lines.push(
      `- Command: not recorded (no \`.meta.json\` next to this result); the script for this profile: \`${scriptFor(a)}\`.`,
    );
  if (m?.artilleryArgs) {
    const args = Array.isArray(m.artilleryArgs) ? m.artilleryArgs.join(' ') : String(m.artilleryArgs);
    lines.push(`- Artillery: \`artillery ${args}\``);
  }
  if (m) {
    const parts = [`target ${m.target ?? 'not recorded'}`];
    if (m.startedRuntime !== undefined) parts.push(`runtime started by the script: ${m.startedRuntime ? 'yes' : 'no'}`);
    if (m.runtimeMode) parts.push(`runtime mode: ${m.runtimeMode}`);
    if (m.exitCode !== undefined) parts.push(`exit code ${m.exitCode}`);
    lines.push(`- ${parts.join('; ')}.`);
  }
  lines.push(`- Commit: ${shortCommit(m) ? `\`${shortCommit(m)}\`` : 'not recorded (no meta file)'}.`);
  lines.push(`- Machine: ${machineText(m)}.`);
  const sidecars = [
    a.metaFile && `meta \`${path.basename(a.metaFile)}\``,
    m?.serverLog && `server log \`${m.serverLog}\``,
  ].filter(Boolean);
  const extra = sidecars.length ? ` (${sidecars.join(', ')})` : '';
  lines.push(`- Result: \`load/results/${path.basename(a.file)}\`${extra}.`);
  return lines;
}

function machineText(meta) {
  const mc = meta?.machine;
  if (!mc) return 'not recorded (no meta file)';
  const cpu = [mc.cores ? `${mc.cores} x` : '', mc.cpuModel ?? 'unknown CPU'].filter(Boolean).join(' ');
  const mem = mc.memGiB !== undefined ? `, ${fmt(Number(mc.memGiB))} GiB RAM` : '';
  const os = mc.os ? `, ${mc.os}` : '';
  const node = meta.node ? `, Node ${meta.node}` : '';
  return `${cpu}${mem}${os}${node}`;
}

const scriptFor = (a) =>
  a.aws ? `npm run load:aws -- --region REGION --count WORKERS --profile ${a.profile}` : `npm run load:${a.profile}`;

function thresholdTable(a) {
  const rows = a.checks.map(
    (x) => `| \`${x.name}\` | ${x.limit} | ${x.measured} | ${x.ok === null ? 'not checked' : x.ok ? 'pass' : 'FAIL'} |`,
  );
  const note = a.ensureEnabled
    ? []
    : ['', `Note: ${a.profileFile} does not enable \`plugins: ensure\`, so Artillery itself did not check these.`];
  return [
    `| threshold (${a.profileFile}) | limit | measured | result |`,
    '| --- | --- | --- | --- |',
    ...rows,
    ...note,
  ];
}

function generatorLine(a) {
  const g = a.generator;
  const cpu = a.generatorCpu
    ? `generator CPU median ${fmt(a.generatorCpu.median)}%, p95 ${fmt(a.generatorCpu.p95)}%, max ${fmt(a.generatorCpu.max)}% of one core`
    : 'generator CPU not sampled (no `generator.cpu_percent`)';
  if (!g) return `- Load generator: the profile has no phases to compare with; ${cpu}.`;
  const totals = `asked for ${fmt(g.asked, 0)} virtual users, created ${fmt(g.created, 0)} (${pct(g.created, g.asked)})`;
  if (!g.worst) return `- Load generator: ${totals}; ${cpu}.`;
  const w = g.worst;
  const where = `worst ~30 s window t = ${fmt(w.t0, 0)}-${fmt(w.t1, 0)} s: asked ${fmt(w.asked, 0)}, created ${w.created} (${w.shortfall > 0 ? '-' : '+'}${fmt(Math.abs(w.shortfall) * 100)}%)`;
  const inWindow = [
    w.generatorCpu !== undefined ? `generator CPU ${fmt(w.generatorCpu)}%` : 'generator CPU not sampled',
    w.serverCpu !== undefined ? `server CPU ${fmt(w.serverCpu)}%` : 'server CPU not sampled',
  ].join(', ');
  let verdict;
  if (!g.slipped) verdict = 'kept to its schedule (no window more than 5% short)';
  else if (g.generatorLimited)
    verdict =
      '**fell behind its schedule by more than 5% with its CPU busy: the generator, not the server, was the limit**';
  else if (w.generatorCpu === undefined)
    verdict = '**fell behind its schedule by more than 5%**; its CPU was not sampled, so the cause is not shown';
  else
    verdict = `**fell behind its schedule by more than 5%** while its CPU was under ${GENERATOR_BUSY_PERCENT}% (so not obviously the generator)`;
  return `- Load generator: ${verdict}; ${totals}; ${where} (${inWindow} there); ${cpu}.`;
}

function serverLine(a) {
  const { cpu, rss } = a.server;
  const cpuText = cpu
    ? `CPU median ${fmt(cpu.median)}%, p95 ${fmt(cpu.p95)}%, max ${fmt(cpu.max)}% (100% = one core busy; ${cpu.count} samples)`
    : 'CPU not sampled';
  const rssText = rss ? `RSS median ${fmt(rss.median)} MB, max ${fmt(rss.max)} MB` : 'memory not sampled';
  const why =
    cpu || rss
      ? ''
      : ' (no `server.cpu_percent` / `server.rss_mb`: the server process was not found, e.g. a remote target)';
  return `- Server process: ${cpuText}; ${rssText}${why}.`;
}

/** What the runtime itself measured: the answer to "was the server or the generator slow?". */
function serverSideLine(a) {
  const t = a.serverStats?.total;
  if (!t) return '- Server-side view: not recorded (only a runtime started by `npm run load:*` records it).';
  const l = t.latencyMs ?? {};
  const worst = a.serverStats.windows.reduce(
    (w, x) => ((x.latencyMs?.p99 ?? 0) > (w?.latencyMs?.p99 ?? -1) ? x : w),
    undefined,
  );
  return (
    `- Server-side view (the runtime's own clock, request received to answer written, so without the generator's delays): ` +
    `${t.requests} requests, p50 ${fmt(l.p50)} ms, p95 ${fmt(l.p95)} ms, p99 ${fmt(l.p99)} ms, max ${fmt(l.max)} ms; ` +
    `worst 10 s window p99 ${fmt(worst?.latencyMs?.p99)} ms at t = ${fmt(worst?.secondsSinceStart, 0)} s of the runtime; ` +
    `statuses 2xx ${t['2xx']}, 429 ${t['429']}, other 4xx ${t['4xx']}, 5xx ${t['5xx']}; peak ${t.inFlightPeak} requests in flight; ` +
    `event-loop delay p99 ${fmt(t.eventLoopDelayMs?.p99)} ms, max ${fmt(t.eventLoopDelayMs?.max)} ms; event-loop utilisation ${fmt((t.eventLoopUtilization ?? 0) * 100)}%.`
  );
}

function rateLimitLine(a) {
  const r = a.rateLimiting;
  const total = a.counters['http.codes.429'] ?? 0;
  if (!r) return '- Rate limiting: no 429 in this run.';
  const asked =
    r.askedRate !== undefined
      ? `, while the phases asked for ${fmt(r.askedRate)} new virtual users/s (phase "${r.phase}")`
      : '';
  const per = r.perEndpoint.length
    ? `; per endpoint: ${r.perEndpoint.map((e) => `\`${e.name}\` ${e.total} from t = ${fmt(e.t0, 0)}-${fmt(e.t1, 0)} s`).join(', ')}`
    : '';
  return `- Rate limiting: the first 429 came in the period t = ${fmt(r.t0, 0)}-${fmt(r.t1, 0)} s into the run (${r.count} that period)${asked}; ${total} in total (${pct(total, a.responses)} of responses)${per}.`;
}

function endpointTable(a) {
  const rows = a.endpoints.map((e) => {
    const l = e.latency ?? {};
    const codes = list(Object.entries(e.codes));
    const errors = list(Object.entries(e.errors));
    return `| \`${e.name}\` | ${l.count ?? 0} | ${fmt(l.p50)} | ${fmt(l.p95)} | ${fmt(l.p99)} | ${fmt(l.max)} | ${codes} | ${errors} |`;
  });
  if (rows.length === 0) return ['No per-endpoint metrics in this result (the metrics-by-endpoint plugin was off).'];
  return [
    '| endpoint | responses | p50 ms | p95 ms | p99 ms | max ms | status codes | errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

export function renderSection(a, chartHref) {
  const c = a.counters;
  const rt = a.responseTime ?? {};
  const created = c['vusers.created'] ?? 0;
  const s = a.sustained;
  const codes = Object.entries(c)
    .filter(([k]) => k.startsWith('http.codes.'))
    .map(([k, v]) => [k.slice('http.codes.'.length), v]);
  const title = a.aws
    ? `${a.profile} on AWS Lambda (aws-${a.profile}, ${a.profileFile})`
    : `${a.profile} (${a.profileFile})`;
  return [
    `## ${title}: ${a.verdict}`,
    '',
    ...runLines(a),
    `- Chart: [${chartHref}](${chartHref}) (latency percentiles, throughput, arrivals, server CPU and memory over time).`,
    '',
    ...thresholdTable(a),
    '',
    `- Virtual users: ${created} created, ${c['vusers.completed'] ?? 0} completed, ${c['vusers.failed'] ?? 0} failed.`,
    `- Requests: ${a.requests} sent, ${a.responses} answered: ${list(codes)}; network errors and failed expectations: ${list(a.networkErrors)}.`,
    `- Response time, all requests: p50 ${fmt(rt.p50)} ms, p95 ${fmt(rt.p95)} ms, p99 ${fmt(rt.p99)} ms, max ${fmt(rt.max)} ms.`,
    `- Error rate: ${pct(created - (c['vusers.completed'] ?? 0), created)} of virtual users did not complete; ${pct(a.requests - a.responses + a.serverErrors, a.requests)} of requests got no answer or a 5xx.`,
    s
      ? `- Max sustained throughput: ${fmt(s.rate)} responses/s (any status; ${fmt(s.non429)}/s without the 429s), the best mean over ${s.periods} consecutive periods, t = ${fmt(s.t0, 0)}-${fmt(s.t1, 0)} s; requests sent there: ${fmt(s.sent)}/s.`
      : '- Max sustained throughput: no periods in this result.',
    rateLimitLine(a),
    `- Slow responses over 2 s (\`custom.slow_responses_over_2s\`): ${c['custom.slow_responses_over_2s'] ?? 0}; server errors 5xx (\`custom.server_errors_5xx\`): ${c['custom.server_errors_5xx'] ?? 0}; rate-limit hits 429 (\`custom.rate_limit_hits_429\`): ${c['custom.rate_limit_hits_429'] ?? 0}.`,
    serverLine(a),
    serverSideLine(a),
    generatorLine(a),
    '',
    ...endpointTable(a),
    '',
  ].join('\n');
}

const FINDINGS = /<!-- findings -->[\s\S]*?<!-- \/findings -->/;

/** The hand-written block between `<!-- findings -->` and `<!-- /findings -->` of the previous document, if any. */
function previousFindings(file) {
  return fs.existsSync(file) ? FINDINGS.exec(fs.readFileSync(file, 'utf8'))?.[0] : undefined;
}

/** The newest `npm run load:costs` result in the results directory, if any. */
function newestFlowCosts(resultsDir) {
  const files = fs.existsSync(resultsDir)
    ? fs.readdirSync(resultsDir).filter((f) => /^flow-costs-.*Z\.json$/.test(f))
    : [];
  const newest = files.sort().at(-1);
  return newest ? { file: newest, ...readJson(path.join(resultsDir, newest)) } : undefined;
}

/**
 * Server CPU per flow (measured) and what the scenario mix costs per new virtual user: the
 * capacity model that says at which arrival rate this machine's cores run out.
 */
export function renderFlowCosts(costs, scenarios) {
  if (!costs) return ['## Server cost per flow', '', 'not run: `npm run load:costs`', ''];
  const weights = Object.fromEntries((scenarios ?? []).map((sc) => [sc.name, sc.weight ?? 1]));
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const rows = costs.rows.map((r) => {
    const name = r.flow.replace(/ \(refused\)$/, '');
    const w = weights[name];
    return { ...r, weight: w, share: w !== undefined && total ? w / total : undefined };
  });
  // The hammer scenario sends 5 requests a virtual user; the flow measured one.
  const perVu = rows.reduce(
    (sum, r) => sum + (r.share ?? 0) * r.serverCpuMsPerFlow * (/hammer/.test(r.flow) ? 5 : 1),
    0,
  );
  return [
    '## Server cost per flow',
    '',
    `Measured by \`${costs.command}\` (\`load/results/${costs.file}\`, ${utc(costs.at)}, ${costs.machine?.cpuModel ?? 'unknown CPU'} x ${costs.machine?.cores ?? '?'}):`,
    `CPU time of all the server's threads per flow of \`load/scenarios.yml\`, ${costs.concurrency} flows in flight (log-ins one at a time), on a runtime started for it.`,
    '',
    '| flow | weight | server CPU ms per flow | wall ms per flow |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.flow} | ${r.weight ?? '-'} | ${fmt(r.serverCpuMsPerFlow)} | ${fmt(r.wallMsPerFlow)} |`),
    '',
    `With these weights a new virtual user costs the server about ${fmt(perVu)} ms of CPU (the hammer counted as its 5 requests), so`,
    `${fmt(1000 / perVu, 0)} new virtual users/s keep one core busy and about ${fmt(2000 / perVu, 0)}/s would fill two cores, before the load`,
    'generator takes its share of the same machine.',
    '',
  ];
}

export function renderDocument(analyses, missing, command, findings, costsLines = []) {
  const summary = [
    ...analyses.map((a) => {
      const commit = shortCommit(a.meta) ? `, commit \`${shortCommit(a.meta)}\`` : '';
      return `- ${a.key}: **${a.verdict}**, ${utc(a.startedAt)}${commit}; chart [load-charts/${a.key}.html](load-charts/${a.key}.html).`;
    }),
    ...missing.map((m) => `- ${m.key}: not run: \`${m.command}\`.`),
  ];
  return [
    '# Performance baselines',
    '',
    `Generated by \`${command}\` from the result files named in each section (\`load/results/\`, git-ignored;`,
    'each section gives the command that produced it). Every number is computed from those files by',
    '`load/report.mjs`; the thresholds and phases are read from the profile YAML and re-checked here.',
    '',
    ...summary,
    '',
    'Definitions used below:',
    '',
    "- Times are seconds since the run's first metric; Artillery reports a period about every 10 s",
    `  (wall-clock aligned; slivers under ${MIN_PERIOD_MS / 1000} s are merged into a neighbouring period).`,
    "- Error rate (the `maxErrorRate` check): virtual users created but not completed, as Artillery's",
    '  ensure plugin computes it; a network error or a failed expectation fails a virtual user.',
    `- Max sustained throughput: the highest mean responses/s over ${WINDOW_PERIODS} consecutive periods (~30 s).`,
    "- Load generator: virtual users created per period against what the phases ask for (Artillery's",
    `  own ramp stepping), judged over every ~30 s window; "behind" means a window more than ${GENERATOR_SLIP * 100}% short,`,
    `  and "the generator was the limit" that its CPU (\`generator.cpu_percent\`) averaged >= ${GENERATOR_BUSY_PERCENT}% of a core there.`,
    '- CPU: 100% = one core busy (the server process and the generator, sampled every 5 s by load/processor.cjs).',
    '- Thresholds and phases come from the profile YAML as it is now (`load/<profile>.yml` over',
    '  `load/scenarios.yml`), not as it was at the run: re-render after changing them.',
    '',
    ...(findings ? [findings, ''] : []),
    ...costsLines,
    ...analyses.map((a) => renderSection(a, `load-charts/${a.key}.html`)),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Charts: inline SVG, no scripts

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const esc = (s) =>
  String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);

function niceStep(range, target) {
  const raw = range / Math.max(target, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => raw <= s);
  return step ?? 10 * magnitude;
}

function yScale(values, log, extra) {
  const all = [...values, ...extra].filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (log) {
    const positive = all.filter((v) => v > 0);
    const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, lo * 10)));
    const ticks = [];
    for (let d = lo; d <= hi; d *= 10) for (const f of [1, 2, 5]) if (d * f <= hi) ticks.push(d * f);
    return { lo, hi, ticks, map: (v) => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) };
  }
  const max = Math.max(...all, 0);
  const step = niceStep(max || 1, 5);
  const hi = Math.max(step, Math.ceil(max / step) * step);
  const ticks = [];
  for (let v = 0; v <= hi + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { lo: 0, hi, ticks, map: (v) => v / hi };
}

/**
 * One line chart: `series` = [{ name, points: [[x, y|undefined]] }] (undefined = a gap); phase
 * starts as dashed verticals; `limits` as dotted horizontals. Each series is a `<g class="series">`.
 */
export function lineChart({ id, title, yLabel, series, phases, xMax, log = false, limits = [] }) {
  const W = 960;
  const H = 320;
  const m = { l: 70, r: 20, t: 56, b: 46 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const values = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y !== undefined && (!log || y > 0));
  const y = yScale(
    values,
    log,
    limits.map((l) => l.value),
  );
  const xStep = niceStep(xMax, 10);
  const X = (x) => m.l + (x / xMax) * pw;
  const Y = (v) => m.t + ph - y.map(v) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" data-chart="${esc(id)}" aria-label="${esc(title)}">`,
    `<text x="${m.l}" y="20" class="title">${esc(title)}${log ? ' (log scale)' : ''}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" class="plot"/>`,
  ];
  for (const t of y.ticks) {
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${m.l - 6}" y="${(Y(t) + 4).toFixed(1)}" class="tick" text-anchor="end">${fmt(t, 2)}</text>`);
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<text x="${X(x).toFixed(1)}" y="${m.t + ph + 16}" class="tick" text-anchor="middle">${fmt(x, 0)}</text>`);
  }
  out.push(`<text x="${m.l + pw / 2}" y="${H - 8}" class="axis" text-anchor="middle">seconds since start</text>`);
  out.push(
    `<text x="16" y="${m.t + ph / 2}" class="axis" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">${esc(yLabel)}</text>`,
  );
  for (const p of phases) {
    if (p.start <= 0 || p.start >= xMax) continue;
    out.push(
      `<line x1="${X(p.start).toFixed(1)}" x2="${X(p.start).toFixed(1)}" y1="${m.t}" y2="${m.t + ph}" class="phase"/>`,
    );
  }
  for (const p of phases) {
    if (p.start >= xMax) continue;
    out.push(`<text x="${(X(p.start) + 3).toFixed(1)}" y="${m.t + 11}" class="phase-label">${esc(p.name)}</text>`);
  }
  for (const l of limits) {
    if (log && l.value <= 0) continue;
    out.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(l.value).toFixed(1)}" y2="${Y(l.value).toFixed(1)}" class="limit"/>`,
    );
    out.push(
      `<text x="${m.l + pw - 4}" y="${(Y(l.value) - 4).toFixed(1)}" class="limit-label" text-anchor="end">${esc(l.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    let d = '';
    let pen = 'M';
    const dots = [];
    for (const [x, v] of s.points) {
      if (v === undefined || (log && v <= 0)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${X(x).toFixed(1)},${Y(v).toFixed(1)} `;
      pen = 'L';
      dots.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(v).toFixed(1)}" r="2.5"/>`);
    }
    const dash = s.dash ? ' stroke-dasharray="7 4"' : '';
    out.push(
      `<g class="series" data-series="${esc(s.name)}" stroke="${color}" fill="${color}"><path d="${d.trim()}" fill="none" stroke-width="2"${dash}/>${dots.join('')}</g>`,
    );
    const lx = m.l + i * 170;
    out.push(
      `<g class="legend"><line x1="${lx}" x2="${lx + 22}" y1="38" y2="38" stroke="${color}" stroke-width="3"${dash}/><text x="${lx + 28}" y="42">${esc(s.name)}</text></g>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The charts of one run: [{ id, ... lineChart options }], only those with data. */
export function chartSpecs(a) {
  const ps = a.periods;
  const mid = (p) => (p.t0 + p.t1) / 2;
  const perSecond = (f) => ps.map((p) => [mid(p), f(p.counters) / p.seconds]);
  const summary = (metric, agg) => ps.map((p) => [mid(p), p.summaries[metric]?.[agg]]);
  const has = (metric) => ps.some((p) => p.summaries[metric]);
  const xMax = Math.max(a.runSeconds, a.plan.total, 1);
  const phases = a.plan.segments;
  const limits = a.checks.flatMap((x) => {
    const m = /^http\.response_time\.(\w+)$/.exec(x.name);
    return m ? [{ value: x.limitValue, label: `${m[1]} limit (${x.limit})` }] : [];
  });
  const latency = [
    { name: 'p50', points: summary('http.response_time', 'p50') },
    { name: 'p95', points: summary('http.response_time', 'p95') },
    { name: 'p99', points: summary('http.response_time', 'p99') },
  ];
  const windows = a.serverStats?.windows ?? [];
  const start = a.result?.aggregate?.firstMetricAt;
  if (windows.length && start) {
    // A server window ends at `at` and lasts about 10 s: plot it at its middle, on the run's clock.
    const at = (w) => (Date.parse(w.at) - 5000 - start) / 1000;
    latency.push({
      name: 'server-side p99',
      dash: true,
      points: windows.filter((w) => w.latencyMs).map((w) => [at(w), w.latencyMs.p99]),
    });
  }
  const latencyValues = latency.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => v > 0);
  const specs = [
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
  const cpu = [
    has('server.cpu_percent') && { name: 'server CPU %', points: summary('server.cpu_percent', 'mean') },
    has('generator.cpu_percent') && { name: 'generator CPU %', points: summary('generator.cpu_percent', 'mean') },
  ].filter(Boolean);
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

export function renderChart(a) {
  const date = utc(a.startedAt);
  const commit = shortCommit(a.meta) ?? 'not recorded';
  const title = `${a.key} load test (${a.profileFile}), ${date}, commit ${commit}`;
  const command = a.meta?.command ?? `not recorded; the script: ${scriptFor(a)}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    `<title>${esc(title)}</title>`,
    '<style>',
    'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}',
    'svg{display:block;margin:12px 0 28px;max-width:100%;height:auto}',
    '.title{font-weight:600;font-size:15px}.tick{font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}',
    '.plot{fill:#fff;stroke:#999}.grid{stroke:#e5e5e5}.phase{stroke:#777;stroke-dasharray:4 4}',
    '.phase-label{font-size:10px;fill:#555}.limit{stroke:#b00;stroke-dasharray:2 3}.limit-label{font-size:11px;fill:#b00}',
    '.legend text{font-size:12px;fill:#222;stroke:none}',
    '</style>',
    '</head>',
    '<body>',
    `<h1>${esc(title)}: ${esc(a.verdict)}</h1>`,
    `<p>Result <code>load/results/${esc(path.basename(a.file))}</code>; command <code>${esc(command)}</code>.`,
    `Machine: ${esc(machineText(a.meta))}. One point per Artillery period (about 10 s), at its middle;`,
    'dashed verticals mark where the phases of the profile begin. Numbers and definitions: docs/PERFORMANCE_BASELINES.md.</p>',
    ...chartSpecs(a).map((spec) => lineChart(spec)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

function main() {
  const options = parseArgs(process.argv.slice(2));
  const chosen = chosenResults(options);
  const analyses = [];
  for (const [key, file] of Object.entries(chosen)) {
    const parsed = parseResultName(file);
    const run = { ...parsed, key, file, result: readJson(file), ...readMeta(file) };
    run.serverStats = readServerStats(file, run.meta);
    analyses.push(analyze(run, readProfile(options.profilesDir, parsed.profile)));
  }
  const order = (a) => Object.keys(PROFILES).indexOf(a.profile) + (a.aws ? 100 : 0);
  analyses.sort((x, y) => order(x) - order(y));
  const missing = Object.keys(PROFILES)
    .filter((p) => !chosen[p])
    .map((p) => ({ key: p, command: `npm run load:${p}` }));
  if (!analyses.some((a) => a.aws)) {
    missing.push({ key: 'AWS Lambda', command: 'npm run load:aws -- --region us-east-1 --count 10 --profile basic' });
  }
  const chartsDir = path.join(options.outDir, 'load-charts');
  fs.mkdirSync(chartsDir, { recursive: true });
  for (const a of analyses) fs.writeFileSync(path.join(chartsDir, `${a.key}.html`), renderChart(a));
  const args = process.argv.slice(2);
  const command = args.length ? `npm run load:report -- ${args.join(' ')}` : 'npm run load:report';
  const outFile = path.join(options.outDir, 'PERFORMANCE_BASELINES.md');
  const scenarios = fs.existsSync(path.join(options.profilesDir, SHARED_SCENARIOS))
    ? loadYaml(fs.readFileSync(path.join(options.profilesDir, SHARED_SCENARIOS), 'utf8')).scenarios
    : [];
  const costsLines = renderFlowCosts(newestFlowCosts(options.resultsDir), scenarios);
  fs.writeFileSync(outFile, renderDocument(analyses, missing, command, previousFindings(outFile), costsLines));
  console.log(
    `Wrote ${path.relative(process.cwd(), outFile)} and ${analyses.length} chart(s) in ${path.relative(process.cwd(), chartsDir)}/`,
  );
  for (const a of analyses) console.log(`  ${a.key}: ${a.verdict} (${path.basename(a.file)})`);
  for (const m of missing) console.log(`  ${m.key}: not run (${m.command})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
