/**
 * Review round 20 (r20b): API keys minted by API keys, and what the audit log says about key actions.
 *
 * Defect 1 (MEDIUM): revoking a leaked API key does not end the keys it minted. A key whose scopes
 * include `api-keys:create` may `POST /api/security/api-keys` (docs/IDENTITY.md: "for a
 * key-authenticated caller, that key's scopes"); the new key is stored as the *user's* key
 * (`createdBy` = the user, nothing naming the parent), so revoking the parent (what an admin does
 * on a leak) leaves every child working: whoever held the leaked key for a minute keeps a
 * permanent one that nothing ties back to the leak.
 * Root cause: shared/governance/api-keys.ts:createApiKey (a key-authenticated caller may mint keys,
 * and the key records no parent) with shared/adapters/dynamo-api-keys.ts:revoke (revokes one item).
 * Correct: either keys cannot mint keys (403 `API_KEY_NOT_ALLOWED`, as for account routes; the
 * usual rule: restricted keys never create keys), or a minted key records its parent and a
 * revocation ends its descendants (findActive refuses a key whose parent is revoked).
 *
 * Defect 2 (MEDIUM): the audit log cannot tell what a key did. Every entry of a request made with
 * an API key names only the user (`actorType: user`, `actorId`, `actorEmail`): the key id the edge
 * resolved (`Principal.apiKeyId`, shared/identity/authenticate.ts) is dropped by
 * shared/identity/auth-context.ts:actorOf, and no entry says a key was used. After a leak the
 * owner cannot list what the leaked key changed (nor which keys it minted, defect 1): its entries
 * look exactly like the user's own session's.
 * Root cause: shared/identity/auth-context.ts:actorOf (and the edge entry,
 * shared/http/middlewares/audit.ts:requestAuditEntry).
 * Correct: entries of key-authenticated requests name the key (e.g. `apiKeyId` in the entry or its
 * metadata), so `GET /api/security/audit-log` shows what each key did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20b-lineage', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

async function createKey(headers: Record<string, string>, scopes: string[]) {
  const res = await fetch(`${runtime.url}/api/security/api-keys`, {
    method: 'POST',
    headers: { ...headers, 'x-workspace-id': owner.workspaceId },
    body: JSON.stringify({ name: `k-${Math.random().toString(36).slice(2, 8)}`, scopes }),
  });
  const body = (await res.json()) as { key: string; apiKey: { keyId: string } };
  return { status: res.status, ...body };
}

describe('r20b: API key lineage', () => {
  it('revoking a leaked key ends the keys it minted (or keys cannot mint keys)', async () => {
    const parent = await createKey(as(owner), ['settings:read', 'settings:write', 'api-keys:create']);
    expect(parent.status).toBe(201);

    // The holder of the leaked key mints a second one with it.
    const child = await createKey(bearer(parent.key), ['settings:read', 'settings:write']);
    if (child.status !== 201) {
      // A fix that refuses key-minting keys passes here.
      expect(child.status).toBe(403);
      return;
    }

    // The owner revokes the leaked key.
    const revoked = await fetch(`${runtime.url}/api/security/api-keys/${parent.apiKey.keyId}`, {
      method: 'DELETE',
      headers: { ...as(owner), 'x-workspace-id': owner.workspaceId },
    });
    expect(revoked.status).toBe(204);
    const parentNow = await fetch(`${runtime.url}/api/settings`, { headers: bearer(parent.key) });
    expect(parentNow.status).toBe(401);

    // The minted key should be dead too; it still reads and writes the workspace's settings.
    const childNow = await fetch(`${runtime.url}/api/settings`, { headers: bearer(child.key) });
    expect(childNow.status, 'a key minted by a revoked key still authenticates').toBe(401);
  });

  it('the audit entry of a request made with an API key names the key', async () => {
    const key = await createKey(as(owner), ['settings:write']);
    expect(key.status).toBe(201);
    const put = await fetch(`${runtime.url}/api/settings/r20b.by_key`, {
      method: 'PUT',
      headers: bearer(key.key),
      body: JSON.stringify({ value: 'written with a key' }),
    });
    expect(put.status).toBe(201);

    const log = await fetch(`${runtime.url}/api/security/audit-log?eventType=settings.put&limit=10`, {
      headers: { ...as(owner), 'x-workspace-id': owner.workspaceId },
    });
    expect(log.status).toBe(200);
    const { entries } = (await log.json()) as { entries: Array<Record<string, unknown>> };
    const entry = entries.find((e) => e.resourceId === 'r20b.by_key');
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry), 'the entry does not say which API key made the change').toContain(key.apiKey.keyId);
  });
});
