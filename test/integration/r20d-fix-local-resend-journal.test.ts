// Review round 20: this test failed at 27bc9a0.
// The Resend stand-in kept its webhooks in memory only (dropped at a stop, or when the API did not
// listen within 3.5 s) and its idempotency keys only in the 2-second snapshot (a kill forgot them).
import fs from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_RESEND_API_KEY, type ResendStandIn, startResend } from '../../lib/local/emulators/resend-server';
import { LOCAL_RESEND_WEBHOOK_SECRET } from '../../lib/local/emulators/resend-webhooks';
import { eventually } from '../support/local-runtime';

const dirs: string[] = [];
const running: ResendStandIn[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const r of running) await r.stop().catch(() => undefined);
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-fix-resend-'));
  dirs.push(dir);
  return dir;
};

const start = async (dir: string, snapshotIntervalMs = 2000) => {
  const resend = await startResend({
    file: path.join(dir, 'resend-outbox.json'),
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs,
    log: () => undefined,
  });
  running.push(resend);
  return resend;
};

interface Received {
  type: string;
  svixId: string;
}

/** A webhook receiver on `port` (0: any), answering `status` and noting each webhook. */
async function receiver(port = 0, status = 200): Promise<{ url: string; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const headers: IncomingHttpHeaders = req.headers;
      received.push({ type: (JSON.parse(body) as { type: string }).type, svixId: String(headers['svix-id']) });
      res.writeHead(status).end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}/api/hooks/resend`, port: bound, received };
}

const send = (resend: ResendStandIn, body: Record<string, unknown>, key?: string) =>
  fetch(`${resend.endpoint}/emails`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${LOCAL_RESEND_API_KEY}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });

const mail = (to: string) => ({ from: 'a@example.com', to, subject: 'Hi', html: '<p>Hi</p>' });

describe('the Resend stand-in journals what it owes (r20d)', () => {
  it('delivers at the next start the webhooks still owed at a stop, with their first svix ids', async () => {
    const dir = tempDir();
    const first = await start(dir);
    // The API fails for now (a 503 is retried): the stop finds the first webhook not delivered.
    const failing = await receiver(0, 503);
    first.webhooks.configure({ url: failing.url, secret: LOCAL_RESEND_WEBHOOK_SECRET });
    expect((await send(first, mail('bounced@resend.dev'))).status).toBe(200);
    await eventually(async () => (failing.received.length > 0 ? true : undefined), 5000);
    await first.stop();

    const second = await start(dir);
    const hooks = await receiver();
    second.webhooks.configure({ url: hooks.url, secret: LOCAL_RESEND_WEBHOOK_SECRET });
    await eventually(async () => (hooks.received.length >= 2 ? true : undefined), 10_000);
    expect(hooks.received.map((h) => h.type)).toEqual(['email.sent', 'email.bounced']);
    // The same event as the attempt before the stop: the API dedupes on the Svix id.
    expect(hooks.received[0]?.svixId).toBe(failing.received[0]?.svixId);
    await second.webhooks.idle();
    await second.stop();

    // Delivered and compacted away: a third start owes nothing.
    const third = await start(dir);
    const later = await receiver();
    third.webhooks.configure({ url: later.url, secret: LOCAL_RESEND_WEBHOOK_SECRET });
    await new Promise((r) => setTimeout(r, 500));
    expect(later.received).toEqual([]);
    expect(third.emails()).toHaveLength(1);
    await third.stop();
  }, 30_000);

  it('keeps retrying while the API does not listen, and delivers once it does', async () => {
    const dir = tempDir();
    const resend = await start(dir);
    // A port nothing listens on yet (taken, then freed).
    const probe = await receiver();
    await new Promise((resolve) => servers.pop()?.close(resolve));
    resend.webhooks.configure({ url: probe.url, secret: LOCAL_RESEND_WEBHOOK_SECRET });
    expect((await send(resend, mail('delivered@resend.dev'))).status).toBe(200);
    // Longer than the 3 retries (0.5 + 1 + 2 s) the stand-in used to give a webhook.
    await new Promise((r) => setTimeout(r, 4500));
    const hooks = await receiver(probe.port);
    await eventually(async () => (hooks.received.length >= 2 ? true : undefined), 20_000);
    expect(hooks.received.map((h) => h.type)).toEqual(['email.sent', 'email.delivered']);
    await resend.stop();
  }, 40_000);

  it('remembers an idempotency key across a kill (no snapshot written since the send)', async () => {
    const dir = tempDir();
    // A snapshot an hour away: what a kill right after the send leaves is the journal alone.
    const killed = await start(dir, 3_600_000);
    const first = await send(killed, mail('delivered@resend.dev'), 'key-1');
    expect(first.status).toBe(200);
    const { id } = (await first.json()) as { id: string };

    const restarted = await start(dir);
    const again = await send(restarted, mail('delivered@resend.dev'), 'key-1');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(id);
    expect(restarted.emails().map((e) => e.id)).toEqual([id]);
    const other = await send(restarted, mail('other@resend.dev'), 'key-1');
    expect(other.status).toBe(409);
  });

  it('does not bring back mail a /clear-store removed', async () => {
    const dir = tempDir();
    const resend = await start(dir, 3_600_000);
    expect((await send(resend, mail('delivered@resend.dev'), 'key-2')).status).toBe(200);
    expect((await fetch(`${resend.endpoint}/clear-store`, { method: 'POST' })).status).toBe(200);
    const restarted = await start(dir);
    expect(restarted.emails()).toEqual([]);
  });
});
