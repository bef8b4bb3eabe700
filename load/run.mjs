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
 * load/scenarios.yml` with telemetry off, and a `<same name>.meta.json` beside the result (the
 * command, commit, machine, times) for `npm run load:report`. Arguments after `--` go to artillery.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { probe, startLoadRuntime } from './local-runtime.mjs';
import { checkThresholds, readProfile } from './report.mjs';

const profiles = {
  smoke: 'smoke.yml',
  basic: 'basic-load.yml',
  stress: 'stress-test.yml',
  spike: 'spike-test.yml',
};
const LOCAL_DEFAULT = 'http://127.0.0.1:3008';

const [name, ...extra] = process.argv.slice(2);
const file = profiles[name];
if (!file) {
  console.error(`usage: node load/run.mjs <${Object.keys(profiles).join('|')}> [-- artillery args]`);
  process.exit(2);
}
const loadDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(loadDir, '..');
const resultsDir = path.join(loadDir, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const base = path.join(resultsDir, `${name}-${stamp}`);

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
    runtime = await startLoadRuntime({ logFile: `${base}.server.log`, statsFile: `${base}.server-stats.jsonl` });
    target = runtime.target;
    env = {
      ...env,
      LOAD_SERVER_PID: String(runtime.pid),
      LOAD_ACCOUNT_FILE: path.join(runtime.dataDir, 'load-account.json'),
    };
  }
}

// The commit is read before the run: the code that runs is the code at its start.
let gitCommit;
try {
  gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  if (dirty.trim()) gitCommit += ' (with uncommitted changes)';
} catch {
  gitCommit = 'unknown';
}
const output = `${base}.json`;
const bin = path.join(root, 'node_modules', '.bin', 'artillery');
const artilleryArgs = [
  'run',
  '--target',
  target,
  '--config',
  path.join(loadDir, file),
  '--output',
  output,
  ...extra,
  path.join(loadDir, 'scenarios.yml'),
];
const command = `${process.env.TARGET ? `TARGET=${process.env.TARGET} ` : ''}npm run load:${name}${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
const startedAt = new Date().toISOString();
console.log(`artillery ${artilleryArgs.map((a) => (path.isAbsolute(a) ? path.relative(root, a) : a)).join(' ')}`);
const onSignal = () => undefined; // Ctrl-C reaches artillery (same process group); clean up after it
process.on('SIGINT', onSignal);
const run = spawnSync(bin, artilleryArgs, {
  stdio: 'inherit',
  env: { ...env, TARGET: target, ARTILLERY_DISABLE_TELEMETRY: '1' },
});
process.off('SIGINT', onSignal);
const finishedAt = new Date().toISOString();
if (runtime) {
  process.stdout.write('Stopping the runtime started for this run ... ');
  await runtime.stop();
  console.log('stopped');
}

const cpus = os.cpus();
const meta = {
  profile: name,
  file: `load/${file}`,
  command,
  artilleryArgs: artilleryArgs.map((a) => (path.isAbsolute(a) ? path.relative(root, a) : a)),
  target,
  startedRuntime: Boolean(runtime),
  runtimeMode: runtime ? 'production, load mode, fresh data directory' : 'as found at the target',
  ...(runtime
    ? {
        serverLog: path.relative(root, runtime.logFile),
        serverStats: path.relative(root, `${base}.server-stats.jsonl`),
      }
    : {}),
  gitCommit,
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  },
  node: process.version,
  startedAt,
  finishedAt,
  exitCode: run.status,
};
if (fs.existsSync(output)) fs.writeFileSync(`${base}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
console.log(
  `\nResults: ${path.relative(process.cwd(), output)}${runtime ? `\nServer log: ${path.relative(process.cwd(), runtime.logFile)}` : ''}`,
);
console.log('Render the report with: npm run load:report');
process.exit(exitCode());

/**
 * Pass or fail from the profile's thresholds, re-checked on the result (what load:report shows):
 * Artillery also exits 21 when any expectation failed, even within the allowed error rate.
 */
function exitCode() {
  if (!fs.existsSync(output) || (run.status !== 0 && run.status !== 1 && run.status !== 21)) return run.status ?? 1;
  const checks = checkThresholds(
    readProfile(loadDir, name).ensure,
    JSON.parse(fs.readFileSync(output, 'utf8')).aggregate,
  );
  const failed = checks.filter((c) => c.ok === false);
  console.log(
    failed.length
      ? `FAIL: ${failed.map((c) => `${c.name} ${c.measured} (limit ${c.limit})`).join('; ')}`
      : `PASS: all ${checks.length} thresholds of load/${file} hold.`,
  );
  return failed.length ? 1 : 0;
}
