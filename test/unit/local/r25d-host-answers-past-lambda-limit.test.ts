// Review round 25 (reviewer d): the local API host (lib/local/http-host.ts) and Lambda's 6 MB answer.
/**
 * DEFECT (LOW), fails at 679faf6: a synchronous Lambda may answer at most 6 MB (6,291,556 bytes of
 * serialized result); past that the invocation fails (`Function.ResponseSizeTooLarge`) and API
 * Gateway answers the caller a 5xx. The local API host, the stand-in for both, sends any result
 * whole with a 200, so every answer that outgrows the limit works locally and is a 5xx only in the
 * cloud: rounds 19-24 found six such routes (settings, roles, exports, previews, campaign and
 * workspace listings) one by one with unit tests, because nothing local shows them.
 * How a user reaches it: any route whose answer grows with stored data, on `npm start`: a 200 there,
 * a 500 in the cloud for the same data.
 * Root cause: lib/local/http-host.ts `readResult(result)` -> `send(out)`, no size check on the
 * function's result (api-event.ts readResult).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionHost } from '../../../lib/local/function-host';
import { startHttpHost } from '../../../lib/local/http-host';

/** Lambda's synchronous response limit, as the service counts it (the serialized result). */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024 + 100;

let server: import('node:http').Server;
let base: string;

beforeAll(async () => {
  const functions = {
    // A route answering 6.5 MB of JSON (a listing that grew with the workspace's data).
    invoke: async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: 'x'.repeat(6.5 * 1024 * 1024) }),
    }),
  } as unknown as FunctionHost;
  const started = await startHttpHost({ host: '127.0.0.1', port: 0, functions, log: () => undefined });
  server = started.server;
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('r25d: a function result over Lambda 6 MB limit', () => {
  it('is answered as the cloud answers it (a 5xx in the error contract), not sent whole with a 200', async () => {
    const res = await fetch(`${base}/api/contacts/list`);
    const text = await res.text();
    expect(res.status, `answered ${res.status} with ${Buffer.byteLength(text)} bytes`).toBeGreaterThanOrEqual(500);
    expect(Buffer.byteLength(text)).toBeLessThan(LAMBDA_RESPONSE_MAX_BYTES);
    expect(JSON.parse(text)).toMatchObject({ error: expect.any(String), code: expect.any(String) });
  });
});
