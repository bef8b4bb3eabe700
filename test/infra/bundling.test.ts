import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  bundlingFor,
  CREDENTIAL_CHAIN,
  ENDPOINT_CACHE_LRU,
  LAMBDA_CREDENTIALS,
  LRU_CACHE,
  SENTRY_SDK,
} from '../../lib/cdk/house-function';
import { fromRoot } from '../../lib/cdk/repo-paths';
import { functions } from '../../lib/definition';
import { synthesize } from './synth';

const withoutSentry = synthesize('dev');
const withSentry = synthesize('dev', { context: { sentry: 'on' } });

describe('bundlingFor', () => {
  it('builds minified ESM for Node 24, with source maps but no sources, nothing external', () => {
    expect(bundlingFor()).toMatchObject({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      external: [],
    });
  });
});

describe('house functions', () => {
  it.each(functions)('$name is built the same with and without -c sentry=on', (fn) => {
    expect(withoutSentry.application.functions.get(fn.name)?.bundling).toEqual(bundlingFor());
    expect(withSentry.application.functions.get(fn.name)?.bundling).toEqual(bundlingFor());
  });
});

describe('the Sentry SDK in the bundles', () => {
  // Bundled everywhere, but reached only through import(): a lazy chunk no cold start reads
  // (test/infra/bundle-budget.test.ts checks the chunks themselves).
  it('is reached from our code only through a dynamic import()', async () => {
    // Act: the same resolution as the real bundling, without writing anything.
    const result = await build({
      entryPoints: functions.map((fn) => fromRoot(fn.entry)),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      external: [SENTRY_SDK],
      write: false,
      metafile: true,
      outdir: fromRoot('cdk.out/bundling-test-unused'),
      logLevel: 'silent',
    });
    // Assess
    const sentryImports = Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((imported) => imported.path === SENTRY_SDK);
    expect(sentryImports.length).toBeGreaterThan(0);
    expect([...new Set(sentryImports.map((imported) => imported.kind))]).toEqual(['dynamic-import']);
  });
});

describe('the credential chain', () => {
  it('aliases the SDK default chain to the environment-only provider in every bundle', () => {
    expect(bundlingFor().alias).toMatchObject({ [CREDENTIAL_CHAIN]: fromRoot(LAMBDA_CREDENTIALS) });
  });
  it("aliases mnemonist's LRU (the SDK endpoint cache's) to the Map-based one, and nothing else", () => {
    expect(bundlingFor().alias).toEqual({
      [CREDENTIAL_CHAIN]: fromRoot(LAMBDA_CREDENTIALS),
      [ENDPOINT_CACHE_LRU]: fromRoot(LRU_CACHE),
    });
  });
  it('leaves SSO, ini, process and metadata-service providers out of a bundle', async () => {
    const bundle = async (alias: Record<string, string>) => {
      const result = await build({
        entryPoints: [fromRoot('functions/contacts.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        mainFields: ['module', 'main'],
        external: [SENTRY_SDK],
        alias,
        minify: true,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      return { inputs, bytes: result.outputFiles[0]?.contents.length ?? 0 };
    };
    const full = await bundle({});
    const lean = await bundle({ [CREDENTIAL_CHAIN]: fromRoot(LAMBDA_CREDENTIALS) });
    for (const provider of ['credential-provider-ini', 'credential-provider-sso', 'credential-provider-process']) {
      expect(full.inputs.some((i) => i.includes(provider))).toBe(true);
      expect(lean.inputs.some((i) => i.includes(provider))).toBe(false);
    }
    expect(full.bytes - lean.bytes).toBeGreaterThan(50_000);
  });
});

describe('secret reading in the bundles', () => {
  // What reading secrets at run time costs: Powertools parameters and the Secrets Manager client.
  const SECRET_READING = ['@aws-lambda-powertools/parameters', '@aws-sdk/client-secrets-manager'];

  it('reaches only HTTP functions (the origin secret, the Sentry DSN) and those that seal link tokens or declare readsProviderSecrets, under 40 KB minified each', async () => {
    // Act: the same resolution and minification as the real bundling, without writing anything.
    const result = await build({
      entryPoints: Object.fromEntries(functions.map((fn) => [fn.name, fromRoot(fn.entry)])),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      external: [SENTRY_SDK],
      alias: { [CREDENTIAL_CHAIN]: fromRoot(LAMBDA_CREDENTIALS) },
      minify: true,
      write: false,
      metafile: true,
      outdir: fromRoot('cdk.out/bundling-test-unused'),
      logLevel: 'silent',
    });
    // Assess
    const secretBytes = (name: string) => {
      const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(`/${name}.js`))?.[1];
      expect(output, name).toBeDefined();
      return Object.entries(output?.inputs ?? {})
        .filter(([path]) => SECRET_READING.some((pkg) => path.includes(`node_modules/${pkg}/`)))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    };
    for (const fn of functions) {
      const bytes = secretBytes(fn.name);
      if (fn.kind === 'http' || fn.sealsLinkTokens || (fn.readsProviderSecrets ?? []).length > 0) {
        expect(bytes, fn.name).toBeGreaterThan(0);
        expect(bytes, fn.name).toBeLessThan(40_000);
      } else expect(bytes, fn.name).toBe(0);
    }
  });
});
