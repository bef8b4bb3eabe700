/**
 * `npm run fuzz`: the HTTP fuzz suite (test/fuzz) at any size, against a local runtime it
 * starts and stops itself (fresh DATA_DIR, rate limits off, emulators on their own thread).
 *
 *   npm run fuzz                              10,000 requests, a new seed (printed first)
 *   npm run fuzz -- --runs 500 --seed 42      replay a run: same seed, same requests
 *   npm run fuzz -- --seed 42 --path 17:3:0   replay only the counterexample fast-check printed
 *   npm run fuzz -- --keep-going              record every failing request instead of stopping
 *                                             at the first and shrinking it
 *
 * Prints counts, the status histogram and, on failure, the minimal counterexample as a curl
 * command with the function's own error log lines. Exit code 1 when an invariant broke.
 * See docs/FUZZING.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport } from '../test/fuzz/fuzz-report';
import { prepareFuzzTargets } from '../test/fuzz/fuzz-targets';
import { runHttpFuzz } from '../test/fuzz/http-fuzz';
import { startTestRuntime } from '../test/support/local-runtime';
import { tapFunctionLogs } from '../test/support/log-tap';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    path: { type: 'string' },
    'keep-going': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('Usage: npm run fuzz -- [--runs N] [--seed S] [--path P] [--keep-going]');
  process.exit(2);
}
const replay = [`npm run fuzz -- --runs ${runs} --seed ${seed}`, values.path ? `--path ${values.path}` : '']
  .filter(Boolean)
  .join(' ');
console.log(`HTTP fuzz: ${runs} requests, seed ${seed} (replay: ${replay})`);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-fuzz-'));
const logs = tapFunctionLogs();
const runtime = await startTestRuntime(
  dataDir,
  { RATE_LIMITS: 'off', LOG_LEVEL: 'WARN' },
  { emulators: 'worker', seed: false },
);
let text = '';
let failed = true;
try {
  const targets = await prepareFuzzTargets(runtime);
  const started = Date.now();
  const report = await runHttpFuzz({
    targets,
    runs,
    seed,
    ...(values.path ? { path: values.path } : {}),
    keepGoing: values['keep-going'],
    logs,
    onProgress: (sent) => console.log(`  ${sent} sent (${((Date.now() - started) / 1000).toFixed(0)} s)`),
  });
  text = formatReport(report, runtime, replay);
  failed = report.failures.length > 0 || report.mailProblems.length > 0 || report.fiveXx > 0;
} finally {
  await runtime.stop();
  logs.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
// After the log tap is gone: the report quotes the functions' error lines, which it would hold back.
console.log(text);
console.log(failed ? 'FAILED' : 'PASSED');
process.exit(failed ? 1 : 0);
