// Review round 25 (reviewer d): the local API host's throttle (lib/local/http-host.ts) and slow uploads.
/**
 * DEFECT (LOW), fails at 679faf6: the host counts a request as "in flight" from its first byte,
 * before its body has arrived (`inFlight += 1` precedes `readBody`). A client that opens
 * LOCAL_MAX_IN_FLIGHT (32) connections and trickles their bodies (or sends a Content-Length and
 * nothing more) holds every slot for as long as Node lets a request last (requestTimeout, 300 s):
 * every other caller, signed in or not, gets 429 THROTTLED ("The API is at capacity") meanwhile,
 * though no function is running. API Gateway, which the throttle stands in for, reads the request
 * before it invokes anything: a slow upload uses no function capacity there.
 * How a user reaches it: 32 connections to `npm start` (HOST=0.0.0.0 for the load runs, or any
 * local process), each `POST /api/contacts` with `content-length: 100` and no body.
 * Root cause: lib/local/http-host.ts `inFlight += 1` before `readBody(req)`; the slot should be
 * taken when the function is invoked, once the body is read.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionHost } from '../../../lib/local/function-host';
import { startHttpHost } from '../../../lib/local/http-host';

let server: http.Server;
let port: number;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  const functions = {
    invoke: async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }),
  } as unknown as FunctionHost;
  const started = await startHttpHost({ host: '127.0.0.1', port: 0, functions, log: () => undefined, maxInFlight: 2 });
  server = started.server;
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('r25d: uploads that have not arrived yet', () => {
  it('do not take the capacity of the functions: another caller is answered, not 429', async () => {
    // Prepare: as many connections as the host's capacity, each announcing a body it never sends.
    for (let i = 0; i < 2; i++) {
      const socket = net.connect(port, '127.0.0.1');
      sockets.push(socket);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        'POST /api/contacts HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
      );
    }
    await new Promise((r) => setTimeout(r, 200));

    // Act: an ordinary request from someone else.
    const res = await fetch(`http://127.0.0.1:${port}/api/contacts/list`);
    const body = await res.text();

    // Assess
    expect(res.status, body).toBe(200);
  });
});
