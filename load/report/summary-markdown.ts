/**
 * docs/PERFORMANCE_BASELINES.md from the committed run summaries (docs/load/<profile>.json): a
 * table of every run, the definitions, the hand-written findings, the HTTP throughput and flow
 * costs, then one section per run. Nothing here reads a raw Artillery result.
 */
import type { CheckSet, LoadSummary, Percentiles } from '../common/summary';
import { fmt, list, utc } from './format';

const ms = (n: number | undefined) => fmt(n);
const loads = (l: number[]) => (l.length ? l.map((n) => fmt(n, 2)).join(' / ') : 'not recorded');
const commitText = (s: LoadSummary) => `\`${s.commit}\`${s.dirty ? ' (dirty: uncommitted changes)' : ''}`;
const trio = (p: Percentiles | null | undefined) =>
  p ? `p50 ${ms(p.p50)} ms, p95 ${ms(p.p95)} ms, p99 ${ms(p.p99)} ms, max ${ms(p.max)} ms` : 'not recorded';

function checkTable(title: string, set: CheckSet): string[] {
  if (set.checks.length === 0) return [`${title}: ${set.source}.`, ''];
  return [
    `${title} (${set.source}): **${set.verdict}**`,
    '',
    '| check | limit | measured | result |',
    '| --- | --- | --- | --- |',
    ...set.checks.map(
      (c) =>
        `| \`${c.name}\` | ${c.limit} | ${c.measured} | ${c.ok === null ? 'not checked' : c.ok ? 'pass' : 'FAIL'} |`,
    ),
    '',
  ];
}

function endpointTable(s: LoadSummary): string[] {
  if (s.endpoints.length === 0) return ['No per-endpoint metrics in this run.', ''];
  return [
    '| endpoint | responses | e2e p50 | e2e p95 | e2e p99 | e2e max | Artillery p99 | status codes | errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...s.endpoints.map(
      (e) =>
        `| \`${e.name}\` | ${e.responses} | ${ms(e.endToEndMs.p50)} | ${ms(e.endToEndMs.p95)} | ${ms(e.endToEndMs.p99)} | ${ms(e.endToEndMs.max)} | ${ms(e.artilleryMs.p99)} | ${list(Object.entries(e.codes))} | ${list(Object.entries(e.errors))} |`,
    ),
    '',
  ];
}

function serverLine(s: LoadSummary): string {
  const sv = s.server;
  const cpu = sv.cpuPercent
    ? `CPU p50 ${fmt(sv.cpuPercent.p50)}%, max ${fmt(sv.cpuPercent.max)}% of one core`
    : 'CPU not sampled';
  const rss = sv.rssMb
    ? `RSS p50 ${fmt(sv.rssMb.p50)} MB, max ${fmt(sv.rssMb.max)} MB during the run`
    : 'RSS not sampled';
  const e = sv.atEnd;
  const end = e
    ? `at the end: RSS ${fmt(e.procRssMb ?? e.rssMb)} MB (peak ${fmt(e.procPeakRssMb)} MB), main-thread heap ${fmt(e.heapUsedMb)} of ${fmt(e.heapTotalMb)} MB, emulator-thread heap ${fmt(e.emulatorHeapUsedMb)} MB, external ${fmt(e.externalMb)} MB`
    : 'memory at the end not recorded';
  const loop =
    sv.eventLoopUtilization !== null
      ? `; event-loop utilisation ${fmt((sv.eventLoopUtilization ?? 0) * 100)}%, delay p99 ${fmt(sv.eventLoopDelayP99Ms)} ms; peak ${sv.inFlightPeak} requests in flight`
      : '';
  return `- Server process: ${cpu}; ${rss}; ${end}${loop}.`;
}

function generatorLine(s: LoadSummary): string {
  const g = s.generator;
  const cpu = g.cpuPercent
    ? `its CPU p50 ${fmt(g.cpuPercent.p50)}%, max ${fmt(g.cpuPercent.max)}% of one core`
    : 'its CPU not sampled';
  const w = g.worstWindow
    ? `; worst ~30 s window t = ${fmt(g.worstWindow.fromSecond, 0)}-${fmt(g.worstWindow.toSecond, 0)} s: asked ${g.worstWindow.asked}, created ${g.worstWindow.created}`
    : '';
  const verdict = !g.fellBehind
    ? 'kept to its schedule (no ~30 s window more than 5% short)'
    : g.limitedByItsCpu
      ? '**fell behind its schedule with its CPU busy: the generator, not the server, was the limit there**'
      : '**fell behind its schedule by more than 5%**';
  return `- Load generator: ${verdict}; asked for ${s.virtualUsers.asked ?? 'n/a'} virtual users, created ${s.virtualUsers.created}${w}; ${cpu}.`;
}

