/**
 * API keys of a workspace. The raw key (`uh_` + 32 hex) is returned once, at creation;
 * only its SHA-256 is stored and listings show the 11-character prefix. A key can only
 * carry permissions its creator holds, so a key never widens what its creator may do, and
 * only a signed-in person creates keys (the route hands out access, so it refuses API keys:
 * shared/identity/permissions.ts apiKeysMayCall), so no key outlives the revocation of another.
 * The list and revoke routes are open to every member of the workspace (`anyMember`): these use
 * cases alone decide who may list and revoke what, so the edge refuses no one they admit. Members
 * see (`api-keys:read`) and revoke (always, signed in) their own keys; `api-keys:read-all` and
 * `api-keys:revoke` reach everyone's.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import { assertEmailVerified, type UserDirectory } from '../identity/email-verified';
import type { ApiKey } from '../identity/model';
import type { Permission } from '../identity/permissions';
import { apiKeyPrefix, newApiKey, sha256 } from '../identity/tokens';
import type { ApiKeyStore, Caller } from './ports';

export const MAX_ACTIVE_API_KEYS = 50;

export interface ApiKeyDeps {
  readonly store: ApiKeyStore;
  readonly now: () => Date;
}

/** What listings show of a key: never its hash. */
export type ApiKeyView = Omit<ApiKey, 'workspaceId'>;

export interface CreatedApiKey {
  /** The raw key: shown here and never again. */
  readonly key: string;
  readonly apiKey: Pick<ApiKey, 'keyId' | 'name' | 'prefix' | 'scopes' | 'createdAt'>;
}

/**
 * Key ids sort by creation time (base-36 milliseconds, then randomness), so the workspace
 * index lists keys newest first without reading them all.
 */
