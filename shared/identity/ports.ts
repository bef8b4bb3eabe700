/** Ports the HTTP edge uses to authenticate and authorise; adapters live in shared/adapters. */
import type { ApiKey, CustomRole, Membership, Session, User } from './model';

export interface SessionLookup {
  /**
   * The session of a raw cookie token's hash, if it is active (not revoked, not expired at `now`),
   * and its user. With `with` (the user the token names, and the workspace the request names,
   * if it does) one batch read also brings that membership: `null` when there is none. A
   * session of another user than the named one is not found.
   */
  findActive(
    tokenHash: string,
    now: Date,
    with_?: { readonly userId: string; readonly workspaceId?: string },
  ): Promise<{ session: Session; user: User; membership?: Membership | null } | undefined>;
  /** Updates lastSeenAt (callers throttle this). */
  touch(tokenHash: string, at: Date, ip: string): Promise<void>;
}

export interface ApiKeyLookup {
  /**
   * The active key of a raw key's hash, with the user who created it and, when the store reads
   * it in the same call, that user's membership of the key's workspace (`null`: none).
   */
  findActive(keyHash: string): Promise<{ key: ApiKey; user: User; membership?: Membership | null } | undefined>;
  /** Usage statistics; never fails the request (the edge catches). */
  recordUse(keyHash: string, at: Date, ip: string): Promise<void>;
}

/** What the edge reads a caller's standing in a workspace with; strongly consistent. */
export interface MembershipLookup {
  find(workspaceId: string, userId: string): Promise<Membership | undefined>;
  customRole(workspaceId: string, name: string): Promise<CustomRole | undefined>;
}

/** One audit entry, as the reference defines it. */
export interface AuditEntry {
  readonly workspaceId: string;
  readonly eventType: string;
  readonly eventAction: string;
  readonly actorType: 'user' | 'system' | 'agent';
  readonly actorId: string;
  readonly actorEmail?: string;
  /** The API key the actor made the request with; absent for a session (and for the system). */
  readonly apiKeyId?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** An entry as stored: with its id and time. */
export type AuditRecord = AuditEntry & { readonly id: string; readonly createdAt: string };

export interface AuditSink {
  /** Appends; may throw — callers go through `recordAudit`, which never fails the request. */
  append(entry: AuditRecord): Promise<void>;
}

/**
 * An audit entry written in the same transaction as the change it records, so the two exist
 * together or not at all, and the request saves the separate write the edge would make. The
 * store that commits the change puts `recordFor(subject)` beside it and, once committed, calls
 * `markWritten`; the edge writes an entry only for a request whose entry was not written so.
 */
export interface AuditInWrite<S> {
  recordFor(subject: S): AuditRecord;
  markWritten(): void;
  readonly written: boolean;
}

/** Outgoing transactional mail (verification, reset, invites). */
export interface EmailSender {
  send(message: { to: string; subject: string; text: string; html?: string }): Promise<{ messageId: string }>;
}
