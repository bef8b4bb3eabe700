/**
 * Opaque credentials. Raw tokens and keys are random, shown to their owner once, and
 * only their SHA-256 is stored, so a leaked table does not leak a usable credential.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: session cookies, reset, verification and invite tokens. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * A session cookie's token: the user id, a dot, then a random token. Only the SHA-256 of the
 * whole value is stored, so the id part is not a credential: it lets the edge fetch the
 * session, the user and the membership in one batch read, and a session whose stored user is
 * not the named one is refused (shared/adapters/dynamo-sessions.ts).
 */
export const newSessionToken = (userId: string): string => `${userId}.${newToken()}`;

/** The user a session token names (see {@link newSessionToken}), when it is of that form. */
export function sessionTokenUser(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot < 1) return undefined;
  const userId = token.slice(0, dot);
  return RECORD_ID_PATTERN.test(userId) ? userId : undefined;
}

/** `uh_` + 32 lowercase hex (128 bits), the reference's API key format. */
export const newApiKey = (): string => `uh_${randomBytes(16).toString('hex')}`;
export const API_KEY_PATTERN = /^uh_[0-9a-f]{32}$/;
export const apiKeyPrefix = (key: string): string => key.slice(0, 11);

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What every record id we mint looks like (base64url or hex, at most 64 characters). */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Short random ids for records (URL-safe, 16 bytes). */
export const newId = (): string => randomBytes(16).toString('base64url');
