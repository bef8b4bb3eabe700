/**
 * `npm run bench:cold`: every function's bundle, built as the stack builds it, and what loading
 * it costs a fresh Node.js process.
 *
 *   npm run bench:cold                 build, time, print the table, write docs/bench/cold-start.json
 *                                      and the table in docs/PERFORMANCE_BASELINES.md
 *   npm run bench:cold -- --sizes      build and print sizes only (no timing, writes nothing)
 *   npm run bench:cold -- --runs 9     more processes per median (default 5)
 *   npm run bench:cold -- --dry        time and print, write nothing (for comparisons)
 *   npm run bench:cold -- --node-options=""   time with other NODE_OPTIONS than the stack's
 *                                      (e.g. without --enable-source-maps); implies --dry
 *   npm run bench:cold -- --out=docs/bench/x.json   write the summary there (and not the doc's table)
 *
 * - Options and environment come from the synthesized stack (`buildApp`, stage dev, no
 *   Sentry DSN, no esbuild inside the synth): each function's own `bundling` (from `bundlingFor`)
 *   is built as the stack builds it (lib/cdk/function-bundles.ts, split at every `import()`),
 *   into cdk.out/bench-cold/<name>/.
 * - Size = what a cold start reads: `index.mjs` and the chunks it imports statically. The lazy
 *   chunks (read when their `import()` runs) are listed beside it, not counted.
 * - Cold import = median wall time of `node --input-type=module -e "await import(<bundle>)"`
 *   minus the median of a bare `node -e`, each run `--runs` times, interleaved round by round,
 *   both with the function's environment from the template (its NODE_OPTIONS included: the stack
 *   sets none), token values replaced by placeholders of the same shape. Each
 *   child also prints its own CPU time (the same difference is reported beside the wall time):
 *   other processes on the machine move it far less than the wall time.
 * - `(ref)` rows: one-line entries (zod, the DynamoDB document client) built and timed the same
 *   way, to show the floor every function stands on; not part of the verdict.
 * - Budgets: BUNDLE_BUDGET_BYTES and COLD_IMPORT_BUDGET_MS (lib/cdk/function-bundles.ts).
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '../lib/cdk/build-app';
import {
  BUNDLE_BUDGET_BYTES,
  buildFunctionBundles,
  buildReferenceBundle,
  COLD_IMPORT_BUDGET_MS,
  contributors,
  type FunctionBundle,
} from '../lib/cdk/function-bundles';
import { fromRoot } from '../lib/cdk/repo-paths';
import { TRACKING_KEY_SECRET_ID_ENV } from '../lib/cdk/tracking-key';
import { gitCommit } from '../load/common/git';

const args = process.argv.slice(2);
const sizesOnly = args.includes('--sizes');
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of processes, e.g. --runs 9');
const nodeOptions = args.find((a) => a.startsWith('--node-options='))?.slice('--node-options='.length);
const out = args.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const dry = (args.includes('--dry') || nodeOptions !== undefined) && out === undefined;
const command = `npm run bench:cold${args.length ? ` -- ${args.join(' ')}` : ''}`;
const outdir = fromRoot('cdk.out/bench-cold');
const summaryFile = out ? path.resolve(out) : fromRoot('docs/bench/cold-start.json');
const docFile = fromRoot('docs/PERFORMANCE_BASELINES.md');
const TOP = 5;

/**
 * The child's own CPU time (all its threads, user + system) when it is done: unlike wall time,
 * barely moved by other processes on the machine, so a loaded machine still gives a usable number.
 */
const CPU_REPORT = 'const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000));';

/** Reference bundles (not functions): the floor every function stands on. */
const REFERENCES: Record<string, string> = {
  '(ref) zod/mini':
    "import './shared/zod-locale'; import * as z from 'zod/mini'; export const parse = (v: unknown) => z.object({ id: z.string() }).parse(v);",
  '(ref) DynamoDB document client': "export { documents } from './shared/aws/dynamodb';",
  '(ref) both':
    "export { documents } from './shared/aws/dynamodb'; import './shared/zod-locale'; import * as z from 'zod/mini'; export const parse = (v: unknown) => z.object({ id: z.string() }).parse(v);",
};

