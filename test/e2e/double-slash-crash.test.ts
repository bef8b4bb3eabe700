/**
 * Review round 15: this test failed at f03ad0e (a request line `GET //` crashed the whole local runtime: TypeError: Invalid URL).
 *
 * Defect: one request whose target is `//` (or `//[`, `http://[`: a request line Node's HTTP
 * parser accepts) kills the whole local runtime. The API host, the unified outbox page and the
 * local EventBridge Scheduler stand-in all call `new URL(req.url, base)` synchronously in their
 * request listener, outside any try; `new URL('//', 'http://local')` throws `Invalid URL`, the
 * exception escapes the listener, and the process dies ("TypeError: Invalid URL" and exit). Every
 * request in flight is dropped, SQS/SES snapshots and the clock are not flushed, and the developer
 * is left with a dead `npm start` after one stray request (a scanner, a typo'd curl).
 *
 * Severity: HIGH (one unauthenticated request stops the whole product; the cloud's API Gateway
 * answers such a target with a 4xx and carries on).
 *
 * Root cause: lib/local/http-host.ts startHttpHost (the request listener's first lines:
 * `const pathname = new URL(url, 'http://local').pathname`); the same pattern in
 * lib/local/outbox-page.ts startOutboxPage and lib/local/scheduler-server.ts startSchedulerServer
 * (inside `req.on('end')`, before the try).
 *
 * Correct behaviour: the request gets a 4xx JSON answer (400 MALFORMED_REQUEST or 404, as API
 * Gateway would), and the runtime keeps serving (`/api/health` answers 200 afterwards).
 *
 * The runtime runs as `npm start` runs it (bin/local.ts in its own process, PORT=0 and
 * EMULATOR_BASE_PORT=0: free loopback ports, a fresh DATA_DIR), one per test since the defect
 * kills it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/local-runtime';

const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface Banner {
  proc: ChildProcess;
  output: () => string;
  api: string;
  outbox: string;
  scheduler: string;
}

async function startProcess(): Promise<Banner> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r15-slash-'));
  dirs.push(dataDir);
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', EMULATOR_BASE_PORT: '0', LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return eventually(async () => {
    if (proc.exitCode !== null) throw new Error(`runtime exited: ${out}`);
    const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const outbox = /All mail\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const scheduler = /Scheduler\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    return api && outbox && scheduler && /is running/.test(out)
      ? { proc, output: () => out, api, outbox, scheduler }
      : undefined;
  }, 90_000);
}

/** Writes a raw request line to `base` and answers the status line (or what happened instead), within 5 s. */
function rawStatusLine(base: string, target: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    let got = '';
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    const done = (what: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(what);
    };
    const timer = setTimeout(() => done(got.split('\r\n')[0] || 'no answer within 5 s'), 5000);
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\r\n')) done(got.split('\r\n')[0] as string);
    });
    socket.on('error', (e) => done(`socket error: ${e.message}`));
    socket.on('close', () => done(got.split('\r\n')[0] || 'connection closed without an answer'));
  });
}

async function stillServing(b: Banner): Promise<string> {
  await new Promise((r) => setTimeout(r, 500));
  if (b.proc.exitCode !== null || b.proc.signalCode !== null) {
    const crash = /TypeError[^\n]*/.exec(b.output())?.[0] ?? `exit ${b.proc.exitCode}`;
    return `runtime died (${crash})`;
  }
  const res = await fetch(`${b.api}/api/health`).catch((e: Error) => ({ status: `fetch failed: ${e.message}` }));
  return `health ${res.status}`;
}

describe('a request target of "//" (review 15)', () => {
  it('the API host answers it with a 4xx and keeps running', async () => {
    const b = await startProcess();
    const status = await rawStatusLine(b.api, '//');
    expect({ status, after: await stillServing(b) }).toEqual({
      status: expect.stringMatching(/^HTTP\/1\.1 4\d\d/),
      after: 'health 200',
    });
  }, 120_000);

  it('the unified outbox page answers it with a 4xx and the runtime keeps running', async () => {
    const b = await startProcess();
    const status = await rawStatusLine(b.outbox, '//');
    expect({ status, after: await stillServing(b) }).toEqual({
      status: expect.stringMatching(/^HTTP\/1\.1 4\d\d/),
      after: 'health 200',
    });
  }, 120_000);

  it('the Scheduler stand-in answers it with a 4xx and the runtime keeps running', async () => {
    const b = await startProcess();
    const status = await rawStatusLine(b.scheduler, '//');
    expect({ status, after: await stillServing(b) }).toEqual({
      status: expect.stringMatching(/^HTTP\/1\.1 4\d\d/),
      after: 'health 200',
    });
  }, 120_000);

  it('every listener answers every unparseable or odd target with a 4xx, the API host with its JSON contract (400 MALFORMED_REQUEST)', async () => {
    const b = await startProcess();
    const statuses: Record<string, string> = {};
    for (const [name, base] of [
      ['api', b.api],
      ['outbox', b.outbox],
      ['scheduler', b.scheduler],
    ] as const) {
      for (const target of ['//', '//[', 'http://[', '*', '//x/../[']) {
        statuses[`${name} ${target}`] = (await rawStatusLine(base, target)).slice(0, 12);
      }
    }
    expect(Object.entries(statuses).filter(([, status]) => !/^HTTP\/1\.1 4\d\d$/.test(status))).toEqual([]);
    const body = await rawBody(b.api, 'http://[');
    expect(body).toMatchObject({ code: 'MALFORMED_REQUEST', requestId: expect.any(String) });
    // An origin-form target starting with `//` is a path (RFC 9112), never a host: `//x/api/health`
    // is not /api/health.
    expect((await rawStatusLine(b.api, '//x/api/health')).slice(0, 12)).toBe('HTTP/1.1 404');
    expect(await stillServing(b)).toBe('health 200');
  }, 120_000);
});

/** Writes a raw request line to `base` and answers the parsed JSON body of the answer. */
function rawBody(base: string, target: string): Promise<unknown> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (c: Buffer) => {
      got += c.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)));
      } catch (error) {
        reject(error);
      }
    });
  });
}
