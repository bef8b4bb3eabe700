#!/usr/bin/env node
/**
 * `npm run load:report`: renders docs/PERFORMANCE_BASELINES.md from the newest result file of
 * each profile in load/results/ (or the files given as arguments). Every number comes from a
 * result file; thresholds are read from the profile's YAML and checked here, not assumed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const loadDir = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(loadDir, 'results');
const outFile = path.join(loadDir, '..', 'docs', 'PERFORMANCE_BASELINES.md');
const profiles = { smoke: 'smoke.yml', basic: 'basic-load.yml', stress: 'stress-test.yml', spike: 'spike-test.yml' };

function newestPerProfile() {
  const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')) : [];
  const chosen = {};
  for (const f of files.sort()) {
    const name = f.split('-')[0];
    if (name in profiles) chosen[name] = path.join(resultsDir, f);
  }
  return chosen;
}

function fromArgs(args) {
  const chosen = {};
  for (const f of args) chosen[path.basename(f).split('-')[0]] = path.resolve(f);
  return chosen;
}

/** Thresholds as written in the profile: maxErrorRate and http.response_time.pNN. */
function thresholds(profile) {
  const yml = fs.readFileSync(path.join(loadDir, profiles[profile]), 'utf8');
  const maxErrorRate = Number(/maxErrorRate:\s*([\d.]+)/.exec(yml)?.[1]);
  const latency = [...yml.matchAll(/- http\.response_time\.(p\d+):\s*(\d+)/g)].map((m) => ({
    p: m[1],
    ms: Number(m[2]),
  }));
  return { maxErrorRate, latency };
}

const fmt = (n) => (n === undefined || Number.isNaN(n) ? 'n/a' : String(Math.round(n * 10) / 10));

function section(profile, file) {
  const { aggregate, intermediate } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const c = aggregate.counters;
  const s = aggregate.summaries;
  const created = c['vusers.created'] ?? 0;
  const failed = c['vusers.failed'] ?? 0;
  const errorRate = created ? (failed / created) * 100 : 0;
  const started = aggregate.firstMetricAt;
  const seconds = (aggregate.lastMetricAt - started) / 1000;
  const maxRps = Math.max(...intermediate.map((i) => i.rates?.['http.request_rate'] ?? 0));
  const first429 = intermediate.find((i) => (i.counters?.['http.codes.429'] ?? 0) > 0);
  const t = thresholds(profile);
  const rt = s['http.response_time'] ?? {};
  const checks = [
    [`errors <= ${t.maxErrorRate}%`, `${fmt(errorRate)}%`, errorRate <= t.maxErrorRate],
    ...t.latency.map(({ p, ms }) => [`${p} < ${ms} ms`, `${fmt(rt[p])} ms`, rt[p] < ms]),
  ];
  const codes = Object.entries(c)
    .filter(([k]) => k.startsWith('http.codes.'))
    .map(([k, v]) => `${v} x ${k.slice(11)}`)
    .join(', ');
  const errors = Object.entries(c)
    .filter(([k]) => k.startsWith('errors.'))
    .map(([k, v]) => `${v} x ${k.slice(7)}`)
    .join(', ');
  const prefix = 'plugins.metrics-by-endpoint.response_time.';
  const endpoints = Object.keys(s)
    .filter((k) => k.startsWith(prefix))
    .sort()
    .map((k) => {
      const name = k.slice(prefix.length);
      const e = s[k];
      const byCode = Object.entries(c)
        .filter(([key]) => key.startsWith(`plugins.metrics-by-endpoint.${name}.codes.`))
        .map(([key, v]) => `${v} x ${key.split('.codes.')[1]}`)
        .join(', ');
      return `| \`${name}\` | ${e.count} | ${fmt(e.p50)} | ${fmt(e.p95)} | ${fmt(e.p99)} | ${fmt(e.max)} | ${byCode} |`;
    });
  const cpu = s['server.cpu_percent'];
  const rss = s['server.rss_mb'];
  const passed = checks.every((x) => x[2]);
  return [
    `## ${profile} (${profiles[profile]}): ${passed ? 'PASS' : 'FAIL'}`,
    '',
    `Result file \`load/results/${path.basename(file)}\`, started ${new Date(started).toISOString()}, ${fmt(seconds)} s.`,
    `Command: \`npm run load:${profile}\` (\`artillery run --target TARGET --output load/results/... load/${profiles[profile]}\`).`,
    '',
    '| threshold | measured | result |',
    '| --- | --- | --- |',
    ...checks.map(([name, value, ok]) => `| ${name} | ${value} | ${ok ? 'pass' : 'FAIL'} |`),
    '',
    `- Virtual users: ${created} created, ${c['vusers.completed'] ?? 0} completed, ${failed} failed.`,
    `- Requests: ${c['http.requests'] ?? 0}; responses: ${codes || 'none'}; network errors: ${errors || 'none'}.`,
    `- Highest request rate over a 10 s period: ${maxRps}/s (mean ${aggregate.rates?.['http.request_rate'] ?? 'n/a'}/s).`,
    `- Rate limiting (429) began: ${first429 ? `in the 10 s period starting ${intermediate.indexOf(first429) * 10} s into the run` : 'never'}; 429s in total: ${c['http.codes.429'] ?? 0}.`,
    `- Slow responses (> 2 s): ${c['custom.slow_responses_over_2s'] ?? 0}; server errors (5xx): ${c['custom.server_errors_5xx'] ?? 0}.`,
    `- Server process: ${cpu ? `CPU median ${fmt(cpu.median)}%, p95 ${fmt(cpu.p95)}%, max ${fmt(cpu.max)}% of one core` : 'CPU not sampled'}; ${rss ? `RSS median ${fmt(rss.median)} MB, max ${fmt(rss.max)} MB` : 'memory not sampled'}.`,
    '',
    '| endpoint | requests | p50 ms | p95 ms | p99 ms | max ms | responses |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...endpoints,
    '',
  ].join('\n');
}

const args = process.argv.slice(2);
const chosen = args.length ? fromArgs(args) : newestPerProfile();
const names = Object.keys(profiles).filter((p) => chosen[p]);
if (names.length === 0) {
  console.error('No result files in load/results/: run npm run load:smoke (or basic, stress, spike) first.');
  process.exit(1);
}
const cpus = os.cpus();
const doc = [
  '# Performance baselines',
  '',
  `Generated by \`npm run load:report\` on ${new Date().toISOString()} from the result files named below;`,
  'every number comes from those runs. Runtime: `npm run load:start` (local runtime in load mode); the',
  'load generator (Artillery) runs on the same machine, so it competes with the server for the CPU.',
  `Machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
  'Profiles without a result file are not listed. Charts are not generated yet.',
  '',
  ...names.map((p) => section(p, chosen[p])),
].join('\n');
fs.writeFileSync(outFile, doc);
console.log(`Wrote ${path.relative(process.cwd(), outFile)} (${names.join(', ')})`);
