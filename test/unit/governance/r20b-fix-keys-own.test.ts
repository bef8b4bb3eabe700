// Review round 20: this test failed at 16f866a.
// A member could create API keys but not revoke even their own (only `api-keys:revoke` could), and the
// key listing showed every member every key of the workspace with where it was last used from.
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/definition';
import type { ApiKeyDeps } from '../../../shared/governance/api-keys';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../shared/governance/api-keys';
import type { Caller } from '../../../shared/governance/ports';
import { BUILTIN_ROLE_PERMISSIONS, type Permission } from '../../../shared/identity/permissions';
import { sha256 } from '../../../shared/identity/tokens';
import { callerIn, MemoryApiKeys, verifiedUsers } from './memory-stores';

const users = verifiedUsers();
const now = () => new Date('2026-03-01T10:00:00.000Z');
const admin = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.admin, 'admin-1');
const member = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.member, 'member-1');
const otherMember = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.member, 'member-2');
/** The member, calling with one of their keys (scoped to read keys) rather than signed in. */
const memberByKey = (keyId: string): Caller => ({ ...member, apiKeyId: keyId }) as Caller;

async function keyOf(caller: Caller, store: MemoryApiKeys, name = 'k') {
  const deps: ApiKeyDeps & { users: typeof users } = { store, now, users };
  return createApiKey(caller, { name, scopes: ['contacts:read'] }, deps);
}

describe('r20b: who may revoke a key', () => {
  it('lets a member through the edge of the revoke route (the use case then checks whose key it is)', () => {
    // r20r1: both routes are open to every member (`anyMember`); the use cases decide.
    const revoke = routes.find((r) => r.id === 'api-keys.revoke');
    expect(revoke?.anyMember).toBe(true);
    const list = routes.find((r) => r.id === 'api-keys.list');
    expect(list?.anyMember).toBe(true);
  });

  it('lets a member revoke a key they created, without api-keys:revoke', async () => {
    const store = new MemoryApiKeys();
    const mine = await keyOf(member, store);
    expect(member.permissions.has('api-keys:revoke')).toBe(false);

    await expect(revokeApiKey(member, mine.apiKey.keyId, { store, now })).resolves.toBe('revoked');
    expect(store.findActive(sha256(mine.key))).toBeUndefined();
  });

  it("refuses a member another user's key (403 PERMISSION_DENIED) and leaves it working", async () => {
    const store = new MemoryApiKeys();
    const admins = await keyOf(admin, store);
    const others = await keyOf(otherMember, store);

    for (const keyId of [admins.apiKey.keyId, others.apiKey.keyId]) {
      await expect(revokeApiKey(member, keyId, { store, now })).rejects.toMatchObject({
        status: 403,
        code: 'PERMISSION_DENIED',
      });
    }
    expect(store.findActive(sha256(admins.key))).toBeDefined();
    expect(store.findActive(sha256(others.key))).toBeDefined();
  });

  it("lets api-keys:revoke revoke anyone's key", async () => {
    const store = new MemoryApiKeys();
    const members = await keyOf(member, store);
    await expect(revokeApiKey(admin, members.apiKey.keyId, { store, now })).resolves.toBe('revoked');
  });

  it('keeps the own-key rule for the person: a key without api-keys:revoke revokes no key, not even its creator’s', async () => {
    const store = new MemoryApiKeys();
    const first = await keyOf(member, store, 'first');
    const second = await keyOf(member, store, 'second');

    await expect(
      revokeApiKey(memberByKey(first.apiKey.keyId), second.apiKey.keyId, { store, now }),
    ).rejects.toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    expect(store.findActive(sha256(second.key))).toBeDefined();
    // A key that holds api-keys:revoke (within its creator's role) may.
    const adminKey = { ...admin, apiKeyId: 'k-admin' } as Caller;
    await expect(revokeApiKey(adminKey, second.apiKey.keyId, { store, now })).resolves.toBe('revoked');
  });

  it('answers 404 for a key that is not there, whoever asks', async () => {
    const store = new MemoryApiKeys();
    await expect(revokeApiKey(member, 'nokey', { store, now })).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
  });
});

describe('r20b: who sees which keys', () => {
  it('shows a member only their own keys, and a holder of api-keys:read-all every key', async () => {
    const store = new MemoryApiKeys();
    const mine = await keyOf(member, store);
    const admins = await keyOf(admin, store);
    const others = await keyOf(otherMember, store);

    const seenByMember = (await listApiKeys(member, { limit: 50 }, { store })).apiKeys.map((k) => k.keyId);
    expect(seenByMember).toEqual([mine.apiKey.keyId]);
    const seenByAdmin = (await listApiKeys(admin, { limit: 50 }, { store })).apiKeys.map((k) => k.keyId);
    expect(seenByAdmin.sort()).toEqual([mine, admins, others].map((k) => k.apiKey.keyId).sort());
  });

  it('gives the full listing to admins and owners only; members read and revoke their own keys', () => {
    const full: Permission = 'api-keys:read-all' as Permission;
    expect(BUILTIN_ROLE_PERMISSIONS.owner).toContain(full);
    expect(BUILTIN_ROLE_PERMISSIONS.admin).toContain(full);
    expect(BUILTIN_ROLE_PERMISSIONS.member).not.toContain(full);
    expect(BUILTIN_ROLE_PERMISSIONS.viewer).not.toContain(full);
    expect(BUILTIN_ROLE_PERMISSIONS.member).toEqual(expect.arrayContaining(['api-keys:read', 'api-keys:create']));
  });
});
