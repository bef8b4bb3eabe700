/**
 * How a function's code is built, for the stack and for everything that measures it: esbuild's
 * own API with code splitting, one build per function into its asset folder. `index.mjs` is the
 * handler; every `import()` in the code (ours or a library's) becomes a chunk under `chunks/`
 * that Node.js reads only when that import runs: the optional providers' SDKs, the password
 * estimator's dictionaries, the SDK's event-stream code. A chunk shared by the entry and a lazy
 * part is imported by both. HouseFunction builds with {@link buildFunctionBundleSync} inside CDK's
 * local bundling (no Docker); `npm run bench:cold` and the bundle budget test with
 * {@link buildFunctionBundles}: the same options, so the numbers are the deployed code's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, type BuildResult, build, buildSync, type Metafile } from 'esbuild';
import type { FunctionDeclaration } from '../definition';
import { fromRoot, repoRoot } from './repo-paths';

/**
 * The most a function may load at cold start: `index.mjs` and the chunks it imports statically
 * (KB = 1,000 bytes; source maps and lazy chunks are not counted).
 */
export const BUNDLE_BUDGET_BYTES = 300_000;
/** The most importing a bundle may add to a bare `node -e ""` (ms, median; `npm run bench:cold` only). */
export const COLD_IMPORT_BUDGET_MS = 100;

/** A function's esbuild options apart from where it reads and writes (see `bundlingFor`). */
export type FunctionBundling = Omit<
  BuildOptions,
  'entryPoints' | 'outdir' | 'outfile' | 'write' | 'metafile' | 'splitting' | 'absWorkingDir' | 'stdin'
>;

/** One function's build: `index.mjs` and its chunks in the function's asset folder. */
export interface FunctionBundle {
  readonly name: string;
  /** The `index.mjs` path (`<outdir>/<name>/index.mjs`). */
  readonly file: string;
  /** What a cold start reads: `index.mjs` and the chunks it imports statically. The budget. */
  readonly bytes: number;
  /** Chunks read only when an `import()` runs, each with the bytes it weighs. */
  readonly lazy: ReadonlyArray<{ readonly chunk: string; readonly bytes: number; readonly sources: string }>;
  /** Bytes of every `.map` (0 without source maps): shipped, read only to map a logged stack. */
  readonly mapBytes: number;
  /** esbuild's metafile outputs read at cold start: every input and the bytes it left in them. */
  readonly eager: ReadonlyArray<Metafile['outputs'][string]>;
  readonly metafile: Metafile;
}

/** The whole build of `entry` into `outdir` (the asset folder), split at every `import()`. */
export function functionBuildOptions(
  bundling: FunctionBundling,
  entry: string,
  outdir: string,
  write: boolean,
): BuildOptions & { metafile: true } {
  if (bundling.format !== 'esm') throw new Error('function-bundles: code splitting needs ESM output');
  return {
    ...bundling,
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    absWorkingDir: repoRoot,
    write,
    metafile: true,
    logLevel: 'warning',
  };
}

/** What CDK's local bundling runs: the function's build, written to `outdir`. */
export function buildFunctionBundleSync(bundling: FunctionBundling, entry: string, outdir: string): void {
  const result = buildSync(functionBuildOptions(bundling, entry, outdir, true));
  if (result.errors.length > 0) throw new Error(`esbuild failed for ${entry}`);
}

/**
 * Builds each function as the stack does, into `outdir/<name>/` (`write: false` keeps the files
 * in memory: sizes and metafiles only).
 */
export async function buildFunctionBundles(options: {
  readonly functions: readonly FunctionDeclaration[];
  readonly bundling: FunctionBundling;
  readonly outdir: string;
  readonly write: boolean;
}): Promise<{ readonly bundles: FunctionBundle[] }> {
  const bundles = await Promise.all(
    options.functions.map(async (fn) => {
      const dir = join(options.outdir, fn.name);
      const result = await build(functionBuildOptions(options.bundling, fromRoot(fn.entry), dir, options.write));
      return bundleOf(fn.name, dir, result);
    }),
  );
  return { bundles };
}

/**
 * A bundle of `contents` (TypeScript resolved from the repository root) with the same options:
 * what a library costs on its own, as a reference beside the functions (`npm run bench:cold`).
 */
export async function buildReferenceBundle(options: {
  readonly name: string;
  readonly contents: string;
  readonly bundling: FunctionBundling;
  readonly outdir: string;
}): Promise<FunctionBundle> {
  const dir = join(options.outdir, options.name);
  // Splitting needs an entry file: the contents, their `./` imports (and side-effect imports) resolved from the repository root.
  const entry = join(options.outdir, `${options.name.replace(/[^\w-]+/g, '-')}.ts`);
  mkdirSync(options.outdir, { recursive: true });
  writeFileSync(entry, options.contents.replace(/(from |import )'\.\//g, `$1'${repoRoot}/`));
  const result = await build(functionBuildOptions(options.bundling, entry, dir, true));
  return bundleOf(options.name, dir, result);
}

function bundleOf(name: string, dir: string, result: BuildResult<{ metafile: true }>): FunctionBundle {
  const { outputs } = result.metafile;
  const entry = Object.keys(outputs).find((path) => path.endsWith('/index.mjs') || path === 'index.mjs');
  if (!entry) throw new Error(`function-bundles: esbuild wrote no index.mjs for ${name}`);
  const eager = staticClosure(outputs, entry);
  const code = Object.entries(outputs).filter(([path]) => path.endsWith('.mjs'));
  const lazy = code
    .filter(([path]) => !eager.has(path))
    .map(([path, output]) => ({
      chunk: path.slice(path.lastIndexOf('/') + 1),
      bytes: output.bytes,
      sources: topSources(output.inputs, 2),
    }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    name,
    file: join(dir, 'index.mjs'),
    bytes: [...eager].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0),
    lazy,
    mapBytes: Object.entries(outputs)
      .filter(([path]) => path.endsWith('.map'))
      .reduce((sum, [, output]) => sum + output.bytes, 0),
    eager: [...eager].map((path) => outputs[path] as Metafile['outputs'][string]),
    metafile: result.metafile,
  };
}

/** `entry` and every output it reaches through static imports: what loading it reads. */
function staticClosure(outputs: Metafile['outputs'], entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) stack.push(imported.path);
    }
  }
  return seen;
}

/**
 * What fills the code a cold start reads, grouped: an npm package (`@smithy/core`, `zod`) or a
 * folder of this repo two levels deep (`shared/http`, `lib/definition`), biggest first.
 */
export function contributors(bundle: FunctionBundle): Array<{ readonly source: string; readonly bytes: number }> {
  return grouped(bundle.eager.flatMap((output) => Object.entries(output.inputs)));
}

function grouped(inputs: ReadonlyArray<[string, { bytesInOutput: number }]>) {
  const totals = new Map<string, number>();
  for (const [path, input] of inputs) {
    const source = sourceOf(path);
    totals.set(source, (totals.get(source) ?? 0) + input.bytesInOutput);
  }
  return [...totals]
    .map(([source, bytes]) => ({ source, bytes }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

function topSources(inputs: Metafile['outputs'][string]['inputs'], count: number): string {
  return grouped(Object.entries(inputs))
    .slice(0, count)
    .map((c) => c.source)
    .join(', ');
}

function sourceOf(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return pkg;
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path;
}
