/**
 * Review round 20 (r20b): API keys of a workspace member (the built-in `member` role).
 *
 * Defect 1 (MEDIUM): a member can create API keys but cannot revoke even their own. The `member`
 * role holds `api-keys:create` and `api-keys:read` but not `api-keys:revoke`
 * (shared/identity/permissions.ts BUILTIN_ROLE_PERMISSIONS), and `DELETE
 * /api/security/api-keys/{keyId}` checks only that permission: a member who just pasted their key
 * into the wrong place gets 403 `PERMISSION_DENIED` and has to find an admin (or reset their
 * password, which ends every key and session they have) while the key keeps working. Whoever may
 * mint a credential must be able to kill it.
 * Root cause: shared/identity/permissions.ts (member role) with shared/governance/api-keys.ts:revokeApiKey
 * (no "own key" rule).
 * Correct: the creator of a key may revoke it (204) whatever their role; `api-keys:revoke` is
 * needed for other people's keys.
 *
 * Defect 2 (LOW): the key listing shows a member where every other user's keys were last used
 * from. permissions.ts keeps `api-keys:read` among ADMIN_READS because "the key list shows where
 * each key was last used from" (other people's IP addresses, personal data, least privilege) and
 * gives it to members only "for the keys they work with"; but `GET /api/security/api-keys`
 * returns every key of the workspace (shared/governance/api-keys.ts:listApiKeys), the owner's
 * included, with `lastUsedIp`, `lastUsedAt` and `createdBy`.
 * Root cause: shared/governance/api-keys.ts:listApiKeys (no per-caller narrowing).
 * Correct: a caller without an admin read (`audit:read`/`alerts:read`, or a dedicated permission)
 * sees only their own keys, or others' keys without `lastUsedIp`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let member: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20b-keys-owner', { verified: true });
  member = await newUser(runtime, 'r20b-keys-member', { verified: true });
  await addMember(runtime, owner.workspaceId, owner.organizationId, member, 'member');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const inWorkspace = (user: TestUser) => ({ ...as(user), 'x-workspace-id': owner.workspaceId });

async function createKey(user: TestUser, scopes: string[]) {
  const res = await fetch(`${runtime.url}/api/security/api-keys`, {
    method: 'POST',
    headers: inWorkspace(user),
    body: JSON.stringify({ name: 'integration', scopes }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { key: string; apiKey: { keyId: string } };
}

describe('r20b: a member’s API keys', () => {
  it('a member may revoke the key they created', async () => {
    const mine = await createKey(member, ['settings:read']);
    const res = await fetch(`${runtime.url}/api/security/api-keys/${mine.apiKey.keyId}`, {
      method: 'DELETE',
      headers: inWorkspace(member),
    });
    expect(res.status, `member revoking their own key: ${await res.text()}`).toBe(204);
    const after = await fetch(`${runtime.url}/api/settings`, { headers: { authorization: `Bearer ${mine.key}` } });
    expect(after.status).toBe(401);
  });

  it('a member does not see where other users’ keys were last used from', async () => {
    const owners = await createKey(owner, ['settings:read']);
    // The owner uses the key once.
    const used = await fetch(`${runtime.url}/api/settings`, {
      headers: { authorization: `Bearer ${owners.key}` },
    });
    expect(used.status).toBe(200);
    // recordUse is best-effort in the background: give it a moment to land.
    let listed: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 20; i++) {
      const ownerView = await fetch(`${runtime.url}/api/security/api-keys`, { headers: inWorkspace(owner) });
      listed = ((await ownerView.json()) as { apiKeys: Array<Record<string, unknown>> }).apiKeys;
      if (listed.find((k) => k.keyId === owners.apiKey.keyId)?.lastUsedIp) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(listed.find((k) => k.keyId === owners.apiKey.keyId)?.lastUsedIp).toBeTruthy();

    const res = await fetch(`${runtime.url}/api/security/api-keys`, { headers: inWorkspace(member) });
    expect(res.status).toBe(200);
    const seen = ((await res.json()) as { apiKeys: Array<Record<string, unknown>> }).apiKeys;
    const ownersKey = seen.find((k) => k.keyId === owners.apiKey.keyId);
    expect(ownersKey?.lastUsedIp, 'a member reads the owner’s key’s last-used IP address').toBeUndefined();
  });
});
