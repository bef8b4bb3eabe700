/**
 * Review round 20 second re-review (r20s1): an API key still hands out lasting access through role
 * changes, which 23a6857's "Keys hand out nothing" rule was meant to end.
 *
 * Defect (MEDIUM): 23a6857 makes every route declared `handsOutAccess` session only, "so nothing a
 * leaked key creates outlives its revocation" (docs/IDENTITY.md "Keys hand out nothing": "a leaked
 * key could leave behind access that revoking it would not end: ... an invite that makes the
 * holder an admin once accepted"). Two routes that hand out exactly that access are not declared
 * so and still take a key:
 *  1. `PATCH /api/workspaces/{id}/members/{userId}` (`members:update`): a leaked admin/owner key
 *     promotes a member it colludes with (a viewer, a contractor) to `admin` at once: strictly
 *     more than the refused invite, which still had to be accepted;
 *  2. `PUT /api/workspaces/{id}/roles/{roleName}` (`roles:manage`): a leaked owner key redefines
 *     the custom role that member holds to every permission.
 * Revoking the key (what docs/IDENTITY.md prescribes on a leak) leaves the promotion in place:
 * nothing ties it to the key.
 * Root cause: lib/definition/identity-routes.ts (`members.update` and `roles.put` lack
 * `handsOutAccess`), so shared/identity/permissions.ts `apiKeysMayCall` lets keys call them.
 * Correct: a route that grants a member more access (a role change, a role redefinition) is
 * session only like invites: a key gets 403 `API_KEY_NOT_ALLOWED` and nothing changes (or the
 * grant records the key and is undone with it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { PERMISSIONS } from '../../shared/identity/permissions';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20s1-grant-owner', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
type Answer = { status: number; body: any };

async function call(headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function ownersKey(scopes: readonly string[]) {
  const created = await call(as(owner), 'POST', '/api/security/api-keys', { name: 'automation', scopes });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { key: string; apiKey: { keyId: string } };
}

async function revokeKey(keyId: string) {
  const revoked = await call(as(owner), 'DELETE', `/api/security/api-keys/${keyId}`);
  expect(revoked.status, JSON.stringify(revoked.body)).toBe(204);
}

async function roleOf(userId: string): Promise<string | undefined> {
  const members = await call(as(owner), 'GET', `/api/workspaces/${owner.workspaceId}/members`);
  return members.body.members.find((m: { userId: string }) => m.userId === userId)?.role;
}

describe('r20s1: a revoked key leaves no role grant behind', () => {
  it('a member promoted to admin with a leaked key stays admin once the key is revoked', async () => {
    const insider = await newUser(runtime, 'r20s1-insider');
    await addMember(runtime, owner.workspaceId, owner.organizationId, insider, 'viewer');
    // An owner's automation key with every scope (granting admin takes holding what an admin holds).
    const leaked = await ownersKey([...PERMISSIONS]);

    const promoted = await call(
      bearer(leaked.key),
      'PATCH',
      `/api/workspaces/${owner.workspaceId}/members/${insider.userId}`,
      { role: 'admin' },
    );
    // The owner learns of the leak and revokes the key.
    await revokeKey(leaked.apiKey.keyId);

    expect(
      { status: promoted.status, code: promoted.body?.code, roleAfterRevocation: await roleOf(insider.userId) },
      'a key promoted a member to admin, and revoking the key left the admin in place',
    ).toEqual({ status: 403, code: 'API_KEY_NOT_ALLOWED', roleAfterRevocation: 'viewer' });
  });

  it('a custom role redefined with a leaked key keeps every permission once the key is revoked', async () => {
    const made = await call(as(owner), 'PUT', `/api/workspaces/${owner.workspaceId}/roles/helper`, {
      permissions: ['contacts:read'],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const insider = await newUser(runtime, 'r20s1-helper');
    await addMember(runtime, owner.workspaceId, owner.organizationId, insider, 'helper');
    const leaked = await ownersKey([...PERMISSIONS]);
    const everything = PERMISSIONS.filter((p) => p !== 'roles:manage');

    const redefined = await call(bearer(leaked.key), 'PUT', `/api/workspaces/${owner.workspaceId}/roles/helper`, {
      permissions: everything,
    });
    await revokeKey(leaked.apiKey.keyId);

    const roles = await call(as(owner), 'GET', `/api/workspaces/${owner.workspaceId}/roles`);
    const helper = roles.body.roles.find((r: { name: string }) => r.name === 'helper');
    expect(
      { status: redefined.status, code: redefined.body?.code, permissions: helper?.permissions },
      'a key widened the role a member holds, and revoking the key left the widened role in place',
    ).toEqual({ status: 403, code: 'API_KEY_NOT_ALLOWED', permissions: ['contacts:read'] });
  });
});
