/**
 * `npm run bench:memory`: the local runtime's memory under a steady load (issue 15, item 6).
 *
 *   npm run bench:memory                        100 new virtual users a second for 200 s
 *   npm run bench:memory -- --rate 50 --seconds 120
 *   npm run bench:memory -- --dry               print only; do not write docs/bench/memory.json
 *
 * - The runtime is started as the load profiles start it (load/local-runtime.mjs); Artillery
 *   runs the load profiles' scenarios (load/scenarios.yml, the stress profile's settings) at one
 *   constant arrival rate.
 * - Every 10 s: the process's RSS and its anonymous memory (/proc/<pid>/smaps_rollup). At the
 *   end: the same, the runtime's last statistics (main-thread heap used and reserved, emulator
 *   heap used), then heap snapshots of both threads (LOCAL_HEAP_SNAPSHOT_DIR, `kill -USR2`) summed
 *   by the objects still alive, so RSS can be set against what is really kept.
 * - Writes docs/bench/memory.json; the runtime's log and statistics go to load/results/.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAverage, loadRuntimeStarter, numberOption } from '../load/common/bench-cli';
import { gitState } from '../load/common/git';
import { ARTILLERY_BIN, REPO_DIR, RESULTS_DIR } from '../load/common/paths';
import { resultStamp } from '../load/common/results';

const MEMORY_BENCH_FILE = path.join(REPO_DIR, 'docs', 'bench', 'memory.json');
const SAMPLE_MS = 10_000;

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => numberOption(args, name, fallback);
const rate = option('--rate', 100);
const seconds = option('--seconds', 200);
const dry = args.includes('--dry');
const command = `npm run bench:memory${args.length ? ` -- ${args.join(' ')}` : ''}`;

const startLoadRuntime = await loadRuntimeStarter();

const mb = (kb: number) => Math.round(kb / 1024);
/** RSS and anonymous memory of `pid`, MB. */
function rollup(pid: number): { rssMb: number; anonymousMb: number } {
  const fields = Object.fromEntries(
    fs
      .readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      .split('\n')
      .map((line) => line.split(/:\s+/))
      .filter(([key]) => key === 'Rss' || key === 'Anonymous')
      .map(([key, value]) => [key, Number.parseInt(value ?? '0', 10)]),
  );
  return { rssMb: mb(fields.Rss ?? 0), anonymousMb: mb(fields.Anonymous ?? 0) };
}

/** Live bytes of a heap snapshot (what survives the GC it forces), MB, and its largest kinds. */
function liveHeap(file: string): { liveMb: number; largest: Array<{ kind: string; mb: number }> } {
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fields: string[] = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types: string[] = snapshot.snapshot.meta.node_types[typeAt];
  const byKind = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]] ?? '?';
    const size: number = snapshot.nodes[i + sizeAt];
    const kind =
      type === 'object' || type === 'native' ? String(snapshot.strings[snapshot.nodes[i + nameAt]]) : `(${type})`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + size);
    total += size;
  }
  const round = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const largest = [...byKind]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([kind, bytes]) => ({ kind: kind.slice(0, 60), mb: round(bytes) }));
  return { liveMb: round(total), largest };
}

