/**
 * docs/WALKTHROUGH.md, pasted in order as a reader would: every ```bash block runs, one after
 * the other, in one bash (`set -euo pipefail`, so a variable one block sets is there for the
 * next), against a fresh runtime. The walkthrough's conventions, which this test relies on:
 *
 * - A ```bash server block starts the product (`npm start`, `TIME_SCALE=3600 npm start`): it is
 *   not run (this test starts its own runtime), so it may hold nothing else.
 * - `# expect: <text>` in a block: what the block prints must contain <text>.
 * - The addresses are the banner's: the API at http://127.0.0.1:3008, the "All mail" outbox at
 *   its fixed port, the cookie jar /tmp/uh.jar, the demo password in ./.data/. They are
 *   rewritten to the test runtime's URLs, a temporary jar and its data dir.
 *
 * Every `curl` fails on an HTTP error (`--fail-with-body`), so a 4xx or 5xx fails its block.
 * One runtime at TIME_SCALE=3600 serves the whole page: the walkthrough restarts with that
 * clock before its campaign, but a second runtime in this process would reuse the functions
 * already imported, configured for the first; so the earlier steps run on the fast clock too
 * (their expectations do not depend on it) and the restart itself is tried by hand.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEmulatorBasePort, PORT_OFFSETS } from '../../lib/local/ports';
import type { Runtime } from '../../lib/local/runtime';
import { startTestRuntime } from '../support/local-runtime';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WALKTHROUGH = fs.readFileSync(path.join(ROOT, 'docs/WALKTHROUGH.md'), 'utf8');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const BANNER = fs.readFileSync(path.join(ROOT, 'bin/local.ts'), 'utf8');

const DOC_API = 'http://127.0.0.1:3008';
const DOC_OUTBOX = `http://127.0.0.1:${defaultEmulatorBasePort(3008) + PORT_OFFSETS.outbox}`;
const DOC_JAR = '/tmp/uh.jar';
const DOC_DATA = './.data/';
/** Stops a run that hangs; the walkthrough's own polling loops give up well before. */
const SCRIPT_TIMEOUT_MS = 150_000;

interface Block {
  readonly number: number;
  readonly info: string;
  readonly code: string;
}

function bashBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(bash[^\n]*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ number: blocks.length + 1, info: (match[1] as string).trim(), code: match[2] as string });
  }
  return blocks;
}

const isServer = (block: Block) => block.info === 'bash server';
const expectations = (block: Block) =>
  [...block.code.matchAll(/^\s*# expect: (.+)$/gm)].map((m) => (m[1] as string).trim());

function rewrite(code: string, runtime: Runtime, jar: string): string {
  return code
    .replaceAll(DOC_API, runtime.url)
    .replaceAll(DOC_OUTBOX, runtime.outboxes.all.replace(/\/$/, ''))
    .replaceAll(DOC_JAR, jar)
    .replaceAll(DOC_DATA, `${runtime.dataDir}/`);
}

/** Runs `script` with bash; resolves with its exit code and everything it printed. */
function runBash(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const marker = (n: number) => `@@walkthrough block ${n}@@`;

let runtime: Runtime;
let jar: string;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, {
    TIME_SCALE: '3600',
    LOG_LEVEL: 'WARN',
    TRUST_LOAD_CLIENT_HEADER: 'x-walkthrough-block',
  });
  jar = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uh-walkthrough-')), 'uh.jar');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('docs/WALKTHROUGH.md', () => {
  const blocks = bashBlocks(WALKTHROUGH);

  it('uses the banner and README host, cookie jar and outbox, and is linked first from the README', () => {
    expect(BANNER).toContain(`curl -sc ${DOC_JAR} `);
    expect(BANNER).toContain("'127.0.0.1'");
    expect(BANNER).toMatch(/All mail +\$\{runtime\.outboxes\.all\}/);
    for (const literal of [DOC_API, DOC_OUTBOX, DOC_JAR, DOC_DATA]) expect(WALKTHROUGH).toContain(literal);
    const commands = blocks.map((b) => b.code).join('\n');
    expect(commands).not.toMatch(/localhost|127\.0\.0\.1:(?!3008\b|20171\b)\d+/);
    expect(README).not.toMatch(/localhost:3008|\s-\w*[bc] jar\b/);
    const firstLink = /\]\(([^)]+)\)/.exec(README);
    expect(firstLink?.[1]).toBe('docs/WALKTHROUGH.md');
    expect(firstLink?.index).toBeLessThan(README.indexOf('\n## '));
  });

  it('marks only the commands that start the product as not run', () => {
    const servers = blocks.filter(isServer);
    expect(servers.map((b) => b.code.trim())).toEqual(['npm start', 'TIME_SCALE=3600 npm start']);
    expect(blocks.filter((b) => !isServer(b) && b.info !== 'bash')).toEqual([]);
  });

  it('runs, block by block, in one shell, against a started runtime', async () => {
    const runnable = blocks.filter((b) => !isServer(b));
    const script = [
      'set -euo pipefail',
      // Every HTTP error fails the command (and the block), with the answer's body in the output.
      // Each block is a client of its own (the runtime trusts x-walkthrough-block as the client
      // address): a reader pastes them seconds apart, this script back to back, and the page's
      // first 21 /api calls would come within a second, over the 20 per 2 s one client may make.
      'curl() { command curl -S --fail-with-body -H "x-walkthrough-block: 10.99.0.$BLOCK" "$@"; }',
      ...runnable.flatMap((b) => [
        `BLOCK=${b.number}; printf '\\n%s\\n' '${marker(b.number)}'`,
        rewrite(b.code, runtime, jar),
      ]),
      `printf '\\n%s\\n' '${marker(0)}'`,
    ].join('\n');

    const { code, output } = await runBash(script);

    const outputOf = (n: number) => output.split(marker(n))[1]?.split(/@@walkthrough block \d+@@/)[0] ?? '';
    const reached = [...output.matchAll(/@@walkthrough block (\d+)@@/g)].map((m) => Number(m[1]));
    const last = reached.at(-1);
    if (code !== 0 || last !== 0) {
      const failed = runnable.find((b) => b.number === last);
      throw new Error(
        `The walkthrough failed (bash exit ${code}) in its block ${last} of ${blocks.length}:\n${failed?.code}\n--- it printed:\n${outputOf(last ?? 0)}`,
      );
    }
    const unmet = runnable.flatMap((block) => {
      const printed = outputOf(block.number);
      const missing = expectations(block).filter((expected) => !printed.includes(expected));
      return missing.length === 0
        ? []
        : [
            `block ${block.number} printed no ${missing.map((m) => `"${m}"`).join(', ')}:\n${block.code}\n--- it printed:\n${printed}`,
          ];
    });
    expect(unmet.join('\n\n')).toBe('');
  }, 180_000);
});