export const newKeyId = (at: Date): string =>
  `${at.getTime().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;

/**
 * Creates a key with `scopes` for the caller's workspace (`api-keys:create` among them grants the
 * key nothing: the one route that needs it hands out access, so it refuses keys). Only a user whose email address is
 * verified may (the pre-account takeover rule of shared/identity/email-verified.ts). The key is
 * tied to the password version of the caller's session or key: written only while that version
 * is still current (a password reset landing after the caller's credential was read leaves no
 * key behind, whatever the clocks say), and ended by any later password change. It is written
 * only while the caller is still a member with the role the edge read, too: a key made by someone
 * removed or demoted meanwhile is never written (a removal's sweep follows its delete).
 * @throws UnauthorizedError `SESSION_INVALID` when the caller's password changed since their
 *   session or key was read (as an expired session).
 * @throws ConflictError `CONCURRENT_CHANGE` when the caller's membership changed meanwhile.
 * @throws ForbiddenError `EMAIL_NOT_VERIFIED` when the caller's address is not verified.
 * @throws ForbiddenError `SCOPE_NOT_HELD` when a scope is not among the caller's permissions.
 * @throws ConflictError `API_KEY_LIMIT` when the workspace has {@link MAX_ACTIVE_API_KEYS} active keys.
 */
export async function createApiKey(
  caller: Caller,
  input: { readonly name: string; readonly scopes: readonly Permission[] },
  deps: ApiKeyDeps & { readonly users: UserDirectory },
): Promise<CreatedApiKey> {
  await assertEmailVerified(caller.userId, deps.users, 'create API keys');
  const scopes = [...new Set(input.scopes)];
  const notHeld = scopes.filter((scope) => !caller.permissions.has(scope));
  if (notHeld.length > 0) {
    throw new ForbiddenError(`A key can't carry permissions you don't hold: ${notHeld.join(', ')}`, 'SCOPE_NOT_HELD');
  }
  const now = deps.now();
  const raw = newApiKey();
  const key: ApiKey = {
    keyId: newKeyId(now),
    workspaceId: caller.workspaceId,
    name: input.name,
    prefix: apiKeyPrefix(raw),
    scopes,
    createdBy: caller.userId,
    createdAt: now.toISOString(),
    usageCount: 0,
    isActive: true,
    ...(caller.passwordVersion === undefined ? {} : { passwordVersion: caller.passwordVersion }),
  };
  const outcome = await deps.store.create(
    { key, keyHash: sha256(raw), createdByEmail: caller.email },
    MAX_ACTIVE_API_KEYS,
    caller.role,
  );
  if (outcome === 'password-changed') {
    throw new UnauthorizedError('The session has expired or was ended; log in again', 'SESSION_INVALID');
  }
  if (outcome === 'creator-changed') {
    throw new ConflictError('Your membership changed meanwhile; reload and try again', 'CONCURRENT_CHANGE');
  }
  if (outcome === 'limit-reached') {
    throw new ConflictError(
      `A workspace may have at most ${MAX_ACTIVE_API_KEYS} active API keys; revoke one first`,
      'API_KEY_LIMIT',
    );
  }
  const { keyId, name, prefix, createdAt } = key;
  return { key: raw, apiKey: { keyId, name, prefix, scopes, createdAt } };
}

/**
 * The caller's keys (`api-keys:read`), newest first, with usage; never a hash or a raw key. With
 * `api-keys:read-all` every key of the workspace: the listing shows where each key was last used
 * from (other people's IP addresses), which `api-keys:read` alone does not show of anyone's but the
 * caller's.
 * @throws ForbiddenError `PERMISSION_DENIED` when the caller holds neither permission.
 */
export async function listApiKeys(
  caller: Caller,
  page: { readonly limit: number; readonly cursor?: string },
  deps: Pick<ApiKeyDeps, 'store'>,
): Promise<{ apiKeys: ApiKeyView[]; nextCursor?: string }> {
  const all = caller.permissions.has('api-keys:read-all');
  if (!all && !caller.permissions.has('api-keys:read')) {
    throw new ForbiddenError(
      'Listing API keys needs api-keys:read (your own) or api-keys:read-all (every key)',
      'PERMISSION_DENIED',
    );
  }
  const createdBy = all ? undefined : caller.userId;
  const { items, nextCursor } = await deps.store.list(caller.workspaceId, page.limit, page.cursor, createdBy);
  const apiKeys = items.map(view);
  return nextCursor ? { apiKeys, nextCursor } : { apiKeys };
}

/**
 * Revokes a key of the caller's workspace. Its creator, signed in, may always, whatever their role
 * holds now (whoever minted a credential must be able to end it, even after a demotion that keeps
 * the key working within the new role); anyone else's key needs `api-keys:revoke`, and so does any
 * revocation made with an API key (a key acts within its scopes only, so a leaked key cannot end
 * its owner's other keys). "Its creator" is checked in the store's conditional write, on the
 * stored `createdBy`. Revoking twice is a no-op: `already-revoked`, the first revoker and time
 * stay, and the edge writes no second audit entry (functions/security.ts).
 * @throws NotFoundError `API_KEY_NOT_FOUND` when the workspace has no such key.
 * @throws ForbiddenError `PERMISSION_DENIED` when the key is not the caller's own to revoke.
 */
export async function revokeApiKey(
  caller: Caller,
  keyId: string,
  deps: ApiKeyDeps,
): Promise<'revoked' | 'already-revoked'> {
  const anyKey = caller.permissions.has('api-keys:revoke');
  if (!anyKey && caller.apiKeyId !== undefined) throw revokeDenied();
  const at = deps.now().toISOString();
  const outcome = await deps.store.revoke(
    caller.workspaceId,
    keyId,
    caller.userId,
    at,
    anyKey ? undefined : caller.userId,
  );
  if (outcome === 'not-found') throw new NotFoundError('No such API key', 'API_KEY_NOT_FOUND');
  if (outcome === 'not-creator') throw revokeDenied();
  return outcome;
}

const revokeDenied = () =>
  new ForbiddenError(
    'Revoking a key you did not create, or revoking with an API key, needs the api-keys:revoke permission',
    'PERMISSION_DENIED',
  );

function view(key: ApiKey): ApiKeyView {
  return {
    keyId: key.keyId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdBy: key.createdBy,
    createdAt: key.createdAt,
    usageCount: key.usageCount,
    isActive: key.isActive,
    ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt } : {}),
    ...(key.lastUsedIp ? { lastUsedIp: key.lastUsedIp } : {}),
    ...(key.revokedAt ? { revokedAt: key.revokedAt } : {}),
    ...(key.revokedBy ? { revokedBy: key.revokedBy } : {}),
  };
}
