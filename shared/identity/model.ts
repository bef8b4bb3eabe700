/** The identity and tenancy records, as plain values (storage keys live in the adapters). */
import type { Permission } from './permissions';

export interface User {
  readonly userId: string;
  /** Lower-cased; unique across the service. */
  readonly email: string;
  readonly name: string;
  readonly emailVerified: boolean;
  readonly defaultWorkspaceId: string;
  readonly createdAt: string;
}

export interface Organization {
  readonly organizationId: string;
  readonly name: string;
  readonly ownerUserId: string;
  readonly createdAt: string;
}

export interface Workspace {
  readonly workspaceId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface Membership {
  readonly workspaceId: string;
  readonly organizationId: string;
  readonly userId: string;
  /** A built-in role or the name of a custom role of the workspace. */
  readonly role: string;
  readonly joinedAt: string;
}

export interface Session {
  readonly sessionId: string;
  readonly userId: string;
  readonly ip: string;
  readonly userAgent: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string;
  /**
   * The password version the session was opened with (the credentials' `passwordVersion` its
   * log-in verified). A password change ends it; absent on sessions from before versions were
   * recorded (read as 0).
   */
  readonly passwordVersion?: number;
}

export interface ApiKey {
  readonly keyId: string;
  readonly workspaceId: string;
  readonly name: string;
  /** The first 11 characters (`uh_` + 8 hex), shown in listings. */
  readonly prefix: string;
  readonly scopes: readonly Permission[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly lastUsedIp?: string;
  readonly usageCount: number;
  readonly isActive: boolean;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  /**
   * The creator's password version the key was made under (that of the session or key that
   * asked for it). A password change ends it; keys from before versions were recorded have none
   * (the key lookup reports those under the version it read on the profile).
   */
  readonly passwordVersion?: number;
}

export interface CustomRole {
  readonly workspaceId: string;
  readonly name: string;
  readonly permissions: readonly Permission[];
  readonly createdAt: string;
}