const commit = gitCommit();
const started = new Date();
const loadBefore = os.loadavg();

// The stack as `cdk synth` builds it, minus esbuild: each function's bundling and environment.
const built = buildApp({ stage: 'dev', bundle: false, nag: false });
const template = built.app.synth().getStackByName(built.application.stackName).template as {
  Resources: Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
};
const houseFunctions = [...built.application.functions.values()];

rmSync(outdir, { recursive: true, force: true });
const bundles: FunctionBundle[] = [];
const t0 = performance.now();
for (const group of groupByBundling(houseFunctions)) {
  bundles.push(
    ...(
      await buildFunctionBundles({
        functions: group.map((fn) => fn.declaration),
        bundling: group[0]?.bundling ?? {},
        outdir,
        write: true,
      })
    ).bundles,
  );
}
const buildMs = performance.now() - t0;
// Not functions: what the libraries every function loads cost alone, with the same options.
const references: FunctionBundle[] = [];
for (const [name, contents] of Object.entries(REFERENCES)) {
  references.push(await buildReferenceBundle({ name, contents, bundling: houseFunctions[0]?.bundling ?? {}, outdir }));
}

const envOf = new Map<string, Record<string, string>>(
  houseFunctions.map((fn) => [fn.declaration.name, lambdaEnvironment(fn)]),
);
const referenceEnv = envOf.values().next().value ?? {};
// Beside each bundle, the environment it was timed with: `npm run bench:cold -- --sizes`, then
// `env -i $(jq -r 'to_entries[] | "\(.key)=\(.value)"' cdk.out/bench-cold/contacts.env.json)
// node --cpu-prof --input-type=module -e "await import('./cdk.out/bench-cold/contacts/index.mjs')"`
// profiles one cold import as the benchmark runs it.
for (const [name, env] of envOf)
  writeFileSync(path.join(outdir, `${name}.env.json`), `${JSON.stringify(env, null, 2)}\n`);
const timing = sizesOnly
  ? undefined
  : timeImports([...bundles, ...references], (name) => envOf.get(name) ?? referenceEnv);

const rowOf = (bundle: FunctionBundle) => {
  const measured = timing?.medians.get(bundle.name);
  const coldImportMs = timing && measured ? round(measured.wall - timing.bare.wall) : undefined;
  const coldImportCpuMs = timing && measured ? round(measured.cpu - timing.bare.cpu) : undefined;
  return {
    name: bundle.name,
    bytes: bundle.bytes,
    lazyBytes: bundle.lazy.reduce((sum, c) => sum + c.bytes, 0),
    lazy: bundle.lazy.map((c) => ({ bytes: c.bytes, sources: c.sources })),
    mapBytes: bundle.mapBytes,
    ...(coldImportMs === undefined ? {} : { coldImportMs, coldImportCpuMs }),
    top: contributors(bundle)
      .slice(0, TOP)
      .map((c) => ({ source: c.source, bytes: c.bytes })),
  };
};
const rows = bundles.map(rowOf);
const referenceRows = references.map(rowOf);
const passes = (r: (typeof rows)[number]) =>
  r.bytes <= BUNDLE_BUDGET_BYTES && (r.coldImportMs === undefined || r.coldImportMs <= COLD_IMPORT_BUDGET_MS);
const verdict = rows.every(passes) ? 'PASS' : 'FAIL';

const summary = {
  command,
  commit,
  at: started.toISOString(),
  machine: {
    cpu: `${os.cpus()[0]?.model.trim() ?? 'unknown'} x ${os.cpus().length}`,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    loadAverageBefore: loadBefore.map((n) => Number(n.toFixed(2))),
    loadAverageAfter: os.loadavg().map((n) => Number(n.toFixed(2))),
  },
  method: {
    build:
      'esbuild API with each function’s bundling from the synthesized dev stack (no Sentry DSN), split at every import(); bytes = index.mjs and the chunks it imports statically (what a cold start reads), lazy = chunks read only when their import() runs',
    coldImport: `median of ${runs} \`node --input-type=module -e "await import(bundle)"\` minus median of ${runs} bare \`node -e\`, both then printing their own CPU time, interleaved, with the function's environment (NODE_OPTIONS ${JSON.stringify(envOf.values().next().value?.NODE_OPTIONS ?? '')}); coldImportMs is wall time (the budget), coldImportCpuMs the child's CPU time (all threads)`,
  },
  budgets: { bundleBytes: BUNDLE_BUDGET_BYTES, coldImportMs: COLD_IMPORT_BUDGET_MS },
  buildMs: Math.round(buildMs),
  ...(timing ? { bareNodeMs: round(timing.bare.wall), bareNodeCpuMs: round(timing.bare.cpu) } : {}),
  verdict,
  functions: rows,
  references: referenceRows,
};

