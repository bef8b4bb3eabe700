/**
 * Ports of the governance use cases (API keys, audit log, security alerts, settings).
 * Adapters live in shared/adapters; tests pass small in-memory ones.
 */
import type { ApiKey } from '../identity/model';
import type { Permission } from '../identity/permissions';
import type { AuditEntry } from '../identity/ports';
import type { SecurityAlert } from '../security/abuse-alerts';

/** The caller of a workspace-scoped route, as plain values (the edge has checked membership and permission). */
export interface Caller {
  readonly workspaceId: string;
  readonly organizationId: string;
  /** The caller's role in the workspace: a built-in one or a custom role's name. */
  readonly role: string;
  readonly userId: string;
  readonly email: string;
  /** Effective permissions in the workspace (narrowed to the key's scopes for API-key calls). */
  readonly permissions: ReadonlySet<Permission>;
  /**
   * The password version the caller's session or key was issued under; what the caller hands
   * out is written only while it is still current. Absent when unknown (nothing is checked).
   */
  readonly passwordVersion?: number;
  /** The API key the caller is using; absent for a signed-in session. */
  readonly apiKeyId?: string;
}

/** A page of a listing; `nextCursor` is opaque and absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

// ---- API keys -------------------------------------------------------------------------

/** What is stored for a new key: the record plus the SHA-256 of the raw key and the creator's email. */
export interface NewApiKey {
  readonly key: ApiKey;
  readonly keyHash: string;
  readonly createdByEmail: string;
}

export interface ApiKeyStore {
  /**
   * Stores the key unless the workspace already has `maxActive` active keys, and, when the key
   * records a `passwordVersion`, only while its creator's password still has that version
   * (`password-changed` otherwise), and, with `creatorRole` (the role the key was judged on), only
   * while its creator is still a member with that role (`creator-changed` otherwise: a removal's
   * sweep, which follows its delete, misses no key), in the same atomic write.
   */
  create(
    record: NewApiKey,
    maxActive: number,
    creatorRole?: string,
  ): Promise<'created' | 'limit-reached' | 'password-changed' | 'creator-changed'>;
  /** The workspace's keys (active and revoked), newest first; only those `createdBy` created, when given. */
  list(workspaceId: string, limit: number, cursor?: string, createdBy?: string): Promise<Page<ApiKey>>;
  /**
   * Revokes the key `keyId` of `workspaceId`; a key of another workspace is `not-found`. With
   * `createdBy`, only a key that user created, in the same conditional write (`not-creator` otherwise).
   */
  revoke(
    workspaceId: string,
    keyId: string,
    by: string,
    at: string,
    createdBy?: string,
  ): Promise<'revoked' | 'already-revoked' | 'not-found' | 'not-creator'>;
  /** Revokes every active key `userId` created in `workspaceId` (a member removed); returns how many. */
  revokeCreatedBy(workspaceId: string, userId: string, by: string, at: string): Promise<number>;
}

// ---- Audit log ------------------------------------------------------------------------

export type StoredAuditEntry = AuditEntry & { readonly id: string; readonly createdAt: string };

export interface AuditQuery {
  readonly workspaceId: string;
  readonly eventType?: string;
  readonly actorId?: string;
  /** Entries of requests made with this API key. */
  readonly apiKeyId?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  /** Inclusive bounds, normalised ISO-8601 (`toISOString`). */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AuditReader {
  /** Entries of the query's workspace matching every given filter, newest first. */
  list(query: AuditQuery): Promise<Page<StoredAuditEntry>>;
}

// ---- Security alerts ------------------------------------------------------------------

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type AlertSeverity = SecurityAlert['severity'];

/** An alert as stored by the edge, plus its handling (types not known here are listed as they are). */
export interface AlertRecord extends Omit<SecurityAlert, 'alertType'> {
  readonly alertType: string;
  readonly status: AlertStatus;
  readonly resolved: boolean;
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
}

export interface AlertQuery {
  readonly workspaceId: string;
  readonly status?: AlertStatus;
  readonly severity?: AlertSeverity;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AlertStore {
  /** The workspace's alerts, newest first. */
  list(query: AlertQuery): Promise<Page<AlertRecord>>;
  /** Stamps the first acknowledgement (later ones change nothing); undefined when the workspace has no such alert. */
  acknowledge(workspaceId: string, alertId: string, by: string, at: string): Promise<AlertRecord | undefined>;
  /** Resolves (idempotent: the first resolver and time stay); undefined when the workspace has no such alert. */
  resolve(workspaceId: string, alertId: string, by: string, at: string): Promise<AlertRecord | undefined>;
}

// ---- Settings -------------------------------------------------------------------------

/** Where the ciphertext of a secret setting belongs; bound to it as AAD / KMS encryption context. */
export interface SecretContext {
  /** The workspace id, or `*` for global settings (not a valid workspace id character). */
  readonly workspaceId: string;
  readonly key: string;
}

/** An envelope-encrypted value: a fresh data key per value, itself wrapped by a key-encryption key. */
export interface Sealed {
  readonly v: 1;
  /** Which key-encryption key wrapped the data key. */
  readonly kek: 'kms' | 'local';
  /** KMS key ARN, or a fingerprint of the local key, so a wrong key fails with a clear message. */
  readonly kekId: string;
  /** base64 */
  readonly wrappedKey: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

export interface SecretBox {
  seal(plaintext: string, context: SecretContext): Promise<Sealed>;
  /** Throws when the envelope was sealed under another context or key. */
  open(sealed: Sealed, context: SecretContext): Promise<string>;
}

export type SettingScope = 'global' | 'workspace';

/** A stored setting: plain values as JSON text, secret ones sealed. */
export type StoredSetting = {
  readonly key: string;
  readonly scope: SettingScope;
  readonly updatedAt: string;
  readonly updatedBy?: string;
} & ({ readonly isSecret: false; readonly valueJson: string } | { readonly isSecret: true; readonly sealed: Sealed });

export interface SettingStore {
  /**
   * One page of the workspace's effective settings by key: its own, and the global ones it does not
   * override; at most `limit`, and no more than a function may answer; `nextCursor` resumes after
   * the last one.
   * @throws InvalidCursorError when the cursor is not one this listing handed out for the workspace.
   */
  list(
    workspaceId: string,
    page: { readonly limit: number; readonly cursor?: string },
  ): Promise<{ settings: StoredSetting[]; nextCursor?: string }>;
  /** The workspace's setting, or with `workspaceId` undefined the global one. */
  get(workspaceId: string | undefined, key: string): Promise<StoredSetting | undefined>;
  /**
   * Replaces a workspace setting, or creates it while the workspace keeps fewer than
   * `maxSettings` (counted atomically with the create, so concurrent creates cannot pass it);
   * `limit-reached` stores nothing.
   */
  put(
    workspaceId: string,
    setting: StoredSetting,
    maxSettings: number,
  ): Promise<'created' | 'replaced' | 'limit-reached'>;
  /** Removes a workspace setting (giving its slot back); false when there was none. */
  delete(workspaceId: string, key: string): Promise<boolean>;
}
