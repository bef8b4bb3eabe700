/**
 * Ports of the account use cases (sign-up, log-in, sessions, reset, devices). Adapters
 * live in shared/adapters (`dynamo-users`, `dynamo-sessions`, `dynamo-devices`,
 * `ses-email`); tests pass small in-memory ones.
 */
import type { Clock } from '../../resilience/clock';
import type { SecurityAlertSink } from '../../security/abuse-alerts';
import type { Membership, Organization, Session, User, Workspace } from '../model';
import type { AuditSink, EmailSender, SessionLookup } from '../ports';
import type { PasswordHasher } from './password';

/** Everything sign-up writes, in one transaction. */
export interface NewAccount {
  readonly user: User;
  readonly passwordHash: string;
  readonly organization: Organization;
  readonly workspace: Workspace;
  readonly membership: Membership;
}

export interface MembershipView extends Membership {
  readonly workspaceName: string;
}

export interface AccountStore {
  /** Writes all records atomically; `email-taken` when the address is already claimed (nothing is written). */
  create(account: NewAccount): Promise<'created' | 'email-taken'>;
  findByEmail(email: string): Promise<{ user: User; passwordHash: string } | undefined>;
  findUser(userId: string): Promise<User | undefined>;
  setPasswordHash(userId: string, passwordHash: string, at: Date): Promise<void>;
  markEmailVerified(userId: string, at: Date): Promise<void>;
  memberships(userId: string): Promise<MembershipView[]>;
}

export interface SessionStore extends SessionLookup {
  create(tokenHash: string, session: Session): Promise<void>;
  /** The user's sessions that are neither revoked nor expired at `now`, newest first. */
  listActive(userId: string, now: Date): Promise<Session[]>;
  /**
   * Revokes one of the user's active sessions; false when there is none with that id for
   * this user. `tokenHash`, when the caller holds it, addresses the record directly.
   */
  revoke(userId: string, sessionId: string, at: Date, tokenHash?: string): Promise<boolean>;
  /** Revokes every session of the user (those in flight too); returns how many were marked. */
  revokeAll(userId: string, at: Date): Promise<number>;
}

export type OneTimePurpose = 'verify-email' | 'password-reset';

/** Single-use tokens, stored by hash with a TTL. */
export interface OneTimeTokenStore {
  issue(tokenHash: string, purpose: OneTimePurpose, userId: string, expiresAt: Date): Promise<void>;
  /** The user id of a live token, without using it up. */
  peek(tokenHash: string, purpose: OneTimePurpose, now: Date): Promise<string | undefined>;
  /** Uses the token up atomically: only one caller ever gets the user id back. */
  consume(tokenHash: string, purpose: OneTimePurpose, now: Date): Promise<string | undefined>;
}

export interface FailureCount {
  readonly failures: number;
  /** Epoch milliseconds. */
  readonly lastFailureAt: number;
}

/** Failed log-in counters that forget after `windowSeconds` without a failure. */
export interface LoginAttemptStore {
  read(key: string, now: Date): Promise<FailureCount | undefined>;
  recordFailure(key: string, now: Date, windowSeconds: number): Promise<FailureCount>;
  clear(key: string): Promise<void>;
}

export interface TrustedDevice {
  /** The fingerprint hash. */
  readonly deviceId: string;
  readonly userId: string;
  readonly userAgent: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly lastIp: string;
}

export interface DeviceStore {
  /** Creates or refreshes the device; `isNew` when it had never been seen for this user. */
  recordSeen(device: {
    userId: string;
    deviceId: string;
    userAgent: string;
    ip: string;
    at: Date;
  }): Promise<{ isNew: boolean }>;
  list(userId: string): Promise<TrustedDevice[]>;
  /** False when the user has no such device. */
  forget(userId: string, deviceId: string): Promise<boolean>;
}

/** Where the request came from: audit entries, sessions and devices record it. */
export interface RequestOrigin {
  readonly ip: string;
  readonly userAgent: string;
}

export interface AccountDeps {
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly tokens: OneTimeTokenStore;
  readonly attempts: LoginAttemptStore;
  readonly devices: DeviceStore;
  readonly email: EmailSender;
  readonly audit: AuditSink;
  readonly alerts: SecurityAlertSink;
  readonly passwords: PasswordHasher;
  readonly clock: Pick<Clock, 'now'>;
}
