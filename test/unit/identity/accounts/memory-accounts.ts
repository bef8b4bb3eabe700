/** Small in-memory implementations of the account ports, and a world wiring them together. */

import { type PasswordHasher, scryptHasher } from '../../../../shared/identity/accounts/password';
import type {
  AccountDeps,
  AccountStore,
  AttemptCount,
  DeviceStore,
  LoginAttemptStore,
  MailQuota,
  MembershipView,
  NewAccount,
  OneTimePurpose,
  OneTimeTokenStore,
  SessionStore,
  TokenGrant,
  TrustedDevice,
  UserApiKeyRevoker,
} from '../../../../shared/identity/accounts/ports';
import type { Session } from '../../../../shared/identity/model';
import type { AuditEntry, AuditSink, EmailSender } from '../../../../shared/identity/ports';
import type { SecurityAlert, SecurityAlertSink } from '../../../../shared/security/abuse-alerts';

/** Cheap parameters: the same code path as production, a thousandth of the cost. */
export const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

export class ManualClock {
  /** Every wait asked for; none actually waits. */
  readonly sleeps: number[] = [];
  constructor(public ms = Date.UTC(2025, 0, 1, 12)) {}
  now = (): number => this.ms;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
  };
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

type AccountRecord = NewAccount & { passwordVersion: number };

export class MemoryAccounts implements AccountStore {
  readonly records = new Map<string, AccountRecord>();
  readonly emails = new Map<string, string>();
  async create(account: NewAccount) {
    if (this.emails.has(account.user.email)) return 'email-taken' as const;
    this.emails.set(account.user.email, account.user.userId);
    this.records.set(account.user.userId, { ...structuredClone(account), passwordVersion: 0 });
    return 'created' as const;
  }
  async findByEmail(email: string) {
    const id = this.emails.get(email);
    const record = id ? this.records.get(id) : undefined;
    return record
      ? { user: record.user, passwordHash: record.passwordHash, passwordVersion: record.passwordVersion }
      : undefined;
  }
  async findUser(userId: string) {
    return this.records.get(userId)?.user;
  }
  async setPasswordHash(userId: string, passwordHash: string) {
    const record = this.records.get(userId);
    if (record) this.records.set(userId, { ...record, passwordHash });
  }
  async replacePassword(userId: string, passwordHash: string, _at: Date, expectedVersion: number) {
    const record = this.records.get(userId);
    if (record?.passwordVersion !== expectedVersion) return false;
    this.records.set(userId, { ...record, passwordHash, passwordVersion: expectedVersion + 1 });
    return true;
  }
  async markEmailVerified(userId: string) {
    const record = this.records.get(userId);
    if (record) this.records.set(userId, { ...record, user: { ...record.user, emailVerified: true } });
  }
  async memberships(userId: string): Promise<{ memberships: MembershipView[] }> {
    const record = this.records.get(userId);
    return { memberships: record ? [{ ...record.membership, workspaceName: record.workspace.name }] : [] };
  }
  /** What users handed out besides API keys, as a reset sees it: by who, in any workspace. */
  readonly grants: Array<{ kind: 'invite' | 'webhook-token'; id: string; by: string; live: boolean }> = [];
  readonly grantsValidFrom = new Map<string, string>();
  async revokeGrants(userId: string, at: Date) {
    this.grantsValidFrom.set(userId, at.toISOString());
    const ended = this.grants.filter((g) => g.by === userId && g.live);
    for (const grant of ended) grant.live = false;
    return {
      invitesRevoked: ended.filter((g) => g.kind === 'invite').length,
      webhookTokensRevoked: ended.filter((g) => g.kind === 'webhook-token').length,
    };
  }
}