const table = renderTable(summary);
console.log(`${command} at ${commit ?? 'unknown commit'}: ${rows.length} bundles built in ${summary.buildMs} ms`);
if (timing) {
  console.log(`bare node: ${round(timing.bare.wall)} ms wall, ${round(timing.bare.cpu)} ms CPU (median of ${runs})`);
}
console.log(`\n${table}\n`);
for (const r of rows) console.log(`${r.name}: ${r.top.map((c) => `${c.source} ${kb(c.bytes)}`).join(', ')}`);
console.log(
  `\n${verdict}: every bundle <= ${kb(BUNDLE_BUDGET_BYTES)} and <= ${COLD_IMPORT_BUDGET_MS} ms over bare node`,
);

if (!sizesOnly && !dry) {
  mkdirSync(path.dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  if (!out) writeDocTable(table);
  console.log(
    `wrote ${path.relative(fromRoot('.'), summaryFile)}${out ? '' : ' and the table in docs/PERFORMANCE_BASELINES.md'}`,
  );
}
process.exitCode = verdict === 'PASS' ? 0 : 1;

type HouseFn = (typeof houseFunctions)[number];

/** Functions with identical bundling share one esbuild call (today: all of them). */
function groupByBundling(fns: HouseFn[]): HouseFn[][] {
  const groups = new Map<string, HouseFn[]>();
  for (const fn of fns) {
    const key = JSON.stringify(fn.bundling);
    groups.set(key, [...(groups.get(key) ?? []), fn]);
  }
  return [...groups.values()];
}

/**
 * The function's variables from the template, as Lambda would set them: CloudFormation values
 * (queue URLs, ARNs, secrets) become placeholders of the same shape, plus what Lambda adds.
 */
function lambdaEnvironment(fn: HouseFn): Record<string, string> {
  const id = built.application.getLogicalId(fn.function.node.defaultChild as CfnFunction);
  const variables = template.Resources[id]?.Properties.Environment?.Variables ?? {};
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: `unite-hub-dev-${fn.declaration.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.declaration.memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_ACCESS_KEY_ID: 'AKIDPLACEHOLDER',
    AWS_SECRET_ACCESS_KEY: 'placeholder',
    AWS_SESSION_TOKEN: 'placeholder',
  };
  for (const [name, value] of Object.entries(variables)) {
    // The tracking secret is read from Secrets Manager when the function loads: a network call this
    // offline benchmark cannot make. In the cloud it adds one GetSecretValue to the cold start of the
    // functions that seal link tokens, which these times do not include; a placeholder value stands
    // for the one it would have read.
    if (name === TRACKING_KEY_SECRET_ID_ENV) {
      env.TRACKING_KEY = 'placeholder-tracking-key'.padEnd(64, '-');
      continue;
    }
    if (typeof value === 'string') env[name] = value;
    else if (name.endsWith('_URL')) env[name] = `https://placeholder.invalid/${name.toLowerCase()}`;
    else if (name.endsWith('_ARN')) env[name] = `arn:aws:iam::000000000000:role/${name.toLowerCase()}`;
    else env[name] = `placeholder-${name.toLowerCase()}`.padEnd(48, '-');
  }
  // `--node-options=...` replaces the stack's NODE_OPTIONS, or adds one where the stack sets none.
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  return env;
}

