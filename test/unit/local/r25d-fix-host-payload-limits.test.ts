// Review round 25 (fixer d): the local API host mirrors Lambda's 6 MB event and a stalled upload.
/**
 * A body API Gateway takes (under 10 MB) whose event is over Lambda's 6 MB invocation payload is
 * refused 413 without invoking the function (the cloud's RequestEntityTooLarge); a body that does
 * not arrive in time is answered 408 and its connection closed; an ordinary body still arrives.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionHost } from '../../../lib/local/function-host';
import { startHttpHost } from '../../../lib/local/http-host';

let server: http.Server;
let port: number;
const invoked: number[] = [];

beforeAll(async () => {
  const functions = {
    invoke: async (_fn: string, event: { body?: string }) => {
      invoked.push(event.body?.length ?? 0);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    },
  } as unknown as FunctionHost;
  const started = await startHttpHost({
    host: '127.0.0.1',
    port: 0,
    functions,
    log: () => undefined,
  });
  server = started.server;
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('r25d fix: request payloads the cloud refuses', () => {
  it('refuses with 413 a 7 MB body (under API Gateway 10 MB, over Lambda 6 MB) and invokes nothing', async () => {
    invoked.length = 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'x'.repeat(7 * 1024 * 1024) }),
    });
    const body = await res.json();
    expect(res.status).toBe(413);
    expect(body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(invoked).toEqual([]);
  });

  it('still invokes with a 5 MB body', async () => {
    invoked.length = 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'x'.repeat(5 * 1024 * 1024) }),
    });
    expect(res.status).toBe(200);
    expect(invoked).toHaveLength(1);
  });

  it('answers 408 and closes the connection when the announced body does not arrive in time', async () => {
    const slow = await startHttpHost({
      host: '127.0.0.1',
      port: 0,
      functions: { invoke: async () => ({ statusCode: 200, body: '{}' }) } as unknown as FunctionHost,
      log: () => undefined,
      bodyTimeoutMs: 300,
    });
    const socket = net.connect((slow.server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      'POST /api/contacts HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    slow.server.closeAllConnections();
    await new Promise<void>((resolve) => slow.server.close(() => resolve()));
  });
});
