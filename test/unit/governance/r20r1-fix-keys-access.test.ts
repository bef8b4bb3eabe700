// Review round 20: this test failed at 27bc9a0.
// The key routes are open to every member at the edge, so the use cases alone decide who may list
// and revoke: a creator without any api-keys permission (a member demoted to viewer) still revokes
// their key, `api-keys:read-all` alone lists every key, and a caller with neither read permission lists none.
import { describe, expect, it } from 'vitest';
import type { ApiKeyDeps } from '../../../shared/governance/api-keys';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../shared/governance/api-keys';
import type { Caller } from '../../../shared/governance/ports';
import { BUILTIN_ROLE_PERMISSIONS } from '../../../shared/identity/permissions';
import { sha256 } from '../../../shared/identity/tokens';
import { callerIn, MemoryApiKeys, verifiedUsers } from './memory-stores';

const users = verifiedUsers();
const now = () => new Date('2026-12-07T10:00:00.000Z');
const owner = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.owner, 'owner-1');
const member = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.member, 'member-1');
/** The same person after a demotion to viewer: no api-keys permission at all. */
const demoted = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.viewer, 'member-1');
const byKey = (caller: Caller, keyId = 'k-used'): Caller => ({ ...caller, apiKeyId: keyId }) as Caller;

async function keyOf(caller: Caller, store: MemoryApiKeys) {
  const deps: ApiKeyDeps & { users: typeof users } = { store, now, users };
  return createApiKey(caller, { name: 'k', scopes: ['contacts:read'] }, deps);
}

describe('r20r1: revoking, decided by the use case alone', () => {
  it('lets a creator without any api-keys permission revoke their own key, signed in', async () => {
    const store = new MemoryApiKeys();
    const mine = await keyOf(member, store);
    expect(BUILTIN_ROLE_PERMISSIONS.viewer.some((p) => p.startsWith('api-keys:'))).toBe(false);
    await expect(revokeApiKey(demoted, mine.apiKey.keyId, { store, now })).resolves.toBe('revoked');
    expect(store.findActive(sha256(mine.key))).toBeUndefined();
  });

  it('lets api-keys:revoke alone revoke anyone’s key, signed in or with a key scoped to it', async () => {
    const store = new MemoryApiKeys();
    const first = await keyOf(owner, store);
    const second = await keyOf(owner, store);
    const warden = callerIn('ws-a', ['api-keys:revoke'], 'warden-1');
    await expect(revokeApiKey(warden, first.apiKey.keyId, { store, now })).resolves.toBe('revoked');
    await expect(revokeApiKey(byKey(warden), second.apiKey.keyId, { store, now })).resolves.toBe('revoked');
  });

  it('refuses another user’s key, and any revocation made with a key, without api-keys:revoke', async () => {
    const store = new MemoryApiKeys();
    const owners = await keyOf(owner, store);
    const mine = await keyOf(member, store);
    await expect(revokeApiKey(demoted, owners.apiKey.keyId, { store, now })).rejects.toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
    });
    await expect(revokeApiKey(byKey(member), mine.apiKey.keyId, { store, now })).rejects.toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
    });
    expect(store.findActive(sha256(owners.key))).toBeDefined();
    expect(store.findActive(sha256(mine.key))).toBeDefined();
  });
});

describe('r20r1: listing, decided by the use case alone', () => {
  it('lists every key with api-keys:read-all alone, and one’s own with api-keys:read', async () => {
    const store = new MemoryApiKeys();
    const owners = await keyOf(owner, store);
    const mine = await keyOf(member, store);
    const auditor = callerIn('ws-a', ['api-keys:read-all'], 'auditor-1');
    const all = (await listApiKeys(auditor, { limit: 50 }, { store })).apiKeys.map((k) => k.keyId).sort();
    expect(all).toEqual([owners.apiKey.keyId, mine.apiKey.keyId].sort());
    const own = (await listApiKeys(member, { limit: 50 }, { store })).apiKeys.map((k) => k.keyId);
    expect(own).toEqual([mine.apiKey.keyId]);
  });

  it('refuses a caller holding neither api-keys:read nor api-keys:read-all: 403 PERMISSION_DENIED', async () => {
    const store = new MemoryApiKeys();
    await keyOf(member, store);
    await expect(listApiKeys(demoted, { limit: 50 }, { store })).rejects.toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
    });
    // A key acts within its scopes: one scoped without either reads no key list either.
    const scoped = byKey(callerIn('ws-a', ['contacts:read'], 'member-1'));
    await expect(listApiKeys(scoped, { limit: 50 }, { store })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
