#!/usr/bin/env node
/**
 * `npm run load:<profile>`: runs one profile in full.
 *
 * - TARGET set: runs against it as is (a runtime you started, or a deployed stack's URL).
 * - TARGET unset: uses the runtime on http://127.0.0.1:3008 when it runs in load mode
 *   (`npm run load:start`); otherwise starts its own for the run: production mode, load mode,
 *   a fresh data directory, on a free port, and stops it afterwards (its log is kept).
 *
 * Then: `artillery run --config load/<profile>.yml --output load/results/<profile>-<stamp>.json
 * load/scenarios.yml` with telemetry off, a `<same name>.meta.json` beside the result (the
 * command, commit, machine with load averages, times, the runtime's memory at the end), then the
 * committed summary docs/load/<profile>.json that `npm run load:report` renders, and the end-to-end
 * percentiles with PASS/FAIL against the seed's thresholds and, apart, issue 15's targets.
 * Arguments after `--` go to artillery.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { probe, startLoadRuntime } from './local-runtime.mjs';

// What this script shares with the report (profiles, result files, the threshold checks) is
// TypeScript, compiled by tsx (what `npm start` runs on).
register();
const { ARTILLERY_BIN, LOAD_DIR, REPO_DIR, RESULTS_DIR } = await import('./common/paths.ts');
const { gitCommit, gitState } = await import('./common/git.ts');
const { isProfileName, PROFILE_NAMES, PROFILES, SHARED_SCENARIOS } = await import('./common/profiles.ts');
const { resultFile, sidecarOf } = await import('./common/results.ts');
const { writeSummary } = await import('./common/summary.ts');
const { summarizeResult } = await import('./report/summarize.ts');
const { verdictLines } = await import('./report/verdict.ts');

const LOCAL_DEFAULT = 'http://127.0.0.1:3008';

const [name = '', ...extra] = process.argv.slice(2);
if (!isProfileName(name)) {
  console.error(`usage: node load/run.mjs <${PROFILE_NAMES.join('|')}> [-- artillery args]`);
  process.exit(2);
}
const file = PROFILES[name];
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const output = resultFile(name);

let target = process.env.TARGET?.replace(/\/$/, '');
let runtime;
let env = { ...process.env };
if (target) {
  const health = await probe(target);
  if (health?.status !== 200) {
    console.error(
      `${target}/api/health does not answer 200 (${health ? health.status : 'no answer'}).\n` +
        'Unset TARGET to let this script start a local runtime, or start one: npm run load:start',
    );
    process.exit(1);
  }
  if (health.loadMode === false && /^http:\/\/(127\.|localhost|\[::1\])/.test(target)) {
    console.warn(`Note: ${target} is not in load mode, so every virtual user is the same client to the rate limits.`);
  }
} else {
  const local = await probe(LOCAL_DEFAULT);
  if (local?.status === 200 && local.loadMode) {
    target = LOCAL_DEFAULT;
    console.log(`Using the runtime in load mode at ${target}.`);
  } else {
    if (local) console.log(`The runtime at ${LOCAL_DEFAULT} is not in load mode; starting a separate one.`);
    runtime = await startLoadRuntime({
      logFile: sidecarOf(output, '.server.log'),
      statsFile: sidecarOf(output, '.server-stats.jsonl'),
    });
    target = runtime.target;
    env = {
      ...env,
      LOAD_SERVER_PID: String(runtime.pid),
      LOAD_ACCOUNT_FILE: path.join(runtime.dataDir, 'load-account.json'),
    };
  }
}

// The commit is read before the run: the code that runs is the code at its start.
const commit = gitCommit() ?? 'unknown';
const state = gitState();
const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100);
const loadAverageBefore = loadAverage();
const artilleryArgs = [
  'run',
  '--target',
  target,
  '--config',
  path.join(LOAD_DIR, file),
  '--output',
  output,
  ...extra,
  path.join(LOAD_DIR, SHARED_SCENARIOS),
];
// Quoted for a shell where needed, so the recorded command can be pasted as it is.
const quote = (a) => (/^[\w./:=@%+-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`);
const command = `${process.env.TARGET ? `TARGET=${process.env.TARGET} ` : ''}npm run load:${name}${extra.length ? ` -- ${extra.map(quote).join(' ')}` : ''}`;
const startedAt = new Date().toISOString();
console.log(`artillery ${artilleryArgs.map((a) => (path.isAbsolute(a) ? path.relative(REPO_DIR, a) : a)).join(' ')}`);
const onSignal = () => undefined; // Ctrl-C reaches artillery (same process group); clean up after it
process.on('SIGINT', onSignal);
const run = spawnSync(ARTILLERY_BIN, artilleryArgs, {
  stdio: 'inherit',
  env: { ...env, TARGET: target, ARTILLERY_DISABLE_TELEMETRY: '1' },
});
process.off('SIGINT', onSignal);
const finishedAt = new Date().toISOString();
const serverAtEnd = runtime ? procMemory(runtime.pid) : undefined;
if (runtime) {
  process.stdout.write('Stopping the runtime started for this run ... ');
  await runtime.stop();
  console.log('stopped');
}

const loadAverageAfter = loadAverage();
const cpus = os.cpus();
const meta = {
  profile: name,
  file: `load/${file}`,
  command,
  artilleryArgs: artilleryArgs.map((a) => (path.isAbsolute(a) ? path.relative(REPO_DIR, a) : a)),
  target,
  startedRuntime: Boolean(runtime),
  runtimeMode: runtime ? 'production, load mode, fresh data directory' : 'as found at the target',
  ...(runtime
    ? {
        serverLog: path.relative(REPO_DIR, runtime.logFile),
        serverStats: path.relative(REPO_DIR, sidecarOf(output, '.server-stats.jsonl')),
      }
    : {}),
  gitCommit: commit,
  ...(state ? { commit: state.commit, dirty: state.dirty } : {}),
  ...(serverAtEnd ? { serverAtEnd } : {}),
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageBefore,
    loadAverageAfter,
  },
  node: process.version,
  startedAt,
  finishedAt,
  exitCode: run.status,
};
if (fs.existsSync(output)) fs.writeFileSync(sidecarOf(output, '.meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
console.log(
  `\nResults: ${path.relative(process.cwd(), output)}${runtime ? `\nServer log: ${path.relative(process.cwd(), runtime.logFile)}` : ''}`,
);
process.exit(finish());

/** The runtime's resident and peak memory from /proc, MB, just before it is stopped. */
function procMemory(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { procRssMb: Math.round(kb('VmRSS') / 1024), procPeakRssMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/**
 * The summary (docs/load/<profile>.json), the end-to-end percentiles and the verdicts. The exit
 * code is the seed thresholds' verdict, checked on end-to-end time (Artillery itself also exits 21
 * when any expectation failed, even within the allowed error rate).
 */
function finish() {
  if (!fs.existsSync(output) || (run.status !== 0 && run.status !== 1 && run.status !== 21)) return run.status ?? 1;
  const summary = summarizeResult(output);
  // LOAD_SUMMARY_DIR: an experiment's summary somewhere else than docs/load/ (the report reads it there too).
  const file = process.env.LOAD_SUMMARY_DIR
    ? writeSummary(summary, path.resolve(process.env.LOAD_SUMMARY_DIR))
    : writeSummary(summary);
  console.log(['', ...verdictLines(summary)].join('\n'));
  console.log(
    `\nSummary (commit it): ${path.relative(process.cwd(), file)}; render the report with: npm run load:report`,
  );
  return summary.seed.verdict === 'FAIL' ? 1 : 0;
}
