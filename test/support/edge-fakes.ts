/** In-memory stand-ins for the HTTP edge's ports, for unit tests of the edge. */
import type { EdgeDeps } from '../../shared/http/edge-deps';
import type { ApiKey, CustomRole, Membership, Session, User } from '../../shared/identity/model';
import type { ApiKeyLookup, AuditEntry, AuditSink, MembershipLookup, SessionLookup } from '../../shared/identity/ports';
import {
  type CounterGroup,
  type CounterStore,
  type GroupCount,
  RefusalMemory,
} from '../../shared/rate-limit/rate-limiter';
import type { SecurityAlert, SecurityAlertSink } from '../../shared/security/abuse-alerts';

export class MemoryCounters implements CounterStore {
  readonly counts = new Map<string, number>();
  failing = false;
  async incrementBelow(key: string, limit: number): Promise<number | undefined> {
    if (this.failing) throw new Error('store down');
    const current = this.counts.get(key) ?? 0;
    if (current >= limit) return undefined;
    this.counts.set(key, current + 1);
    return current + 1;
  }
  /** Every group write, in order (one per identity and bucket per request). */
  readonly groups: CounterGroup[] = [];
  /** A group's counters live in `counts` as `<item key>|<counter name>`. */
  async countRequest(group: CounterGroup): Promise<GroupCount> {
    if (this.failing) throw new Error('store down');
    this.groups.push(group);
    const at = (name: string) => `${group.key}|${name}`;
    const found = Object.fromEntries(group.counters.map((c) => [c.name, this.counts.get(at(c.name)) ?? 0]));
    if (group.counters.some((c) => (found[c.name] ?? 0) >= c.limit)) return { admitted: false, counts: found };
    const counts: Record<string, number> = {};
    for (const c of group.counters) {
      counts[c.name] = (found[c.name] ?? 0) + 1;
      this.counts.set(at(c.name), counts[c.name] ?? 0);
      if (c.previous !== undefined) this.counts.delete(at(c.previous));
    }
    return { admitted: true, counts };
  }
}

export class MemoryAlerts implements SecurityAlertSink {
  readonly raised: SecurityAlert[] = [];
  async raise(alert: SecurityAlert): Promise<void> {
    this.raised.push(alert);
  }
}

export class MemoryAudit implements AuditSink {
  readonly entries: AuditEntry[] = [];
  failing = false;
  async append(entry: AuditEntry): Promise<void> {
    if (this.failing) throw new Error('audit down');
    this.entries.push(entry);
  }
}

/** Sessions, API keys and memberships keyed the way the DynamoDB adapters key them (by hash). */
export class MemoryIdentity implements MembershipLookup {
  readonly sessionsByHash = new Map<string, { session: Session; user: User }>();
  readonly keysByHash = new Map<string, { key: ApiKey; user: User }>();
  readonly members: Membership[] = [];
  readonly roles: CustomRole[] = [];
  readonly touched: string[] = [];

  /** Membership lookups outside the session's batch read (`find` calls), by workspace. */
  readonly membershipReads: string[] = [];

  readonly sessions: SessionLookup = {
    // As the DynamoDB adapter: with a named user, the session must be theirs, and the named
    // workspace's membership comes with it (null when there is none).
    findActive: async (hash, now, with_) => {
      const found = this.sessionsByHash.get(hash);
      if (!found || found.session.revokedAt || Date.parse(found.session.expiresAt) <= now.getTime()) return undefined;
      if (!with_) return found;
      if (found.session.userId !== with_.userId) return undefined;
      if (!with_.workspaceId) return found;
      const { workspaceId } = with_;
      const membership = this.members.find((m) => m.workspaceId === workspaceId && m.userId === with_.userId);
      return { ...found, membership: membership ?? null };
    },
    touch: async (hash) => void this.touched.push(hash),
  };

  readonly apiKeys: ApiKeyLookup = {
    findActive: async (hash) => {
      const found = this.keysByHash.get(hash);
      return found?.key.isActive ? found : undefined;
    },
    recordUse: async (hash) => void this.touched.push(hash),
  };

  async find(workspaceId: string, userId: string) {
    this.membershipReads.push(workspaceId);
    return this.members.find((m) => m.workspaceId === workspaceId && m.userId === userId);
  }
  async customRole(workspaceId: string, name: string) {
    return this.roles.find((r) => r.workspaceId === workspaceId && r.name === name);
  }
}

export function fakeEdge(overrides: Partial<EdgeDeps['settings']> = {}, now = () => 1_700_000_000_000) {
  const counters = new MemoryCounters();
  const alerts = new MemoryAlerts();
  const audit = new MemoryAudit();
  const identity = new MemoryIdentity();
  const deps: EdgeDeps = {
    counters,
    refusals: new RefusalMemory(),
    alerts,
    audit,
    auth: {
      sessions: identity.sessions,
      apiKeys: identity.apiKeys,
      memberships: identity,
      now: () => new Date(now()),
      onBackgroundError: () => undefined,
    },
    settings: { rateLimits: true, secureCookies: false, ...overrides },
    now,
  };
  return { deps, counters, alerts, audit, identity };
}
