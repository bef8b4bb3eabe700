/**
 * The deployed functions run without --enable-source-maps; a logged or reported stack is mapped
 * back to the TypeScript by shared/observability/mapped-stack.ts. Checked on a real build (the
 * stack's esbuild options, minified, split) run by a Node.js without source-map support.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { functionBuildOptions } from '../../../lib/cdk/function-bundles';
import { bundlingFor } from '../../../lib/cdk/house-function';
import { fromRoot } from '../../../lib/cdk/repo-paths';
import { RedactingLogFormatter } from '../../../shared/observability/log-formatter';
import { mapStack, withMappedStack } from '../../../shared/observability/mapped-stack';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'mapped-stack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The throw is on line 6 of the entry, column 9; the lazy part's on line 3.
const ENTRY = [
  `import { withMappedStack } from ${JSON.stringify(fromRoot('shared/observability/mapped-stack.ts'))};`,
  'export async function handler() {',
  '  const { later } = await import("./lazy-part.ts");',
  '  const out: string[] = [];',
  '  try {',
  '    throw new Error("in the entry");',
  '  } catch (error) { out.push((error as Error).stack ?? ""); }',
  '  try { later(); } catch (error) { out.push((withMappedStack(error) as Error).stack ?? ""); }',
  '  return out;',
  '}',
].join('\n');
const LAZY = [
  'export function later(): never {',
  '  const reason = "in a lazy chunk";',
  '  throw new Error(reason);',
  '}',
].join('\n');

async function runBuilt(): Promise<{ raw: string; mapped: string; lazyMapped: string }> {
  const src = path.join(scratch, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  writeFileSync(path.join(src, 'entry.ts'), ENTRY);
  writeFileSync(path.join(src, 'lazy-part.ts'), LAZY);
  const out = path.join(scratch, 'asset');
  await build(functionBuildOptions(bundlingFor(), path.join(src, 'entry.ts'), out, true));
  const script = `const { handler } = await import(${JSON.stringify(`file://${out}/index.mjs`)});
    const [raw, lazyMapped] = await handler();
    process.stdout.write(JSON.stringify({ raw, lazyMapped }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '' },
  });
  if (run.status !== 0) throw new Error(run.stderr);
  const { raw, lazyMapped } = JSON.parse(run.stdout) as { raw: string; lazyMapped: string };
  return { raw, mapped: mapStack(raw), lazyMapped };
}

describe('mapStack', () => {
  it('maps a minified frame of a split build back to the TypeScript line, in the entry and in a lazy chunk', async () => {
    const { raw, mapped, lazyMapped } = await runBuilt();
    // Unmapped: the minified bundle (line 1 is the banner), a column deep into one long line.
    expect(raw).toMatch(/index\.mjs:2:\d{3,}/);
    expect(raw).not.toContain('entry.ts');
    // Mapped: the source file and line of the throw.
    expect(mapped).toMatch(/entry\.ts:6:\d+/);
    expect(mapped).not.toMatch(/index\.mjs:\d+:\d+/);
    expect(lazyMapped).toMatch(/lazy-part\.ts:3:\d+/);
    expect(lazyMapped).not.toMatch(/chunks\/[^:]+\.mjs:\d+:\d+/);

    // The log formatter maps what it writes: the stack and Powertools' `location`.
    const logged = Object.assign(new Error('in the entry'), { stack: raw });
    const fields = new RedactingLogFormatter().formatError(logged) as { stack: string; location: string };
    expect(fields.stack).toBe(mapped);
    expect(fields.location).toMatch(/src\/entry\.ts:6$/);
  });

  it('leaves frames without a map beside their file, and text that is no stack, as they are', () => {
    const stack = 'Error: x\n    at f (file:///nowhere/index.mjs:1:10)\n    at g (/srv/app/server.ts:3:4)';
    expect(mapStack(stack)).toBe(stack);
    expect(mapStack('not a stack')).toBe('not a stack');
  });

  it('maps an error once, causes included, and never throws on what is not an error', () => {
    const error = new Error('outer', { cause: new Error('inner') });
    expect(withMappedStack(error)).toBe(error);
    expect(withMappedStack('text')).toBe('text');
    expect(withMappedStack(undefined)).toBeUndefined();
  });
});
