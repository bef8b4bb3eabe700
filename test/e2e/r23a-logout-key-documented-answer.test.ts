// Review round 23: this test failed at dfdd2c4.
// Review round 23 (r23a): this test fails at dfdd2c4.
/**
 * Docs vs code: docs/IDENTITY.md's route table says `POST /api/auth/logout` answers "400
 * `NOT_A_SESSION` for an API key" (and shared/identity/accounts/sessions.ts logOut says the same),
 * but log-out is an account-level route, and the edge refuses every API key on those with 403
 * `API_KEY_NOT_ALLOWED` before the operation runs (shared/identity/authenticate.ts,
 * `apiKeysMayCall`; the same document says so further down, "Account-level routes ... refuse keys
 * with 403"). A client coded against the table's 400 never sees it. The test asks the route with a
 * real key and checks that the table's logout row names the status and code actually answered.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r23a-logout-key', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('r23a: POST /api/auth/logout with an API key answers what docs/IDENTITY.md says', () => {
  it('the route table names the status and code a key gets', async () => {
    const created = await fetch(`${runtime.url}/api/security/api-keys`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ name: 'automation', scopes: ['contacts:read'] }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const res = await fetch(`${runtime.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    const { code } = (await res.json()) as { code?: string };
    expect(res.status, 'an API key is refused on log-out').toBeGreaterThanOrEqual(400);

    const row = readFileSync('docs/IDENTITY.md', 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| `POST /api/auth/logout`'));
    expect(row, 'docs/IDENTITY.md has a row for log-out').toBeDefined();
    expect(
      { documents: row, answered: `${res.status} ${code}` },
      `docs/IDENTITY.md's log-out row does not name what an API key gets (${res.status} ${code})`,
    ).toMatchObject({ documents: expect.stringContaining(`${res.status} \`${code}\``) });
  });
});
