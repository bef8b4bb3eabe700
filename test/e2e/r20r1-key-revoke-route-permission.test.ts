/**
 * Review round 20 re-review (r20r1): the revoke and list routes of API keys are gated at the edge by
 * `api-keys:read`, which the permissions that the use cases check do not imply.
 *
 * Defect (MEDIUM): e8d5afa moved `DELETE /api/security/api-keys/{keyId}` from `api-keys:revoke` to
 * `api-keys:read` (lib/definition/identity-routes.ts), and lets `revokeApiKey` decide: "A key's
 * creator, signed in, may always revoke it (whoever may mint a credential must be able to end
 * it); another user's key needs `api-keys:revoke`" (docs/IDENTITY.md, shared/governance/api-keys.ts).
 * But the edge refuses with 403 `PERMISSION_DENIED` ("This needs the api-keys:read permission")
 * before the use case runs, whenever the caller lacks `api-keys:read`:
 *  1. a member demoted to `viewer` (changeRole revokes none of their keys, which keep working
 *     within the viewer's reads) can no longer revoke, nor even list, the keys they created;
 *  2. a custom role holding `api-keys:create` without `api-keys:read` mints keys it can never end;
 *  3. a custom role holding `api-keys:revoke` without `api-keys:read` (stored before this change,
 *     when that was exactly what the route needed: an incident-response role) can revoke nothing;
 *  4. a custom role holding `api-keys:read-all` alone cannot list any key (the route needs
 *     `api-keys:read`), although read-all is documented as the permission of the full listing.
 * Root cause: lib/definition/identity-routes.ts (`api-keys.revoke` and `api-keys.list` declare
 * `permission: 'api-keys:read'`), with shared/identity/authenticate.ts checking only that one.
 * Correct: the edge lets any caller who may hold a key or revoke one reach the use case (e.g. a
 * route permission check that accepts any of `api-keys:read`, `api-keys:read-all`,
 * `api-keys:create`, `api-keys:revoke`, or a creator check that does not depend on the role), and
 * roles.put rejects/normalises combinations the routes cannot serve; at least the creator of a key
 * can always revoke it with a session, as documented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20r1-revoke-owner', { verified: true });
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
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { key: string; apiKey: { keyId: string } };
}

async function putRole(name: string, permissions: string[]) {
  const res = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/roles/${name}`, {
    method: 'PUT',
    headers: as(owner),
    body: JSON.stringify({ permissions }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function memberWithRole(label: string, role: string) {
  const user = await newUser(runtime, label, { verified: true });
  await addMember(runtime, owner.workspaceId, owner.organizationId, user, role);
  return user;
}

const revoke = (user: TestUser, keyId: string) =>
  fetch(`${runtime.url}/api/security/api-keys/${keyId}`, { method: 'DELETE', headers: inWorkspace(user) });

describe('r20r1: who may reach the revoke and list routes', () => {
  it('a member demoted to viewer may still revoke the key they created (the key still works)', async () => {
    const member = await memberWithRole('r20r1-demoted', 'member');
    const mine = await createKey(member, ['contacts:read']);
    const demote = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/members/${member.userId}`, {
      method: 'PATCH',
      headers: as(owner),
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(demote.status, await demote.clone().text()).toBe(200);
    // The key still acts, within the viewer's reads.
    const used = await fetch(`${runtime.url}/api/contacts/list`, { headers: { authorization: `Bearer ${mine.key}` } });
    expect(used.status).toBe(200);

    const res = await revoke(member, mine.apiKey.keyId);
    expect(res.status, `the key's creator (now a viewer) revoking it: ${await res.text()}`).toBe(204);
  });

  it('a custom role that may create keys may revoke the ones it created', async () => {
    await putRole('integrator', ['contacts:read', 'api-keys:create']);
    const integrator = await memberWithRole('r20r1-integrator', 'integrator');
    const mine = await createKey(integrator, ['contacts:read']);
    const res = await revoke(integrator, mine.apiKey.keyId);
    expect(res.status, `the key's creator revoking it: ${await res.text()}`).toBe(204);
  });

  it('a custom role holding api-keys:revoke may revoke another user’s key', async () => {
    await putRole('key-warden', ['api-keys:revoke']);
    const warden = await memberWithRole('r20r1-warden', 'key-warden');
    const leaked = await createKey(owner, ['contacts:read']);
    const res = await revoke(warden, leaked.apiKey.keyId);
    expect(res.status, `api-keys:revoke revoking the owner's key: ${await res.text()}`).toBe(204);
  });

  it('a custom role holding api-keys:read-all may list the workspace’s keys', async () => {
    await putRole('key-auditor', ['api-keys:read-all']);
    const auditor = await memberWithRole('r20r1-auditor', 'key-auditor');
    const res = await fetch(`${runtime.url}/api/security/api-keys`, { headers: inWorkspace(auditor) });
    expect(res.status, `api-keys:read-all listing: ${await res.text()}`).toBe(200);
  });
});
