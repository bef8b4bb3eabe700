// Review round 21: this test failed at c5f6923.
/**
 * Review round 21 (r21c, the HTTP API as a whole): docs/API.md promises, for every route, "A malformed
 * or over-long id anywhere: 400 `INVALID_ID`". The edge (shared/http/edge-ids.ts) only refuses a path
 * id over 128 characters or with a control character with `INVALID_ID`; a path id that is malformed
 * for its route (`a.b`, or 65-128 characters where the route takes 1-64) passes the edge and is
 * refused by the route's own zod schema with 400 `VALIDATION_FAILED`. A client that branches on the
 * documented code (to tell a bad id from a bad body) cannot.
 *
 * Severity: LOW (docs do not match the code; the answer is still a 4xx JSON error).
 * Root cause: lib/api-docs/markdown.ts:107 (the promise) vs shared/http/edge-ids.ts:assertWellFormedIds
 * (bounds only) + each function's `idParam` regex (functions/contacts.ts:107, campaigns.ts:143,
 * security.ts:66 ...), whose failure is reported by shared/http/operation.ts as VALIDATION_FAILED.
 * Fix: either report a path-parameter schema failure as `INVALID_ID` (operation.ts: issues `in: 'path'`),
 * or say in the docs that only ids over 128 characters are `INVALID_ID` and the rest `VALIDATION_FAILED`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r21c-path-id');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('r21c: a malformed or over-long path id is 400 INVALID_ID, as docs/API.md says', () => {
  const cases = [
    ['GET', '/api/contacts/a.b', 'malformed contact id'],
    ['GET', `/api/contacts/${'a'.repeat(100)}`, 'over-long contact id (100 characters)'],
    ['GET', `/api/campaigns/${'a'.repeat(100)}`, 'over-long campaign id (100 characters)'],
    ['DELETE', `/api/security/api-keys/${'A'.repeat(10)}`, 'malformed API key id'],
  ] as const;
  it.each(cases)('%s %s (%s)', async (method, path) => {
    const res = await fetch(`${runtime.url}${path}`, { method, headers: as(owner) });
    const body = (await res.json()) as { code?: string; message?: string };
    expect(res.status).toBe(400);
    expect(body.code, `answered ${res.status} ${body.code}: ${body.message}`).toBe('INVALID_ID');
  });
});
