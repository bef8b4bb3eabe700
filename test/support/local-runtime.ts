/** Starts the whole local runtime once per test file, on a free port and a fresh data dir. */
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { PORT_BLOCK } from '../../lib/local/ports';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../lib/local/runtime';
import { printsEverything } from './test-output';

export async function startTestRuntime(
  dataDir?: string,
  env?: Record<string, string>,
  options: Partial<
    Pick<RuntimeOptions, 'emulators' | 'maxInFlight' | 'statsFile' | 'seed' | 'pollWaitSeconds' | 'emulatorBasePort'>
  > = {},
): Promise<Runtime> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'uh-e2e-'));
  return startRuntime({
    port: 0,
    dataDir: dir,
    pollWaitSeconds: 1,
    env,
    // On the test's own thread unless a test asks for the worker (what `npm start` uses): one
    // runtime per file starts faster so, and coverage sees the emulators' code.
    emulators: 'in-process',
    // Every request's access-log line only when asked for; 5xx and slow ones always.
    accessLog: printsEverything() ? 'all' : 'problems',
    ...options,
    // Through `console`: vitest shows the runtime's lines with a failing test (or all, with DEBUG=1).
    log: (line) => console.log(line),
  });
}

/**
 * A base port whose whole block is free now (tests run in parallel: never a fixed one). For a
 * runtime restarted in the same process: its functions keep the SDK clients (and so the emulator
 * endpoints) of the first start, so the second must listen on the same ports.
 */
export async function freePortBlock(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range, so an outgoing connection does not take one meanwhile.
    const base = 21_000 + PORT_BLOCK * Math.floor(Math.random() * 500);
    const ports = Array.from({ length: PORT_BLOCK }, (_, i) => base + i);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
  throw new Error('no free block of ports');
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A request `fetch` will not send (a GET with a body, duplicated headers): plain node:http. */
export async function rawRequest(
  url: string,
  opts: { method: string; headers?: Record<string, string | string[]>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const headers = {
      ...opts.headers,
      ...(opts.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(opts.body)) }),
    };
    const req = http.request(url, { method: opts.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A response body as loosely typed JSON: tests assert on its shape field by field. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
export const json = async (res: Response): Promise<any> => res.json();

/** The JSON body of `res`, after expecting `status` (the body is the failure message when it differs). */
export async function okJson(res: Response, status = 200) {
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}
