/**
 * What `cdk synth` puts in a function's asset is the split build the budget test and
 * `npm run bench:cold` measure: the same files, `index.mjs` with its chunks. Runs CDK's real
 * asset bundling (local esbuild, no Docker) for one function.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunctionBundles } from '../../lib/cdk/function-bundles';
import { bundlingFor, functionCode } from '../../lib/cdk/house-function';
import { fromRoot } from '../../lib/cdk/repo-paths';
import { functionNamed } from '../../lib/definition';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'function-code-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under `dir`, relative, sorted. */
const filesOf = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();

describe('a function asset', () => {
  it('is the split build: index.mjs, its chunks and their maps, byte for byte what the measurements build', async () => {
    // Arrange: identity has lazy parts (the password estimator, the SES client).
    const declaration = functionNamed('identity');
    const bundling = bundlingFor();
    const app = new App({ outdir: path.join(scratch, 'cdk.out') });
    const stack = new Stack(app, 'Probe');
    new LambdaFunction(stack, 'Fn', {
      code: functionCode(fromRoot(declaration.entry), bundling),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
    });

    // Act
    const assembly = app.synth();
    const measured = await buildFunctionBundles({
      functions: [declaration],
      bundling,
      outdir: path.join(scratch, 'measured'),
      write: true,
    });

    // Assess
    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const asset = path.join(assembly.directory, assets[0] as string);
    const built = path.join(scratch, 'measured', declaration.name);
    const files = filesOf(asset);
    expect(files).toEqual(filesOf(built));
    expect(files).toContain('index.mjs');
    expect(files.filter((f) => f.startsWith('chunks/') && f.endsWith('.mjs')).length).toBeGreaterThan(1);
    for (const file of files) {
      expect(readFileSync(path.join(asset, file)).equals(readFileSync(path.join(built, file))), file).toBe(true);
    }
    // The measured build's lazy chunks are chunks of the asset too, and none is read at cold start.
    const [bundle] = measured.bundles;
    expect(bundle?.lazy.some((c) => c.sources.includes('@zxcvbn-ts'))).toBe(true);
    const index = readFileSync(path.join(asset, 'index.mjs'), 'utf8');
    expect(index).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{\s*\w+ as handler/);
  });

  it('is each function’s own: one synth with several functions gives each its asset, built from its entry', () => {
    // Arrange: CDK caches staged assets per synth; the cache key must tell the functions apart.
    const names = ['system', 'contacts', 'campaign-trigger'] as const;
    const app = new App({ outdir: path.join(scratch, 'several') });
    const stack = new Stack(app, 'Several');
    for (const name of names) {
      new LambdaFunction(stack, name, {
        code: functionCode(fromRoot(functionNamed(name).entry), bundlingFor()),
        handler: 'index.handler',
        runtime: Runtime.NODEJS_24_X,
      });
    }

    // Act
    const assembly = app.synth();

    // Assess: three assets, each one's map naming its own entry and no other.
    const template = assembly.getStackByName('Several').template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
    };
    const keys = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties.Code?.S3Key);
    expect(new Set(keys).size).toBe(names.length);
    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(names.length);
    const entriesOf = (asset: string) =>
      (JSON.parse(readFileSync(path.join(assembly.directory, asset, 'index.mjs.map'), 'utf8')).sources as string[])
        .filter((source) => /(^|\/)functions\//.test(source))
        // Relative to this test's scratch folder, the sources climb out of it and into the repository.
        .map((source) => source.slice(source.lastIndexOf('functions/')));
    expect(assets.map(entriesOf).sort()).toEqual(names.map((name) => [functionNamed(name).entry]).sort());
  });
});