const loadAverageBefore = loadAverage();
const state = gitState();
const stamp = resultStamp();
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const statsFile = path.join(RESULTS_DIR, `bench-memory-${stamp}.server-stats.jsonl`);
const snapshotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unite-hub-heap-'));
process.env.LOCAL_HEAP_SNAPSHOT_DIR = snapshotDir;
const runtime = await startLoadRuntime({
  logFile: path.join(RESULTS_DIR, `bench-memory-${stamp}.server.log`),
  statsFile,
});
delete process.env.LOCAL_HEAP_SNAPSHOT_DIR;
try {
  const startedAt = Date.now();
  const samples = [{ second: 0, ...rollup(runtime.pid) }];
  const timer = setInterval(() => {
    samples.push({ second: Math.round((Date.now() - startedAt) / 1000), ...rollup(runtime.pid) });
  }, SAMPLE_MS);
  const overrides = JSON.stringify({ config: { phases: [{ duration: seconds, arrivalRate: rate, rampTo: rate }] } });
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(
      ARTILLERY_BIN,
      [
        'run',
        '--target',
        runtime.target,
        '--config',
        'load/stress-test.yml',
        '--overrides',
        overrides,
        '--quiet',
        'load/scenarios.yml',
      ],
      {
        cwd: REPO_DIR,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, LOAD_ACCOUNT_FILE: runtime.accountFile, ARTILLERY_DISABLE_TELEMETRY: '1' },
      },
    );
    child.once('exit', resolve);
  });
  clearInterval(timer);
  if (exitCode !== 0) throw new Error(`artillery exited with ${exitCode}`);
  const atEnd = rollup(runtime.pid);
  // The runtime's statistics lines: the last window's heaps, and the last emulator heap reported.
  const lines = fs
    .readFileSync(statsFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const windows = lines.filter((l) => l.kind === 'window');
  const lastMemory = (windows.at(-1)?.memoryMb ?? {}) as Record<string, number>;
  const emulatorHeap = windows
    .map((l) => l.memoryMb as Record<string, number> | undefined)
    .filter((m) => typeof m?.emulatorHeapUsed === 'number')
    .at(-1);
  // The whole run's line comes at the runtime's stop: sum the windows so far instead.
  const total = Object.fromEntries(
    (['requests', '2xx', '4xx', '429', '5xx'] as const).map((k) => [
      k,
      windows.reduce((n, l) => n + (typeof l[k] === 'number' ? (l[k] as number) : 0), 0),
    ]),
  ) as Record<'requests' | '2xx' | '4xx' | '429' | '5xx', number>;
  // Snapshots last: writing them takes memory of its own.
  process.kill(runtime.pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  let files: string[] = [];
  while (Date.now() < deadline) {
    files = fs.readdirSync(snapshotDir).filter((f) => f.endsWith('.heapsnapshot'));
    const log = fs.readFileSync(path.join(RESULTS_DIR, `bench-memory-${stamp}.server.log`), 'utf8');
    if (files.length === 2 && log.includes('heap snapshots written')) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const live = Object.fromEntries(
    files.map((f) => [f.startsWith('main-') ? 'main' : 'emulators', liveHeap(path.join(snapshotDir, f))]),
  );
  const result = {
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
    workload: { scenarios: 'load/scenarios.yml (stress profile settings)', arrivalRatePerSecond: rate, seconds },
    requests: {
      total: total.requests,
      '2xx': total['2xx'],
      '4xx': total['4xx'],
      '429': total['429'],
      '5xx': total['5xx'],
    },
    samples,
    atEnd: {
      ...atEnd,
      mainHeapUsedMb: lastMemory.heapUsed,
      mainHeapReservedMb: lastMemory.heapTotal,
      externalMb: lastMemory.external,
      emulatorHeapUsedMb: emulatorHeap?.emulatorHeapUsed,
      emulatorHeapReservedMb: emulatorHeap?.emulatorHeapReserved,
    },
    liveAfterGc: live,
  };
  const peak = Math.max(...samples.map((s) => s.rssMb), atEnd.rssMb);
  console.log(`${rate} users/s for ${seconds} s: ${total.requests} requests, 5xx ${total['5xx']}`);
  console.log(
    `RSS: start ${samples[0]?.rssMb} MB, peak ${peak} MB, end ${atEnd.rssMb} MB (anonymous ${atEnd.anonymousMb} MB)`,
  );
  console.log(
    `heaps at the end: main ${lastMemory.heapUsed} MB used of ${lastMemory.heapTotal} MB reserved, emulators ${emulatorHeap?.emulatorHeapUsed ?? '?'} MB used of ${emulatorHeap?.emulatorHeapReserved ?? '?'} MB reserved; alive after GC: main ${live.main?.liveMb ?? '?'} MB, emulators ${live.emulators?.liveMb ?? '?'} MB`,
  );
  if (!dry) {
    fs.mkdirSync(path.dirname(MEMORY_BENCH_FILE), { recursive: true });
    fs.writeFileSync(MEMORY_BENCH_FILE, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), MEMORY_BENCH_FILE)}`);
  }
} finally {
  await runtime.stop();
  fs.rmSync(snapshotDir, { recursive: true, force: true });
}
