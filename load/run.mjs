#!/usr/bin/env node
/**
 * `npm run load:<profile>`: checks that the runtime answers at TARGET (default
 * http://127.0.0.1:3008), then runs `artillery run --target TARGET --output
 * load/results/<profile>-<timestamp>.json load/<file>.yml` with telemetry off.
 * Extra arguments after `--` go to artillery.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const profiles = {
  smoke: 'smoke.yml',
  basic: 'basic-load.yml',
  stress: 'stress-test.yml',
  spike: 'spike-test.yml',
};
const [name, ...extra] = process.argv.slice(2);
const file = profiles[name];
if (!file) {
  console.error(`usage: node load/run.mjs <${Object.keys(profiles).join('|')}> [-- artillery args]`);
  process.exit(2);
}
const loadDir = path.dirname(fileURLToPath(import.meta.url));
const target = (process.env.TARGET ?? 'http://127.0.0.1:3008').replace(/\/$/, '');

try {
  const res = await fetch(`${target}/api/health`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
} catch (error) {
  console.error(
    `The runtime does not answer at ${target}/api/health (${error.cause?.code ?? error.message}).\n` +
      'Start it in load mode first, in another terminal: npm run load:start\n' +
      '(or point TARGET at a running instance, e.g. TARGET=http://127.0.0.1:3010 npm run load:smoke)',
  );
  process.exit(1);
}

const resultsDir = path.join(loadDir, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const output = path.join(resultsDir, `${name}-${stamp}.json`);
const bin = path.join(loadDir, '..', 'node_modules', '.bin', 'artillery');
const args = ['run', '--target', target, '--output', output, ...extra, path.join(loadDir, file)];
console.log(`artillery ${args.join(' ')}`);
const run = spawnSync(bin, args, {
  stdio: 'inherit',
  env: { ...process.env, TARGET: target, ARTILLERY_DISABLE_TELEMETRY: '1' },
});
console.log(`\nResults: ${path.relative(process.cwd(), output)}`);
process.exit(run.status ?? 1);
