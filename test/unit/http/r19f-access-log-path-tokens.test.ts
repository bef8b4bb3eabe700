/**
 * Defect: the access log writes the credential carried in a request's path in plain text. The
 * campaign webhook trigger `POST /api/hooks/campaigns/{id}/{token}` is authenticated by its
 * path token alone ("The token in the path is the credential (only its hash is stored)",
 * lib/definition/campaign-routes.ts; docs/CAMPAIGNS.md "only the token's SHA-256 is stored"), yet
 * every call of it leaves the whole token in the log (`POST /api/hooks/campaigns/c/<token> 202 ..`):
 * anyone who can read the runtime's output (or, in the cloud, the API's access-log group, whose
 * format logs `$context.path`, lib/cdk/http-api.ts ACCESS_LOG_FORMAT) can enrol contacts into the
 * campaign. The same holds for the one-click unsubscribe token `/u/{token}`. docs/IDENTITY.md
 * puts every other mailed token in the URL fragment precisely "so it stays out of access logs".
 *
 * Severity: MEDIUM (a live bearer credential, stored hashed by design, written in plain to logs).
 *
 * Root cause: lib/local/http-host.ts startHttpHost (`opts.log(`${method} ${url} ...`)`, three
 * places) and lib/cdk/http-api.ts ACCESS_LOG_FORMAT (`path: '$context.path'`).
 *
 * Correct behaviour: the access-log line names the route (or the path with its token
 * parameters replaced, e.g. `/api/hooks/campaigns/c_1/[REDACTED]`), never the token itself.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionHost } from '../../../lib/local/function-host';
import { startHttpHost } from '../../../lib/local/http-host';

const HOOK_TOKEN = 'hooktok_Zq3kW9vN2xR7pL5mT8yB4cD6fG1hJ0aS';
const UNSUB_TOKEN = 'unsubtok_Yb7nM2qW5eR8tY1uI4oP7aS0dF3gH6jK';

const lines: string[] = [];
let server: import('node:http').Server;
let base: string;

beforeAll(async () => {
  const functions = {
    invoke: async () => ({ statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }),
  } as unknown as FunctionHost;
  const started = await startHttpHost({
    host: '127.0.0.1',
    port: 0,
    functions,
    log: (line) => lines.push(line),
    accessLog: 'all',
  });
  server = started.server;
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('r19f: the access log and path credentials', () => {
  it('does not write a campaign webhook token (the hook credential) into the access log', async () => {
    const res = await fetch(`${base}/api/hooks/campaigns/c_1/${HOOK_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"x@example.com"}',
    });
    await res.arrayBuffer();
    const line = lines.find((l) => l.includes('/api/hooks/campaigns/'));
    expect(line, 'an access-log line for the hook call').toBeDefined();
    expect(line).not.toContain(HOOK_TOKEN);
  });

  it('does not write a one-click unsubscribe token into the access log', async () => {
    const res = await fetch(`${base}/u/${UNSUB_TOKEN}`, { method: 'POST' });
    await res.arrayBuffer();
    const line = lines.find((l) => l.includes(' /u/'));
    expect(line, 'an access-log line for the unsubscribe call').toBeDefined();
    expect(line).not.toContain(UNSUB_TOKEN);
  });
});
