/** docs/PERFORMANCE_BASELINES.md: one section per run, after the summary and the definitions. */
import path from 'node:path';
import { type Analysis, GENERATOR_BUSY_PERCENT, GENERATOR_SLIP, WINDOW_PERIODS } from './analysis';
import { fmt, list, machineText, pct, scriptFor, shortCommit, utc } from './format';
import { MIN_PERIOD_MS } from './periods';

/** A profile without a result, and the command that would make one. */
export interface Missing {
  key: string;
  command: string;
}

function runLines(a: Analysis): string[] {
  const m = a.meta;
  const lines: string[] = [];
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

function thresholdTable(a: Analysis): string[] {
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

function generatorLine(a: Analysis): string {
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
  let verdict: string;
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

function serverLine(a: Analysis): string {
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
function serverSideLine(a: Analysis): string {
  const stats = a.serverStats;
  const t = stats?.total;
  if (!stats || !t) return '- Server-side view: not recorded (only a runtime started by `npm run load:*` records it).';
  const l: Partial<NonNullable<typeof t.latencyMs>> = t.latencyMs ?? {};
  const worst = stats.windows.reduce<(typeof stats.windows)[number] | undefined>(
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

function rateLimitLine(a: Analysis): string {
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

function endpointTable(a: Analysis): string[] {
  const rows = a.endpoints.map((e) => {
    const l: Partial<NonNullable<typeof e.latency>> = e.latency ?? {};
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

export function renderSection(a: Analysis, chartHref: string): string {
  const c = a.counters;
  const rt: Partial<NonNullable<Analysis['responseTime']>> = a.responseTime ?? {};
  const created = c['vusers.created'] ?? 0;
  const s = a.sustained;
  const codes = Object.entries(c)
    .filter(([k]) => k.startsWith('http.codes.'))
    .map(([k, v]): [string, number] => [k.slice('http.codes.'.length), v]);
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

/**
 * The whole document: summary, definitions, the hand-written findings kept from the previous
 * document, the capacity model (`costsLines`), then one section per run.
 */
export function renderDocument(
  analyses: Analysis[],
  missing: Missing[],
  command: string,
  findings: string | undefined,
  costsLines: string[] = [],
): string {
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
