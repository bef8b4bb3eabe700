import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../shared/errors';
import { createApiKey, listApiKeys, MAX_ACTIVE_API_KEYS, revokeApiKey } from '../../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../../shared/identity/permissions';
import { API_KEY_PATTERN, sha256 } from '../../../shared/identity/tokens';
import { callerIn, MemoryApiKeys, verifiedUsers } from './memory-stores';

const users = verifiedUsers();

const now = () => new Date('2026-03-01T10:00:00.000Z');
const admin = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.admin, 'admin-1');
const member = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.member, 'member-1');
const otherAdmin = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.admin, 'admin-2');
const otherWorkspace = callerIn('ws-b', BUILTIN_ROLE_PERMISSIONS.owner, 'owner-b');

describe('API keys', () => {
  it('creates a key: the raw key once, stored only by its hash with the creator', async () => {
    const store = new MemoryApiKeys();
    const created = await createApiKey(
      admin,
      { name: 'CI', scopes: ['contacts:read', 'contacts:read'] },
      { store, now, users },
    );

    expect(created.key).toMatch(API_KEY_PATTERN);
    expect(created.apiKey).toEqual({
      keyId: expect.any(String),
      name: 'CI',
      prefix: created.key.slice(0, 11),
      scopes: ['contacts:read'],
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    const stored = store.byHash.get(sha256(created.key));
    expect(stored?.key).toMatchObject({ workspaceId: 'ws-a', createdBy: 'admin-1', isActive: true, usageCount: 0 });
    expect(stored?.createdByEmail).toBe('admin-1@example.test');
    expect(JSON.stringify(stored)).not.toContain(created.key);
  });

  it('lists prefix, name, scopes and usage, never the raw key or its hash', async () => {
    const store = new MemoryApiKeys();
    const created = await createApiKey(admin, { name: 'CI', scopes: ['audit:read'] }, { store, now, users });

    const listed = await listApiKeys(admin, { limit: 50 }, { store });

    expect(listed.apiKeys).toEqual([
      {
        keyId: created.apiKey.keyId,
        name: 'CI',
        prefix: created.key.slice(0, 11),
        scopes: ['audit:read'],
        createdBy: 'admin-1',
        createdAt: '2026-03-01T10:00:00.000Z',
        usageCount: 0,
        isActive: true,
      },
    ]);
    const text = JSON.stringify(listed);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(sha256(created.key));
  });

  it('refuses a caller whose email address is not verified (403 EMAIL_NOT_VERIFIED) and stores nothing', async () => {
    const store = new MemoryApiKeys();
    const attempt = createApiKey(
      admin,
      { name: 'CI', scopes: ['contacts:read'] },
      { store, now, users: verifiedUsers('admin-1') },
    );

    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    await expect(attempt).rejects.toMatchObject({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
    await expect(attempt).rejects.toThrow(/verify your email address/i);
    expect(store.byHash.size).toBe(0);
    // An unknown user (no profile) is no better than an unverified one.
    const ghost = callerIn('ws-a', BUILTIN_ROLE_PERMISSIONS.owner, 'ghost');
    const none = { findUser: async () => undefined };
    await expect(
      createApiKey(ghost, { name: 'x', scopes: ['contacts:read'] }, { store, now, users: none }),
    ).rejects.toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
  });

  it("refuses scopes the caller doesn't hold (403 SCOPE_NOT_HELD) and stores nothing", async () => {
    const store = new MemoryApiKeys();
    const attempt = createApiKey(
      member,
      { name: 'x', scopes: ['contacts:read', 'roles:manage'] },
      { store, now, users },
    );

    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    await expect(attempt).rejects.toMatchObject({ status: 403, code: 'SCOPE_NOT_HELD' });
    expect(store.byHash.size).toBe(0);
  });

  it(`allows ${MAX_ACTIVE_API_KEYS} active keys per workspace; a revoked one frees a slot`, async () => {
    const store = new MemoryApiKeys();
    const keys = [];
    for (let i = 0; i < MAX_ACTIVE_API_KEYS; i++) {
      keys.push(await createApiKey(admin, { name: `k${i}`, scopes: ['contacts:read'] }, { store, now, users }));
    }
    const over = createApiKey(admin, { name: 'one too many', scopes: ['contacts:read'] }, { store, now, users });
    await expect(over).rejects.toBeInstanceOf(ConflictError);
    await expect(over).rejects.toMatchObject({ status: 409, code: 'API_KEY_LIMIT' });
    // Another workspace has its own allowance.
    await expect(
      createApiKey(otherWorkspace, { name: 'b', scopes: ['contacts:read'] }, { store, now, users }),
    ).resolves.toBeDefined();

    await revokeApiKey(admin, keys[0]?.apiKey.keyId as string, { store, now });
    await expect(
      createApiKey(admin, { name: 'again', scopes: ['contacts:read'] }, { store, now, users }),
    ).resolves.toBeDefined();
  });

  it('revokes: the key is no longer found by the edge, and listings show who revoked it', async () => {
    const store = new MemoryApiKeys();
    const created = await createApiKey(admin, { name: 'CI', scopes: ['contacts:read'] }, { store, now, users });
    expect(store.findActive(sha256(created.key))).toBeDefined();

    // Another user's key: the revoker holds api-keys:revoke (a member may revoke only their own).
    await revokeApiKey(otherAdmin, created.apiKey.keyId, { store, now });

    expect(store.findActive(sha256(created.key))).toBeUndefined();
    const [listed] = (await listApiKeys(admin, { limit: 50 }, { store })).apiKeys;
    expect(listed).toMatchObject({ isActive: false, revokedBy: 'admin-2', revokedAt: '2026-03-01T10:00:00.000Z' });
    // Revoking again is a no-op, not an error (and says so: the edge writes no second audit entry).
    await expect(revokeApiKey(admin, created.apiKey.keyId, { store, now })).resolves.toBe('already-revoked');
  });

  it("answers 404 for another workspace's key and leaves it active", async () => {
    const store = new MemoryApiKeys();
    const created = await createApiKey(admin, { name: 'CI', scopes: ['contacts:read'] }, { store, now, users });

    const attempt = revokeApiKey(otherWorkspace, created.apiKey.keyId, { store, now });

    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect(store.findActive(sha256(created.key))).toBeDefined();
    expect((await listApiKeys(otherWorkspace, { limit: 50 }, { store })).apiKeys).toEqual([]);
  });

  it('gives key ids that sort by creation time', async () => {
    const store = new MemoryApiKeys();
    const first = await createApiKey(admin, { name: 'a', scopes: ['contacts:read'] }, { store, now, users });
    const later = () => new Date('2026-03-01T10:00:01.000Z');
    const second = await createApiKey(admin, { name: 'b', scopes: ['contacts:read'] }, { store, now: later, users });

    expect(second.apiKey.keyId > first.apiKey.keyId).toBe(true);
  });
});
