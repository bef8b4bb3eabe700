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

/** A user's credentials as log-in and reset read them. */
export interface Credentials {
  readonly user: User;
  readonly passwordHash: string;
  /** Bumped by every password change; a reset token is good only for the version it was issued for. */
  readonly passwordVersion: number;
}

export interface AccountStore {
  /** Writes all records atomically; `email-taken` when the address is already claimed (nothing is written). */
  create(account: NewAccount): Promise<'created' | 'email-taken'>;
  findByEmail(email: string): Promise<Credentials | undefined>;
  /** Strongly consistent: a verification a moment ago is seen. */
  findUser(userId: string): Promise<User | undefined>;
  /**
   * Re-hashes the same password (new parameters): the password version stays. Only while the
   * version is still `expectedVersion` (the one whose hash was verified): a rehash of a password
   * replaced meanwhile must not bring it back. Nothing is written otherwise.
   */
  setPasswordHash(userId: string, passwordHash: string, at: Date, expectedVersion: number): Promise<void>;
  /**
   * Sets a new password and bumps the version, only while the version is still
   * `expectedVersion`; false when another change came first (nothing is written). The profile
   * carries the new version in the same write: every session opened with an older one, and every
   * API key, invite and webhook token made under one, is refused from then on; and it is stamped
   * with `at` as the reset's sweeps stamp it, so what was made before versions were recorded is
   * void too, even should the reset fail before those sweeps.
   */
  replacePassword(userId: string, passwordHash: string, at: Date, expectedVersion: number): Promise<boolean>;
  markEmailVerified(userId: string, at: Date): Promise<void>;
  /**
   * One page of the user's memberships, by workspace id, with each workspace's name, within what a
   * function may answer; `nextCursor` (the cursor of `GET /api/workspaces`) when more follow.
   * @throws InvalidCursorError for a cursor this listing did not hand out.
   */
  memberships(
    userId: string,
    page: { readonly limit: number; readonly cursor?: string | undefined },
  ): Promise<{ memberships: MembershipView[]; nextCursor?: string }>;
  /**
   * A password reset's end of what the user handed out besides API keys: stamps the profile
   * first (`grantsValidFrom` = `at`: every invite they sent and every campaign webhook token they
   * minted up to then is void at once, even one an index has not listed yet), then withdraws their
   * pending invites and ends their webhook tokens in every workspace they belong to. Returns how
   * many of each.
   */
  revokeGrants(userId: string, at: Date): Promise<{ invitesRevoked: number; webhookTokensRevoked: number }>;
}

export interface SessionStore extends SessionLookup {
  /**
   * Writes the session. With `session.passwordVersion`, only while the credentials still have
   * that version (one atomic write): false when the password changed since it was verified
   * (nothing is written), so a log-in racing a password reset either lands before it (and is
   * ended by it) or opens nothing. A session whose version is older than the profile's current
   * one is never active.
   */
  create(tokenHash: string, session: Session): Promise<boolean>;
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

/** What a single-use token stands for. */
export interface TokenGrant {
  readonly userId: string;
  /** Reset tokens: the password version they may replace (any password change voids them). */
  readonly passwordVersion?: number;
}

/** Single-use tokens, stored by hash with a TTL. */
export interface OneTimeTokenStore {
  issue(tokenHash: string, purpose: OneTimePurpose, grant: TokenGrant, expiresAt: Date): Promise<void>;
  /** The grant of a live token, without using it up. */
  peek(tokenHash: string, purpose: OneTimePurpose, now: Date): Promise<TokenGrant | undefined>;
  /** Uses the token up atomically: only one caller ever gets the grant back. */
  consume(tokenHash: string, purpose: OneTimePurpose, now: Date): Promise<TokenGrant | undefined>;
}

/** A log-in attempt counter (per email or per client address). */
export interface AttemptCount {
  /** Attempts counted and not given back: the failures plus those still being checked. */
  readonly attempts: number;
  /** Of those, the ones whose password was wrong. */
  readonly failures: number;
  /** Epoch milliseconds of the last failure (0: none). */
  readonly lastFailureAt: number;
}

/**
 * Log-in attempt counters that forget `windowSeconds` after their last change. An attempt is
 * counted (reserved) before its password is checked, so concurrent guesses can never be
 * judged against the same count; it then becomes a failure, or is given back.
 */
export interface LoginAttemptStore {
  read(key: string, now: Date): Promise<AttemptCount | undefined>;
  /**
   * Counts one attempt atomically, only if the counter still allows it: fewer than
   * `freeBelow` attempts, or still exactly `expected` (the count the caller read and judged;
   * undefined: absent or expired, and then it starts over at one attempt). Undefined when
   * another attempt moved the counter first: read it again and judge again. `reservation` names
   * this attempt (unique to it): counted once however often the write is retried, and what
   * `fail` and `release` name.
   */
  reserve(
    key: string,
    expected: AttemptCount | undefined,
    now: Date,
    limits: { readonly windowSeconds: number; readonly freeBelow: number },
    reservation: string,
  ): Promise<AttemptCount | undefined>;
  /** The reserved attempt's password was wrong: it stays counted, as a failure. Returns the new count. */
  fail(key: string, now: Date, windowSeconds: number, reservation: string): Promise<AttemptCount>;
  /**
   * Gives back the reserved attempt `reservation` if it was not a failure, at most once; never
   * gives back a failure.
   */
  release(key: string, now: Date, reservation: string): Promise<void>;
  /** Forgets the failures (attempts still being checked stay counted). */
  forgive(key: string, now: Date): Promise<void>;
}

/** Caps on outgoing mail per recipient, so nobody can mail-bomb an address through us. */
export interface MailQuota {
  /**
   * Counts one mail to `key` unless `limit` were already counted in the current window
   * (`windowSeconds` long, from the first mail counted in it); false when over the limit.
   */
  take(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
}

/** What a password reset ends besides sessions: every API key the user made, in every workspace. */
export interface UserApiKeyRevoker {
  /**
   * Revokes every active key the user created, in every workspace, and makes every key
   * created up to `at` unusable at once (even one an index has not listed yet). Returns how
   * many were marked revoked.
   */
  revokeAllOf(userId: string, at: Date): Promise<number>;
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
  readonly mailQuota: MailQuota;
  readonly apiKeys: UserApiKeyRevoker;
  readonly devices: DeviceStore;
  readonly email: EmailSender;
  readonly audit: AuditSink;
  readonly alerts: SecurityAlertSink;
  readonly passwords: PasswordHasher;
  /** `sleep` pads the reset request to a fixed floor (its timing must not tell accounts apart). */
  readonly clock: Pick<Clock, 'now' | 'sleep'>;
}
