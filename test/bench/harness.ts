/**
 * What every benchmark script shares: the local runtime started in this process (temporary
 * DATA_DIR, rate limits off, seeding on), a signed-up user, timing helpers and the result
 * record bin/bench.ts turns into docs/BENCHMARKS.md.
 *
 * Latencies are wall-clock times of real HTTP requests (fetch -> node:http host -> the
 * function -> the emulators), taken with `performance.now()` around each request. The
 * client runs in the same process as the runtime, as `npm start` plus a local client would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type Runtime, startRuntime } from '../../lib/local/runtime';
import { newUser, type TestUser } from '../support/identity';

export interface Metric {
  readonly label: string;
  readonly value: number;
  readonly unit: 'ms' | 's' | 'req/s' | 'rows/s' | 'items/s' | 'emails/s' | 'count';
  /** e.g. `< 50 ms`; `pass` says whether the value met it. */
  readonly target?: string;
  readonly pass?: boolean;
}

export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export interface BenchResult {
  /** File stem, e.g. `contacts-list`. */
  readonly name: string;
  readonly title: string;
  /** What was done, in one paragraph. */
  readonly method: string;
  readonly metrics: readonly Metric[];
  /** Latency distributions by label, in ms. */
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** DynamoDB calls the functions made, by label (e.g. `per list request`). */
  readonly calls?: Readonly<Record<string, CallCounts>>;
  /** Findings and caveats, one per paragraph (measured numbers, bottlenecks, cloud estimates). */
  readonly notes: readonly string[];
  readonly durationSeconds: number;
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`;

/** One progress line on stderr (stdout stays free for the result when run alone). */
export function progress(message: string): void {
  process.stderr.write(`[bench ${elapsed()}] ${message}\n`);
}

/** DynamoDB calls the functions made, by operation (`GetItem`, `Query`, `TransactWriteItems`...). */
export type CallCounts = Record<string, number>;

export interface BenchContext {
  runtime: Runtime;
  /** The functions' DynamoDB calls so far (the module-scope client they all share). */
  dynamoCalls(): CallCounts;
  /** The same, keyed `<function> <operation>` (`client` for calls outside a function: the bench's own). */
  dynamoCallsByFunction(): CallCounts;
  user: TestUser;
  /** A DocumentClient on the runtime's DynamoDB emulator (seeding, raw baselines). */
  db: DynamoDBDocumentClient;
  dataDir: string;
  /** Runtime log lines (printed only with BENCH_VERBOSE=1). */
  lines: string[];
  stop(): Promise<void>;
}

/**
 * Starts the local runtime in this process on a fresh temporary DATA_DIR, with rate limits
 * off (a benchmark is one client sending thousands of requests) and the functions logging
 * warnings only (a JSON line per request on a terminal would be measured too), then signs
 * up a user through the public routes.
 */
export async function startBench(label: string, env: Readonly<Record<string, string>> = {}): Promise<BenchContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `uh-bench-${label}-`));
  const lines: string[] = [];
  progress(`starting the local runtime (DATA_DIR ${dataDir})`);
  const runtime = await startRuntime({
    port: 0,
    dataDir,
    seed: true,
    env: { RATE_LIMITS: 'off', LOG_LEVEL: 'WARN', ...env },
    log: (line) => {
      lines.push(line);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`${line}\n`);
    },
  });
  const user = await newUser(runtime, label);
  progress(`runtime at ${runtime.url}; signed up ${user.email} (workspace ${user.workspaceId})`);
  const counts: CallCounts = {};
  const byFunction: CallCounts = {};
  // The same module instances the functions and the function host use: count each call they
  // send, in all and by the function whose invocation sent it.
  const { dynamodb } = await import('../../shared/aws/dynamodb');
  const { currentInvocation } = await import('../../lib/local/function-host');
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      const key = `${currentInvocation()?.functionName ?? 'client'} ${operation}`;
      byFunction[key] = (byFunction[key] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  const raw = new DynamoDBClient({ ...localClientConfig(runtime.endpoints.dynamodb), maxAttempts: 8 });
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    runtime,
    dynamoCalls: () => ({ ...counts }),
    dynamoCallsByFunction: () => ({ ...byFunction }),
    user,
    db,
    dataDir,
    lines,
    async stop() {
      raw.destroy();
      await runtime.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headers of a request from the bench user (session cookie, CSRF double submit). */
export function headers(user: TestUser, contentType = 'application/json'): Record<string, string> {
  return { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': contentType };
}

/** Calls per request between two snapshots of {@link BenchContext.dynamoCalls}, e.g. `{ GetItem: 2, Query: 1 }`. */
export function callsPer(before: CallCounts, after: CallCounts, requests: number): CallCounts {
  const out: CallCounts = {};
  for (const [op, n] of Object.entries(after)) {
    const per = Math.round(((n - (before[op] ?? 0)) / requests) * 100) / 100;
    if (per > 0) out[op] = per;
  }
  return out;
}

export const formatCalls = (calls: CallCounts): string =>
  Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${n} × ${op}`)
    .join(', ') || 'none';

/** Runs `fn` and returns its result and duration in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/**
 * Runs `fn` and returns its duration and the CPU this process used meanwhile, in cores
 * (1 = one core busy the whole time; LevelDB's native work on libuv threads can add to it).
 * The runtime's functions, its HTTP host and the client share this process's main thread and
 * the emulators run on a worker thread, so a value near 2 means both threads are busy.
 */
export async function withCpu<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; cpu: number }> {
  const before = process.cpuUsage();
  const { value, ms } = await timed(fn);
  const used = process.cpuUsage(before);
  return { value, ms, cpu: Math.round(((used.user + used.system) / 1000 / ms) * 100) / 100 };
}

/** Nearest-rank percentiles of a sample, in its unit. */
export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    p50: round(rank(50) as number),
    p95: round(rank(95) as number),
    p99: round(rank(99) as number),
    mean: round(sorted.reduce((s, n) => s + n, 0) / sorted.length),
    min: round(sorted[0] as number),
    max: round(sorted[sorted.length - 1] as number),
  };
}

/** Bounded concurrency, the product's own (results in input order). */
export { mapLimit } from '../../shared/resilience/map-limit';

/**
 * Hands the result to bin/bench.ts (the file in BENCH_RESULT_FILE), or prints it when the
 * script runs on its own (`npx tsx test/bench/<name>.bench.ts`).
 */
export function report(result: BenchResult): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** Runs a benchmark script's body, stops the runtime, and exits (open sockets would keep it alive). */
export async function runBench(
  label: string,
  body: (ctx: BenchContext) => Promise<BenchResult>,
  /** Extra environment for the functions (read once, when they load). */
  env: Readonly<Record<string, string>> = {},
): Promise<never> {
  let ctx: BenchContext | undefined;
  let code = 0;
  try {
    ctx = await startBench(label, env);
    report(await body(ctx));
  } catch (error) {
    progress(`FAILED: ${(error as Error).stack ?? String(error)}`);
    if (ctx && !process.env.BENCH_VERBOSE) process.stderr.write(`${ctx.lines.slice(-40).join('\n')}\n`);
    code = 1;
  } finally {
    await ctx?.stop().catch((error: Error) => progress(`stop failed: ${error.message}`));
  }
  process.exit(code);
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
