/**
 * The password estimator's dictionaries (~430 KB) ride only in the function that sets
 * passwords, and only behind a dynamic import(), so no other function's code grows and
 * identity's split build keeps them in a lazy chunk, read only when a password is first checked
 * (test/infra/bundle-budget.test.ts checks the chunk).
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../lib/cdk/repo-paths';
import { functions } from '../../lib/definition';

const isEstimator = (path: string) => path.includes('@zxcvbn-ts/');

describe('the zxcvbn dictionaries in the bundles', () => {
  it('are bundled into identity alone, and reached only through a dynamic import()', async () => {
    // Act: the same resolution as the real bundling, without writing anything.
    const result = await build({
      entryPoints: Object.fromEntries(functions.map((fn) => [fn.name, fromRoot(fn.entry)])),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      external: ['@sentry/aws-serverless'],
      write: false,
      metafile: true,
      outdir: fromRoot('cdk.out/estimator-bundle-test-unused'),
      logLevel: 'silent',
    });

    // Assess: which function bundles carry the estimator...
    const carrying = Object.entries(result.metafile.outputs)
      .filter(([, output]) => Object.keys(output.inputs).some(isEstimator))
      .map(([file]) => /([\w-]+)\.js$/.exec(file)?.[1]);
    expect(carrying).toEqual(['identity']);
    // ...and how our own code reaches it.
    const fromOurCode = Object.entries(result.metafile.inputs)
      .filter(([file]) => !file.includes('node_modules'))
      .flatMap(([, input]) => input.imports.filter((i) => isEstimator(i.path)));
    expect(fromOurCode.length).toBeGreaterThan(0);
    expect([...new Set(fromOurCode.map((i) => i.kind))]).toEqual(['dynamic-import']);
  });
});