/** Interleaved rounds (bare node, then every bundle) so load drifting over the run hits all alike. */
function timeImports(all: FunctionBundle[], env: (name: string) => Record<string, string>) {
  const bare: Sample[] = [];
  const samples = new Map<string, Sample[]>(all.map((b) => [b.name, []]));
  const first = all[0];
  for (let round = 0; round < runs; round++) {
    bare.push(timeNode(['-e', CPU_REPORT], first ? env(first.name) : {}));
    for (const bundle of all) {
      const url = pathToFileURL(bundle.file).href;
      const code = `await import(${JSON.stringify(url)}); ${CPU_REPORT}`;
      samples.get(bundle.name)?.push(timeNode(['--input-type=module', '-e', code], env(bundle.name)));
    }
  }
  const medianOf = (list: Sample[]) => ({ wall: median(list.map((s) => s.wall)), cpu: median(list.map((s) => s.cpu)) });
  return { bare: medianOf(bare), medians: new Map([...samples].map(([name, list]) => [name, medianOf(list)])) };
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

function timeNode(nodeArgs: string[], env: Record<string, string>): Sample {
  const start = performance.now();
  const run = spawnSync(process.execPath, nodeArgs, { env, cwd: os.tmpdir(), encoding: 'utf8' });
  const wall = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} failed (${run.status}):\n${run.stderr}`);
  const cpu = Number(run.stdout.trim().split(/\s+/).at(-1));
  if (!Number.isFinite(cpu)) throw new Error(`node ${nodeArgs.join(' ')} printed no CPU time: ${run.stdout}`);
  return { wall, cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(0)} KB`;
}

function renderTable(s: typeof summary): string {
  const lines = [
    `\`${s.command}\` at \`${s.commit ?? 'unknown'}\`, ${s.at.slice(0, 16).replace('T', ' ')} UTC, ${s.machine.cpu}, Node.js ${s.machine.node}` +
      (s.bareNodeMs === undefined ? '' : `; bare node ${s.bareNodeMs} ms wall, ${s.bareNodeCpuMs} ms CPU`) +
      `; load average ${s.machine.loadAverageBefore[0]} before, ${s.machine.loadAverageAfter[0]} after` +
      `. KB = 1,000 bytes; budgets ${kb(s.budgets.bundleBytes)} and ${s.budgets.coldImportMs} ms: **${s.verdict}**.`,
    '',
    '| function | read at cold start | lazy chunks (not counted) | .map (not counted) | cold import over bare node (wall) | its CPU time | biggest contributors at cold start |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...[...s.functions, ...s.references].map((r) => {
      const size = r.bytes <= s.budgets.bundleBytes ? kb(r.bytes) : `**${kb(r.bytes)}**`;
      const ms =
        r.coldImportMs === undefined
          ? '-'
          : r.coldImportMs <= s.budgets.coldImportMs
            ? `${r.coldImportMs} ms`
            : `**${r.coldImportMs} ms**`;
      const top = r.top
        .slice(0, 3)
        .map((c) => `${c.source} ${kb(c.bytes)}`)
        .join(', ');
      const cpu = r.coldImportCpuMs === undefined ? '-' : `${r.coldImportCpuMs} ms`;
      const lazy = r.lazy
        .filter((c) => c.bytes >= 1000)
        .slice(0, 3)
        .map((c) => `${c.sources} ${kb(c.bytes)}`)
        .join(', ');
      return `| ${r.name} | ${size} | ${r.lazyBytes ? `${kb(r.lazyBytes)}${lazy ? ` (${lazy})` : ''}` : '-'} | ${kb(r.mapBytes)} | ${ms} | ${cpu} | ${top} |`;
    }),
  ];
  return lines.join('\n');
}

/** Replaces the table between the `cold-start` markers (inside the hand-kept findings, so `load:report` keeps it). */
function writeDocTable(table: string): void {
  const doc = readFileSync(docFile, 'utf8');
  const marked = /<!-- cold-start -->[\s\S]*?<!-- \/cold-start -->/;
  if (!marked.test(doc)) {
    console.warn('docs/PERFORMANCE_BASELINES.md has no <!-- cold-start --> markers: table not written there');
    return;
  }
  writeFileSync(docFile, doc.replace(marked, `<!-- cold-start -->\n${table}\n<!-- /cold-start -->`));
}
