/**
 * The runtime as the load scripts run it (`npm run load:*`): emulators on their worker thread,
 * load mode (simulated clients, the seeded load-test account), the in-flight throttle and the
 * server-side statistics file.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { LOAD_SEED_CONTACTS } from '../../lib/local/seed';
import { json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let statsFile: string;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-load-'));
  statsFile = path.join(dir, 'server-stats.jsonl');
  runtime = await startTestRuntime(
    path.join(dir, 'data'),
    { TRUST_LOAD_CLIENT_HEADER: 'x-load-client', LOG_LEVEL: 'WARN' },
    { emulators: 'worker', maxInFlight: 4, statsFile },
  );
});
afterAll(async () => {
  await runtime?.stop();
});

const csrfToken = (client: string) => fetch(`${runtime.url}/api/csrf-token`, { headers: { 'x-load-client': client } });

describe('load mode', () => {
  it('names the trusted client header on every answer', async () => {
    const res = await fetch(`${runtime.url}/api/health`);
    expect(res.headers.get('x-load-client-header')).toBe('x-load-client');
  });

  it('counts each simulated client on its own: one exhausts its budget, another is untouched', async () => {
    // The public tier counts per minute: don't start where the window could turn mid-test.
    if (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await csrfToken('10.0.0.1')).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    const other = await csrfToken('10.0.0.2');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('19');
  });

  it('seeds the load-test account in its own workspace, with contacts to read', async () => {
    const account = runtime.loadAccount;
    expect(account?.email).toBe('load-test@unite-hub.local');
    expect(account?.workspaceId).not.toBe(runtime.demo?.workspaceId);
    const saved = JSON.parse(fs.readFileSync(path.join(runtime.dataDir, 'load-account.json'), 'utf8'));
    expect(saved).toEqual(account);

    const client = '10.0.1.1';
    const token = (await json(await csrfToken(client))).token as string;
    const login = await fetch(`${runtime.url}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': token,
        cookie: `csrf-token=${token}`,
        'x-load-client': client,
      },
      body: JSON.stringify({ email: account?.email, password: account?.password }),
    });
    expect(login.status).toBe(200);
    const session =
      login.headers
        .getSetCookie()
        .find((c) => c.startsWith('session='))
        ?.split(';')[0] ?? '';
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await fetch(
        `${runtime.url}/api/contacts/list?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: { cookie: session, 'x-load-client': client } },
      );
      expect(page.status).toBe(200);
      const body = await json(page);
      seen.push(...body.contacts.map((c: { email: string }) => c.email));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(LOAD_SEED_CONTACTS);
    expect(seen).toContain('seed-001@load.example');
  });

  it('answers 429 THROTTLED with Retry-After beyond maxInFlight, never to health, and nothing else fails', async () => {
    // Each of the 40 requests announces a 2-byte body and sends 1: an admitted request stays in
    // flight, waiting for the rest, until the test sends it. So however the server's turns fall,
    // the first 4 it sees are admitted and every later one is refused, and the test can tell when
    // all have been seen (36 answered) before letting the 4 finish.
    const sockets = await Promise.all(
      Array.from({ length: 50 }, () => {
        const socket = net.connect(Number(new URL(runtime.url).port), '127.0.0.1');
        return new Promise<net.Socket>((resolve, reject) => {
          socket.once('connect', () => resolve(socket));
          socket.once('error', reject);
        });
      }),
    );
    const answeredOnes = new Set<number>();
    const answered = sockets.map((socket, i) => {
      const [url, client] = i < 40 ? ['/api/csrf-token', `10.0.2.${i}`] : ['/api/health', `10.0.3.${i}`];
      const done = rawAnswer(socket).finally(() => answeredOnes.add(i));
      const held = i < 40 ? 'content-length: 2\r\n' : '';
      socket.write(
        `GET ${url} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-load-client: ${client}\r\n${held}connection: close\r\n\r\n${i < 40 ? '{' : ''}`,
      );
      return done;
    });
    const deadline = Date.now() + 20_000;
    while (answeredOnes.size < 36 + 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // The rest of the body, to the requests still waiting for it (the admitted ones).
    for (const [i, socket] of sockets.slice(0, 40).entries()) if (!answeredOnes.has(i)) socket.write('}');
    const all = await Promise.all(answered);
    const [answers, health] = [all.slice(0, 40), all.slice(40)];
    expect(health.map((h) => h.status)).toEqual(Array(10).fill(200));
    const throttled = answers.filter((a) => a.body.code === 'THROTTLED');
    expect(throttled).toHaveLength(36);
    for (const a of throttled) {
      expect(a.status).toBe(429);
      expect(a.retryAfter).toBe('1');
      expect(a.body).toMatchObject({ error: 'Too Many Requests', message: expect.stringContaining('capacity') });
    }
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
  });

  it('writes the server-side statistics on stop: every request, its status class and latency', async () => {
    await runtime.stop();
    const lines = fs
      .readFileSync(statsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const total = lines.at(-1);
    expect(total.kind).toBe('total');
    // 1 health + 22 csrf + 1 csrf + 1 log-in + 2 list pages + 40 csrf, plus the seeding's own requests.
    expect(total.requests).toBeGreaterThanOrEqual(67);
    expect(total['429']).toBeGreaterThanOrEqual(2);
    expect(total['5xx']).toBe(0);
    expect(total.latencyMs.p99).toBeGreaterThan(0);
    // The throttle admits at most 4 other requests; the 10 health checks are never refused.
    expect(total.inFlightPeak).toBeLessThanOrEqual(4 + 10);
  });
});

/** The status, Retry-After and JSON body of one HTTP/1.1 answer read to the socket's end (`connection: close`). */
function rawAnswer(
  socket: net.Socket,
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers = new Map(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      let body = text.slice(split + 4);
      if (headers.get('transfer-encoding') === 'chunked') {
        let out = '';
        for (let at = 0; ; ) {
          const eol = body.indexOf('\r\n', at);
          const size = Number.parseInt(body.slice(at, eol), 16);
          if (!size) break;
          out += body.slice(eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
        body = out;
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        retryAfter: headers.get('retry-after') ?? null,
        body: JSON.parse(body),
      });
    });
  });
}
