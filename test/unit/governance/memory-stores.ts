/** In-memory stand-ins for the governance ports, keyed the way the DynamoDB adapters key them. */

import { alertStatus } from '../../../shared/governance/alerts';
import type {
  AlertQuery,
  AlertRecord,
  AlertStore,
  ApiKeyStore,
  Caller,
  NewApiKey,
  Page,
  SettingStore,
  StoredSetting,
} from '../../../shared/governance/ports';
import type { UserDirectory } from '../../../shared/identity/email-verified';
import type { ApiKey, User } from '../../../shared/identity/model';
import type { Permission } from '../../../shared/identity/permissions';

export const callerIn = (workspaceId: string, permissions: readonly Permission[], userId = 'u-1'): Caller => ({
  workspaceId,
  organizationId: 'org-1',
  role: 'custom',
  userId,
  email: `${userId}@example.test`,
  permissions: new Set(permissions),
});

/** A directory where every user's address is verified, except the ids in `unverified`. */
export const verifiedUsers = (...unverified: string[]): UserDirectory => ({
  async findUser(userId: string): Promise<User> {
    return {
      userId,
      email: `${userId}@example.test`,
      name: userId,
      emailVerified: !unverified.includes(userId),
      defaultWorkspaceId: 'ws-a',
      createdAt: '2026-01-01T00:00:00.000Z',
    };
  },
});

export class MemoryApiKeys implements ApiKeyStore {
  /** By key hash, as stored. */
  readonly byHash = new Map<string, NewApiKey>();

  async create(record: NewApiKey, maxActive: number) {
    const active = [...this.byHash.values()].filter(
      (r) => r.key.workspaceId === record.key.workspaceId && r.key.isActive,
    );
    if (active.length >= maxActive) return 'limit-reached' as const;
    this.byHash.set(record.keyHash, record);
    return 'created' as const;
  }

  async list(workspaceId: string, limit: number, cursor?: string, createdBy?: string): Promise<Page<ApiKey>> {
    const keys = [...this.byHash.values()]
      .map((r) => r.key)
      .filter((k) => k.workspaceId === workspaceId && (createdBy === undefined || k.createdBy === createdBy))
      .sort((a, b) => (a.keyId < b.keyId ? 1 : -1))
      .filter((k) => cursor === undefined || k.keyId < cursor);
    const items = keys.slice(0, limit);
    return keys.length > limit ? { items, nextCursor: items.at(-1)?.keyId as string } : { items };
  }

  async revoke(workspaceId: string, keyId: string, by: string, at: string, createdBy?: string) {
    const found = [...this.byHash.entries()].find(
      ([, r]) => r.key.keyId === keyId && r.key.workspaceId === workspaceId,
    );
    if (!found) return 'not-found' as const;
    const [hash, record] = found;
    if (createdBy !== undefined && record.key.createdBy !== createdBy) return 'not-creator' as const;
    if (!record.key.isActive) return 'already-revoked' as const;
    this.byHash.set(hash, { ...record, key: { ...record.key, isActive: false, revokedAt: at, revokedBy: by } });
    return 'revoked' as const;
  }

  async revokeCreatedBy(workspaceId: string, userId: string, by: string, at: string) {
    const mine = [...this.byHash.values()].filter(
      (r) => r.key.workspaceId === workspaceId && r.key.createdBy === userId && r.key.isActive,
    );
    for (const r of mine) await this.revoke(workspaceId, r.key.keyId, by, at);
    return mine.length;
  }

  /** The edge's lookup, as `dynamoApiKeys.findActive` answers it. */
  findActive(hash: string): ApiKey | undefined {
    const key = this.byHash.get(hash)?.key;
    return key?.isActive ? key : undefined;
  }
}

type StoredAlert = Omit<AlertRecord, 'status'>;

export class MemoryAlerts implements AlertStore {
  readonly byWorkspace = new Map<string, StoredAlert[]>();

  add(workspaceId: string, alert: Omit<StoredAlert, 'workspaceId' | 'resolved'>): void {
    const list = this.byWorkspace.get(workspaceId) ?? [];
    list.push({ ...alert, workspaceId, resolved: false });
    this.byWorkspace.set(workspaceId, list);
  }

  async list(query: AlertQuery): Promise<Page<AlertRecord>> {
    const items = (this.byWorkspace.get(query.workspaceId) ?? [])
      .map((a) => ({ ...a, status: alertStatus(a) }))
      .filter((a) => (!query.status || a.status === query.status) && (!query.severity || a.severity === query.severity))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    return { items: items.slice(0, query.limit) };
  }

  async acknowledge(workspaceId: string, alertId: string, by: string, at: string) {
    return this.stamp(workspaceId, alertId, (a) => ({
      ...a,
      acknowledgedAt: a.acknowledgedAt ?? at,
      acknowledgedBy: a.acknowledgedBy ?? by,
    }));
  }

  async resolve(workspaceId: string, alertId: string, by: string, at: string) {
    return this.stamp(workspaceId, alertId, (a) => ({
      ...a,
      resolved: true,
      resolvedAt: a.resolvedAt ?? at,
      resolvedBy: a.resolvedBy ?? by,
    }));
  }

  private stamp(workspaceId: string, alertId: string, change: (a: StoredAlert) => StoredAlert) {
    const list = this.byWorkspace.get(workspaceId) ?? [];
    const index = list.findIndex((a) => a.id === alertId);
    const current = list[index];
    if (!current) return undefined;
    const next = change(current);
    list[index] = next;
    return { ...next, status: alertStatus(next) };
  }
}

export class MemorySettings implements SettingStore {
  /** `WS#<id>` or `GLOBAL` -> key -> setting, as the adapter partitions them. */
  readonly partitions = new Map<string, Map<string, StoredSetting>>();

  partition(workspaceId: string | undefined): Map<string, StoredSetting> {
    const pk = workspaceId === undefined ? 'GLOBAL' : `WS#${workspaceId}`;
    const found = this.partitions.get(pk) ?? new Map<string, StoredSetting>();
    this.partitions.set(pk, found);
    return found;
  }

  /** As the adapter: the effective settings by key, after the cursor (here the last key, in the clear). */
  async list(workspaceId: string, page: { readonly limit: number; readonly cursor?: string }) {
    const own = this.partition(workspaceId);
    const global = [...this.partition(undefined).values()].filter((s) => !own.has(s.key));
    const all = [...own.values(), ...global]
      .filter((s) => page.cursor === undefined || s.key > page.cursor)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const settings = all.slice(0, page.limit);
    const last = settings.at(-1);
    return all.length > page.limit && last ? { settings, nextCursor: last.key } : { settings };
  }

  async get(workspaceId: string | undefined, key: string) {
    return this.partition(workspaceId).get(key);
  }

  async put(workspaceId: string, setting: StoredSetting, maxSettings: number) {
    const partition = this.partition(workspaceId);
    const existed = partition.has(setting.key);
    if (!existed && partition.size >= maxSettings) return 'limit-reached' as const;
    partition.set(setting.key, setting);
    return existed ? ('replaced' as const) : ('created' as const);
  }

  async delete(workspaceId: string, key: string) {
    return this.partition(workspaceId).delete(key);
  }
}
