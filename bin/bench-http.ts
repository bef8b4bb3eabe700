/**
 * `npm run bench:http`: `/api/health` throughput of the local runtime against a bare node:http
 * server answering the same JSON, measured in the same run on loopback (issue 15's target: the
 * runtime at >= 25% of the bare server).
 *
 *   npm run bench:http                          32 connections, 2 rounds of 5 s per server
 *   npm run bench:http -- --connections 64 --seconds 10 --rounds 3
 *   npm run bench:http -- --dry                 print only; do not write docs/bench/http.json
 *
 * - The runtime is started as the load profiles start it (load/local-runtime.mjs: production and
 *   load mode, fresh data, a free port); the bare server (load/http-bench/bare-server.mjs) runs in
 *   a process of its own too, answering the runtime's own health body and content type.
 * - The client (load/http-bench/client.ts) keeps N kept-alive connections busy; the servers take
 *   turns, round by round, after a 1 s warm-up each, so drift on a shared machine hits both.
 * - Writes docs/bench/http.json (rendered into docs/PERFORMANCE_BASELINES.md by
 *   `npm run load:report`); the runtime's log goes to load/results/ (git-ignored).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { loadAverage, loadRuntimeStarter, numberOption } from '../load/common/bench-cli';
import { gitState } from '../load/common/git';
import { REPO_DIR, RESULTS_DIR } from '../load/common/paths';
import { resultStamp } from '../load/common/results';
import { type HammerResult, hammer } from '../load/http-bench/client';
import { HTTP_BENCH_FILE, type HttpBench, type HttpSide } from '../load/report/http-bench';

const TARGET_RATIO = 0.25;
const HEALTH = '/api/health';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => numberOption(args, name, fallback);
const connections = option('--connections', 32);
const secondsEach = option('--seconds', 5);
const rounds = option('--rounds', 2);
const dry = args.includes('--dry');
const command = `npm run bench:http${args.length ? ` -- ${args.join(' ')}` : ''}`;

const startLoadRuntime = await loadRuntimeStarter();

async function startBare(body: string, contentType: string) {
  const child = spawn(process.execPath, [path.join(REPO_DIR, 'load', 'http-bench', 'bare-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BARE_BODY: body, BARE_CONTENT_TYPE: contentType },
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}${HEALTH}`, stop: () => child.kill('SIGTERM') };
}

function side(url: string, results: HammerResult[], latency: RecordableHistogram): HttpSide {
  const sum = (f: (r: HammerResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const seconds = sum((r) => r.seconds);
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    url,
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(sum((r) => r.requests) / seconds),
    latencyMs: { p50: ms(latency.percentile(50)), p99: ms(latency.percentile(99)), max: ms(latency.max) },
  };
}

const loadAverageBefore = loadAverage();
const state = gitState();
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const runtime = await startLoadRuntime({ logFile: path.join(RESULTS_DIR, `bench-http-${resultStamp()}.server.log`) });
const runtimeUrl = `${runtime.target}${HEALTH}`;
let bare: Awaited<ReturnType<typeof startBare>> | undefined;
try {
  const sample = await fetch(runtimeUrl);
  const body = await sample.text();
  if (sample.status !== 200) throw new Error(`${HEALTH} answered ${sample.status}: ${body}`);
  bare = await startBare(body, sample.headers.get('content-type') ?? 'application/json');
  const measured = { runtime: [] as HammerResult[], bare: [] as HammerResult[] };
  const latency = { runtime: createHistogram(), bare: createHistogram() };
  for (const url of [runtimeUrl, bare.url]) await hammer(url, { connections, seconds: 1 }); // warm-up
  for (let round = 1; round <= rounds; round++) {
    for (const [name, url] of [
      ['runtime', runtimeUrl],
      ['bare', bare.url],
    ] as const) {
      const r = await hammer(url, { connections, seconds: secondsEach, into: latency[name] });
      measured[name].push(r);
      console.log(`round ${round} ${name.padEnd(7)} ${String(r.requestsPerSecond).padStart(6)} req/s`);
    }
  }
  const result: HttpBench = {
    schema: 1,
    command,
    commit: state?.commit ?? 'unknown',
    dirty: state?.dirty ?? false,
    at: new Date().toISOString(),
    machine: {
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      node: process.version,
      loadAverageBefore,
      loadAverageAfter: loadAverage(),
    },
    path: HEALTH,
    connections,
    secondsEach,
    rounds,
    runtime: side(runtimeUrl, measured.runtime, latency.runtime),
    bare: side(bare.url, measured.bare, latency.bare),
    ratio: 0,
    target: TARGET_RATIO,
    verdict: 'FAIL',
  };
  result.ratio = Math.round((result.runtime.requestsPerSecond / result.bare.requestsPerSecond) * 1000) / 1000;
  result.verdict = result.ratio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  console.log(
    `\nGET ${HEALTH}, ${connections} connections, ${rounds} x ${secondsEach} s each (load average ${loadAverageBefore.join(' ')} -> ${result.machine.loadAverageAfter.join(' ')}):`,
  );
  console.log(`  local runtime  ${result.runtime.requestsPerSecond} req/s (p99 ${result.runtime.latencyMs.p99} ms)`);
  console.log(`  bare node:http ${result.bare.requestsPerSecond} req/s (p99 ${result.bare.latencyMs.p99} ms)`);
  console.log(`  ratio ${(result.ratio * 100).toFixed(1)}% (target >= ${TARGET_RATIO * 100}%): ${result.verdict}`);
  if (!dry) {
    fs.mkdirSync(path.dirname(HTTP_BENCH_FILE), { recursive: true });
    fs.writeFileSync(HTTP_BENCH_FILE, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), HTTP_BENCH_FILE)}; render it with: npm run load:report`);
  }
} finally {
  bare?.stop();
  await runtime.stop();
}
