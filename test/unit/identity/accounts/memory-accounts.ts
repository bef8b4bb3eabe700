/** Small in-memory implementations of the account ports, and a world wiring them together. */

import { type PasswordHasher, scryptHasher } from '../../../../shared/identity/accounts/password';
import type {
  AccountDeps,
  AccountStore,
  DeviceStore,
  FailureCount,
  LoginAttemptStore,
  MembershipView,
  NewAccount,
  OneTimePurpose,
  OneTimeTokenStore,
  SessionStore,
  TrustedDevice,
} from '../../../../shared/identity/accounts/ports';
import type { Session } from '../../../../shared/identity/model';
import type { AuditEntry, AuditSink, EmailSender } from '../../../../shared/identity/ports';
import type { SecurityAlert, SecurityAlertSink } from '../../../../shared/security/abuse-alerts';

/** Cheap parameters: the same code path as production, a thousandth of the cost. */
export const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

export class ManualClock {
  constructor(public ms = Date.UTC(2025, 0, 1, 12)) {}
  now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export class MemoryAccounts implements AccountStore {
  readonly records = new Map<string, NewAccount>();
  readonly emails = new Map<string, string>();
  async create(account: NewAccount) {
    if (this.emails.has(account.user.email)) return 'email-taken' as const;
    this.emails.set(account.user.email, account.user.userId);
    this.records.set(account.user.userId, structuredClone(account));
    return 'created' as const;
  }
  async findByEmail(email: string) {
    const id = this.emails.get(email);
    const record = id ? this.records.get(id) : undefined;
    return record ? { user: record.user, passwordHash: record.passwordHash } : undefined;
  }
  async findUser(userId: string) {
    return this.records.get(userId)?.user;
  }
  async setPasswordHash(userId: string, passwordHash: string) {
    const record = this.records.get(userId);
    if (record) this.records.set(userId, { ...record, passwordHash });
  }
  async markEmailVerified(userId: string) {
    const record = this.records.get(userId);
    if (record) this.records.set(userId, { ...record, user: { ...record.user, emailVerified: true } });
  }
  async memberships(userId: string): Promise<MembershipView[]> {
    const record = this.records.get(userId);
    return record ? [{ ...record.membership, workspaceName: record.workspace.name }] : [];
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
  readonly items = new Map<string, { userId: string; expiresAt: Date }>();
  async issue(tokenHash: string, purpose: OneTimePurpose, userId: string, expiresAt: Date) {
    this.items.set(`${purpose}:${tokenHash}`, { userId, expiresAt });
  }
  async peek(tokenHash: string, purpose: OneTimePurpose, now: Date) {
    const item = this.items.get(`${purpose}:${tokenHash}`);
    return item && item.expiresAt > now ? item.userId : undefined;
  }
  async consume(tokenHash: string, purpose: OneTimePurpose, now: Date) {
    const userId = await this.peek(tokenHash, purpose, now);
    this.items.delete(`${purpose}:${tokenHash}`);
    return userId;
  }
}

export class MemoryAttempts implements LoginAttemptStore {
  readonly counts = new Map<string, FailureCount & { expiresAt: number }>();
  async read(key: string, now: Date) {
    const c = this.counts.get(key);
    return c && c.expiresAt > now.getTime() ? c : undefined;
  }
  async recordFailure(key: string, now: Date, windowSeconds: number) {
    const failures = ((await this.read(key, now))?.failures ?? 0) + 1;
    const count = { failures, lastFailureAt: now.getTime(), expiresAt: now.getTime() + windowSeconds * 1000 };
    this.counts.set(key, count);
    return count;
  }
  async clear(key: string) {
    this.counts.delete(key);
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
export const PASSWORD = 'correct horse battery';