export class MemorySessions implements SessionStore {
  readonly byHash = new Map<string, Session>();
  readonly validFrom = new Map<string, string>();
  constructor(private readonly accounts: MemoryAccounts) {}
  #active = (s: Session, now: Date) =>
    !s.revokedAt && Date.parse(s.expiresAt) > now.getTime() && s.createdAt >= (this.validFrom.get(s.userId) ?? '');
  async findActive(tokenHash: string, now: Date) {
    const session = this.byHash.get(tokenHash);
    const user = session ? await this.accounts.findUser(session.userId) : undefined;
    return session && user && this.#active(session, now) ? { session, user } : undefined;
  }
  async touch(tokenHash: string, at: Date, ip: string) {
    const s = this.byHash.get(tokenHash);
    if (s) this.byHash.set(tokenHash, { ...s, lastSeenAt: at.toISOString(), ip });
  }
  async create(tokenHash: string, session: Session) {
    this.byHash.set(tokenHash, session);
    return true;
  }
  async listActive(userId: string, now: Date) {
    return [...this.byHash.values()].filter((s) => s.userId === userId && this.#active(s, now));
  }
  async revoke(userId: string, sessionId: string, at: Date) {
    for (const [hash, s] of this.byHash) {
      if (s.userId === userId && s.sessionId === sessionId && this.#active(s, at)) {
        this.byHash.set(hash, { ...s, revokedAt: at.toISOString() });
        return true;
      }
    }
    return false;
  }
  async revokeAll(userId: string, at: Date) {
    const active = await this.listActive(userId, at);
    for (const s of active) await this.revoke(userId, s.sessionId, at);
    this.validFrom.set(userId, at.toISOString());
    return active.length;
  }
}

export class MemoryTokens implements OneTimeTokenStore {
  readonly items = new Map<string, TokenGrant & { expiresAt: Date }>();
  async issue(tokenHash: string, purpose: OneTimePurpose, grant: TokenGrant, expiresAt: Date) {
    this.items.set(`${purpose}:${tokenHash}`, { ...grant, expiresAt });
  }
  async peek(tokenHash: string, purpose: OneTimePurpose, now: Date) {
    const item = this.items.get(`${purpose}:${tokenHash}`);
    if (!item || item.expiresAt <= now) return undefined;
    const { expiresAt: _, ...grant } = item;
    return grant;
  }
  async consume(tokenHash: string, purpose: OneTimePurpose, now: Date) {
    const grant = await this.peek(tokenHash, purpose, now);
    this.items.delete(`${purpose}:${tokenHash}`);
    return grant;
  }
}

/**
 * The DynamoDB adapter's semantics: each method is one atomic step (no await between its
 * read and its write), as a conditional write is.
 */
export class MemoryAttempts implements LoginAttemptStore {
  readonly counts = new Map<string, AttemptCount & { expiresAt: number }>();
  #live(key: string, now: Date) {
    const c = this.counts.get(key);
    return c && c.expiresAt > now.getTime() ? c : undefined;
  }
  async read(key: string, now: Date) {
    const c = this.#live(key, now);
    return c ? { attempts: c.attempts, failures: c.failures, lastFailureAt: c.lastFailureAt } : undefined;
  }
  async reserve(
    key: string,
    expected: AttemptCount | undefined,
    now: Date,
    limits: { windowSeconds: number; freeBelow: number },
  ) {
    const c = this.#live(key, now);
    const judged =
      expected !== undefined &&
      c?.attempts === expected.attempts &&
      c.failures === expected.failures &&
      c.lastFailureAt === expected.lastFailureAt;
    const allowed = c === undefined ? expected === undefined : c.attempts < limits.freeBelow || judged;
    if (!allowed) return undefined;
    const next = {
      attempts: (c?.attempts ?? 0) + 1,
      failures: c?.failures ?? 0,
      lastFailureAt: c?.lastFailureAt ?? 0,
      expiresAt: now.getTime() + limits.windowSeconds * 1000,
    };
    this.counts.set(key, next);
    return { attempts: next.attempts, failures: next.failures, lastFailureAt: next.lastFailureAt };
  }
  async fail(key: string, now: Date, windowSeconds: number) {
    const c = this.#live(key, now);
    const next = {
      attempts: c?.attempts ?? 1,
      failures: (c?.failures ?? 0) + 1,
      lastFailureAt: now.getTime(),
      expiresAt: now.getTime() + windowSeconds * 1000,
    };
    this.counts.set(key, next);
    return { attempts: next.attempts, failures: next.failures, lastFailureAt: next.lastFailureAt };
  }
  async release(key: string, now: Date) {
    const c = this.#live(key, now);
    if (c && c.attempts > c.failures) this.counts.set(key, { ...c, attempts: c.attempts - 1 });
  }
  async forgive(key: string, now: Date) {
    const c = this.#live(key, now);
    if (c && c.failures > 0) {
      this.counts.set(key, { ...c, attempts: c.attempts - c.failures, failures: 0, lastFailureAt: 0 });
    }
  }
}

