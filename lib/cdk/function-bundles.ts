/**
 * The function bundles exactly as the stack builds them, without a synth: esbuild's own API
 * with the options NodejsFunction turns a function's `BundlingOptions` into (aws-cdk-lib,
 * aws-lambda-nodejs/lib/bundling.js, `buildEsbuildArgs`: the entry, `--bundle`,
 * `--platform=node`, `--outfile=<asset>/index.mjs`, then one flag per option). One esbuild call
 * for all entries: without code splitting esbuild builds each entry on its own, as the stack's
 * one call per function does. Read by `npm run bench:cold` and the bundle budget test.
 */
import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import type { FunctionDeclaration } from '../definition';
import { fromRoot, repoRoot } from './repo-paths';

/** The most a function's `index.mjs` may weigh (KB = 1,000 bytes; the source map is not counted). */
export const BUNDLE_BUDGET_BYTES = 300_000;
/** The most importing a bundle may add to a bare `node -e ""` (ms, median; `npm run bench:cold` only). */
export const COLD_IMPORT_BUDGET_MS = 100;

/** One function's bundle: `index.mjs` in its asset folder, as Lambda loads it. */
export interface FunctionBundle {
  readonly name: string;
  /** The `index.mjs` path (under the build's outdir, `<name>/index.mjs`). */
  readonly file: string;
  /** Bytes of `index.mjs`: what the budget counts and the runtime reads at cold start. */
  readonly bytes: number;
  /** Bytes of `index.mjs.map` (0 without source maps): shipped, read only with --enable-source-maps. */
  readonly mapBytes: number;
  /** esbuild's metafile entry of `index.mjs`: every input and the bytes it left in the output. */
  readonly output: Metafile['outputs'][string];
}

/** The BundlingOptions keys this translation knows; any other key set fails the build, not the numbers. */
const KNOWN = new Set([
  'forceDockerBundling',
  'format',
  'mainFields',
  'target',
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'bundleAwsSDK',
  'externalModules',
  'banner',
  'footer',
  'define',
  'loader',
  'keepNames',
  'inject',
  'esbuildArgs',
]);

/**
 * The esbuild options of a NodejsFunction with `bundling` (apart from entry and outfile).
 * `externalModules` is always set by `bundlingFor`, so the SDK-related defaults never apply;
 * it is required here rather than guessed.
 */
export function esbuildOptionsFor(bundling: BundlingOptions): BuildOptions {
  const unknown = Object.keys(bundling).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`function-bundles: no esbuild translation for ${unknown.join(', ')}`);
  if (!bundling.externalModules) throw new Error('function-bundles: bundling must name its externalModules');
  if (!bundling.target) throw new Error('function-bundles: bundling must name its target');
  const mapMode = bundling.sourceMapMode ?? 'default';
  const sourceMap = bundling.sourceMapMode !== undefined || bundling.sourceMap === true;
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    ...(bundling.format ? { format: bundling.format as 'esm' | 'cjs' } : {}),
    minify: bundling.minify === true,
    ...(sourceMap ? { sourcemap: mapMode === 'default' ? true : (mapMode as 'inline' | 'external' | 'both') } : {}),
    ...(bundling.sourcesContent === false ? { sourcesContent: false } : {}),
    external: [...bundling.externalModules],
    ...(bundling.loader ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: bundling.define } : {}),
    ...(bundling.keepNames ? { keepNames: true } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields ? { mainFields: bundling.mainFields } : {}),
    ...(bundling.inject ? { inject: bundling.inject } : {}),
    ...(bundling.esbuildArgs ? { alias: aliasesOf(bundling.esbuildArgs) } : {}),
  };
}

/** `--alias:name=path` arguments (the only extra arguments the stack passes) as esbuild's `alias`. */
function aliasesOf(args: NonNullable<BundlingOptions['esbuildArgs']>): Record<string, string> {
  const alias: Record<string, string> = {};
  for (const [flag, value] of Object.entries(args)) {
    const name = /^--alias:(.+)$/.exec(flag)?.[1];
    if (!name || typeof value !== 'string') throw new Error(`function-bundles: no translation for esbuild ${flag}`);
    alias[name] = value;
  }
  return alias;
}

/**
 * Builds every function's bundle with `bundling`, into `outdir/<name>/index.mjs` (+ `.map`).
 * `write: false` keeps the files in memory (sizes and metafile only). The metafile is the whole
 * build's: every input with its imports and their kind (`import-statement`, `dynamic-import`).
 */
export async function buildFunctionBundles(options: {
  readonly functions: readonly FunctionDeclaration[];
  readonly bundling: BundlingOptions;
  readonly outdir: string;
  readonly write: boolean;
}): Promise<{ readonly bundles: FunctionBundle[]; readonly metafile: Metafile }> {
  const result = await build({
    ...esbuildOptionsFor(options.bundling),
    entryPoints: Object.fromEntries(options.functions.map((fn) => [`${fn.name}/index`, fromRoot(fn.entry)])),
    outdir: options.outdir,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: repoRoot,
    write: options.write,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const byPath = (suffix: string) => Object.entries(outputs).find(([path]) => path.endsWith(suffix))?.[1];
  const bundles = options.functions.map((fn) => {
    const output = byPath(`/${fn.name}/index.mjs`);
    if (!output) throw new Error(`function-bundles: esbuild wrote no bundle for ${fn.name}`);
    return {
      name: fn.name,
      file: join(options.outdir, fn.name, 'index.mjs'),
      bytes: output.bytes,
      mapBytes: byPath(`/${fn.name}/index.mjs.map`)?.bytes ?? 0,
      output,
    };
  });
  return { bundles, metafile: result.metafile };
}

/**
 * A bundle of `contents` (TypeScript resolved from the repository root) with the same options:
 * what a library costs on its own, as a reference beside the functions (`npm run bench:cold`).
 */
export async function buildReferenceBundle(options: {
  readonly name: string;
  readonly contents: string;
  readonly bundling: BundlingOptions;
  readonly outdir: string;
}): Promise<FunctionBundle> {
  const file = join(options.outdir, options.name, 'index.mjs');
  const result = await build({
    ...esbuildOptionsFor(options.bundling),
    stdin: { contents: options.contents, resolveDir: repoRoot, loader: 'ts', sourcefile: `${options.name}.ts` },
    outfile: file,
    absWorkingDir: repoRoot,
    write: true,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const output = outputs.find(([path]) => path.endsWith('.mjs'))?.[1];
  if (!output) throw new Error(`function-bundles: esbuild wrote no bundle for ${options.name}`);
  return {
    name: options.name,
    file,
    bytes: output.bytes,
    mapBytes: outputs.find(([path]) => path.endsWith('.mjs.map'))?.[1].bytes ?? 0,
    output,
  };
}

/**
 * What fills a bundle, grouped: an npm package (`@smithy/core`, `zod`) or a folder of this repo
 * two levels deep (`shared/http`, `lib/definition`), biggest first.
 */
export function contributors(bundle: FunctionBundle): Array<{ readonly source: string; readonly bytes: number }> {
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(bundle.output.inputs)) {
    const source = sourceOf(path);
    totals.set(source, (totals.get(source) ?? 0) + input.bytesInOutput);
  }
  return [...totals]
    .map(([source, bytes]) => ({ source, bytes }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

function sourceOf(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return pkg;
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path;
}
