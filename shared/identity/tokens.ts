/**
 * Opaque credentials. Raw tokens and keys are random, shown to their owner once, and
 * only their SHA-256 is stored, so a leaked table does not leak a usable credential.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: session cookies, reset, verification and invite tokens. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** `uh_` + 32 lowercase hex (128 bits), the reference's API key format. */
export const newApiKey = (): string => `uh_${randomBytes(16).toString('hex')}`;
export const API_KEY_PATTERN = /^uh_[0-9a-f]{32}$/;
export const apiKeyPrefix = (key: string): string => key.slice(0, 11);

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What every record id we mint looks like (base64url or hex, at most 64 characters). */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Short random ids for records (URL-safe, 16 bytes). */
export const newId = (): string => randomBytes(16).toString('base64url');