export function renderSummarySection(s: LoadSummary, chartHref: string): string {
  const l = s.latencyMs;
  const t = s.throughput;
  return [
    `## ${s.profile} (${s.profileFile}): ${s.seed.verdict}${s.targets.checks.length ? `; targets ${s.targets.verdict}` : ''}`,
    '',
    `- Run: ${utc(s.startedAt)} to ${utc(s.finishedAt)}; ${fmt(s.metricSeconds)} s of metrics (the phases ask for ${fmt(s.plannedSeconds)} s). Summary: \`docs/load/${s.profile}.json\`.`,
    `- Command: \`${s.command}\` (\`${s.artillery}\`).`,
    `- Commit: ${commitText(s)}. Machine: ${s.machine.cores} x ${s.machine.cpuModel}, ${fmt(s.machine.memGiB)} GiB, ${s.machine.os}, Node ${s.machine.node}; load average (1/5/15 min) before ${loads(s.machine.loadAverageBefore)}, after ${loads(s.machine.loadAverageAfter)}.`,
    `- Connections: the virtual users share a pool of ${s.connectionPool ?? 'no'} kept-alive connections (\`config.http.pool\`).`,
    `- Chart: [${chartHref}](${chartHref}).`,
    '',
    `- **End to end** (request issued -> last byte, waiting for a pooled connection included): ${trio(l.endToEnd)}.`,
    `- Artillery's \`http.response_time\` (request written -> first byte, no connection wait): ${trio(l.artilleryFirstByte)}.`,
    `- Server-side (the runtime's own clock, request received -> answer written): ${trio(l.serverSide)}.`,
    '',
    ...checkTable('Seed thresholds', s.seed),
    ...checkTable('Targets, reported separately', s.targets),
    `- Virtual users: ${s.virtualUsers.created} created, ${s.virtualUsers.completed} completed, ${s.virtualUsers.failed} failed.`,
    `- Requests: ${s.requests.sent} sent, ${s.requests.answered} answered: ${list(Object.entries(s.requests.statuses))}; network errors and failed expectations: ${list(Object.entries(s.requests.errors))}.`,
    `- Over 2 s end to end: ${s.counters.slowOver2sEndToEnd}; 429: ${s.counters.rateLimited429}${s.firstRateLimitAtSecond !== null ? ` (the first at t = ${fmt(s.firstRateLimitAtSecond, 0)} s)` : ''}; 5xx: ${s.counters.serverErrors5xx}.`,
    t
      ? `- Max sustained throughput: ${fmt(t.bestPerSecond)} responses/s (${fmt(t.non429PerSecond)}/s without the 429s), t = ${fmt(t.fromSecond, 0)}-${fmt(t.toSecond, 0)} s.`
      : '- Max sustained throughput: no periods in this run.',
    serverLine(s),
    generatorLine(s),
    '',
    ...endpointTable(s),
  ].join('\n');
}

function overviewTable(summaries: LoadSummary[]): string[] {
  return [
    '| run | seed thresholds | targets | e2e p50 | e2e p95 | e2e p99 | Artillery p99 | 5xx | over 2 s e2e | server RSS at end | load avg before / after (1 min) | commit |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...summaries.map((s) => {
      const e = s.latencyMs.endToEnd;
      const rss = s.server.atEnd?.procRssMb ?? s.server.atEnd?.rssMb;
      const load = `${fmt(s.machine.loadAverageBefore[0], 2)} / ${fmt(s.machine.loadAverageAfter[0], 2)}`;
      return `| ${s.profile}, ${utc(s.startedAt)} | ${s.seed.verdict} | ${s.targets.checks.length ? s.targets.verdict : 'none'} | ${ms(e.p50)} | ${ms(e.p95)} | ${ms(e.p99)} | ${ms(s.latencyMs.artilleryFirstByte.p99)} | ${s.counters.serverErrors5xx} | ${s.counters.slowOver2sEndToEnd} | ${rss === undefined ? 'n/a' : `${rss} MB`} | ${load} | ${commitText(s)} |`;
    }),
  ];
}

/** The whole document; `extraLines` are the HTTP throughput and flow-cost sections. */
export function renderSummaryDocument(
  summaries: LoadSummary[],
  missing: { key: string; command: string }[],
  command: string,
  findings: string | undefined,
  extraLines: string[],
): string {
  return [
    '# Performance baselines',
    '',
    `Generated by \`${command}\` from the committed run summaries in \`docs/load/\` (one JSON a profile,`,
    'written by `npm run load:<profile>` when the run ends; the raw Artillery results stay in the',
    'git-ignored `load/results/`). Every number outside the hand-written findings is read from those',
    'files, and every number in the findings names the summary or command it comes from.',
    '',
    ...overviewTable(summaries),
    ...(missing.length ? ['', ...missing.map((m) => `- ${m.key}: not run: \`${m.command}\`.`)] : []),
    '',
    'Definitions used below:',
    '',
    '- **End to end** (`e2e.response_time`, load/processor.cjs): from the moment a virtual user issues a',
    "  request (Artillery's `beforeRequest`) to the last byte of the answer, waiting for one of the",
    "  pooled connections included. The thresholds of every profile are on it: a run Artillery's own",
    '  figure would pass but this one fails is a FAIL. A request without an answer has no time; it is',
    '  an error and fails its virtual user.',
    "- Artillery's `http.response_time`: from the request written to a socket to the first byte; shown",
    '  beside, labelled, never checked.',
    "- Server-side: the runtime's own clock (`LOCAL_STATS_FILE`), request received to answer written.",
    '- Seed thresholds: the `ensure` block of the profile YAML (errors, p95, p99), re-checked on the',
    "  result; they decide the run's exit code. Targets (issue 15): a tenth of the seed's p99, end to",
    '  end (basic < 100 ms, stress < 500 ms, spike < 300 ms) and no 5xx, reported apart.',
    '- Load average: `os.loadavg()` of the machine just before and after the run (1, 5, 15 min): other',
    '  work on the machine shows there.',
    "- CPU: 100% = one core busy. Times are seconds since the run's first metric.",
    '- Per endpoint, "responses" and "status codes" are Artillery\'s metrics-by-endpoint plugin, which',
    '  leaves out answers that failed an expectation (a 429 in strict mode); the e2e columns count every answer.',
    '',
    ...(findings ? [findings, ''] : []),
    ...extraLines,
    ...summaries.map((s) => renderSummarySection(s, `load-charts/${s.profile}.html`)),
  ].join('\n');
}