/** A window per key from its first mail, as the DynamoDB quota keeps it. */
export class MemoryMailQuota implements MailQuota {
  readonly windows = new Map<string, { sent: number; endsAt: number }>();
  async take(key: string, limit: number, windowSeconds: number, now: Date) {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now.getTime()) {
      this.windows.set(key, { sent: 1, endsAt: now.getTime() + windowSeconds * 1000 });
      return true;
    }
    if (window.sent >= limit) return false;
    window.sent += 1;
    return true;
  }
}

/** API keys as a reset sees them: by creator, in any workspace. */
export class MemoryUserApiKeys implements UserApiKeyRevoker {
  readonly keys: Array<{ keyId: string; workspaceId: string; createdBy: string; active: boolean }> = [];
  async revokeAllOf(userId: string, _at: Date) {
    const revoked = this.keys.filter((k) => k.createdBy === userId && k.active);
    for (const key of revoked) key.active = false;
    return revoked.length;
  }
}

export class MemoryDevices implements DeviceStore {
  readonly devices = new Map<string, TrustedDevice>();
  async recordSeen(d: { userId: string; deviceId: string; userAgent: string; ip: string; at: Date }) {
    const key = `${d.userId}:${d.deviceId}`;
    const old = this.devices.get(key);
    const at = d.at.toISOString();
    this.devices.set(key, {
      deviceId: d.deviceId,
      userId: d.userId,
      userAgent: d.userAgent,
      lastIp: d.ip,
      lastSeenAt: at,
      firstSeenAt: old?.firstSeenAt ?? at,
    });
    return { isNew: old === undefined };
  }
  async list(userId: string) {
    return [...this.devices.values()].filter((d) => d.userId === userId);
  }
  async forget(userId: string, deviceId: string) {
    return this.devices.delete(`${userId}:${deviceId}`);
  }
}

export class MemoryOutbox implements EmailSender {
  readonly sent: Array<{ to: string; subject: string; text: string; html?: string }> = [];
  async send(message: { to: string; subject: string; text: string; html?: string }) {
    this.sent.push(message);
    return { messageId: `m${this.sent.length}` };
  }
  /** The token of the last link mailed to `to`. */
  lastToken(to: string): string {
    const mail = this.sent.filter((m) => m.to === to).at(-1);
    const token = mail && /#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (!token) throw new Error(`no token was mailed to ${to}`);
    return token;
  }
}

export class MemoryAudit implements AuditSink {
  readonly entries: Array<AuditEntry & { id: string; createdAt: string }> = [];
  async append(entry: AuditEntry & { id: string; createdAt: string }) {
    this.entries.push(entry);
  }
  types = (): string[] => this.entries.map((e) => e.eventType);
}

export class MemoryAlerts implements SecurityAlertSink {
  readonly raised: SecurityAlert[] = [];
  async raise(alert: SecurityAlert) {
    this.raised.push(alert);
  }
}

/** Counts hash checks, so a test can see the unknown-user path still pays for one. */
export function countingHasher(inner: PasswordHasher) {
  const calls = { verify: 0, hash: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => {
      calls.hash++;
      return inner.hash(p);
    },
    verify: (p, e) => {
      calls.verify++;
      return inner.verify(p, e);
    },
    needsRehash: (e) => inner.needsRehash(e),
    dummyHash: inner.dummyHash,
  };
  return { hasher, calls };
}

export function accountWorld(passwords: PasswordHasher = scryptHasher(FAST_SCRYPT)) {
  const clock = new ManualClock();
  const accounts = new MemoryAccounts();
  const world = {
    clock,
    accounts,
    sessions: new MemorySessions(accounts),
    tokens: new MemoryTokens(),
    attempts: new MemoryAttempts(),
    mailQuota: new MemoryMailQuota(),
    apiKeys: new MemoryUserApiKeys(),
    devices: new MemoryDevices(),
    email: new MemoryOutbox(),
    audit: new MemoryAudit(),
    alerts: new MemoryAlerts(),
    passwords,
  };
  const deps: AccountDeps = world;
  return { ...world, deps };
}

export const BROWSER = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Test) Firefox/140.0' };
export const SIGN_UP_ORIGIN = { ...BROWSER, publicBaseUrl: 'https://app.example.com' };
/** Strong enough for the estimator (zxcvbn score 4). */
export const PASSWORD = 'correct horse battery';
