// Review round 20: this test failed at 16f866a.
// The key store revoked any key for anyone the edge let through and listed every key of the
// workspace to every reader; audit entries of key requests lost the key's id on the way to the log.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { memberSk, membershipGsi1, workspacePk } from '../../shared/adapters/keys';
import { createApiKey, listApiKeys, revokeApiKey } from '../../shared/governance/api-keys';
import { listAuditLog } from '../../shared/governance/audit-log';
import type { Caller, StoredAuditEntry } from '../../shared/governance/ports';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';

const PREFIX = 'r20bk-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r20b-keys-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
}, 60_000);

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const everyoneVerified = {
  findUser: async (userId: string) => ({
    userId,
    email: `${userId}@example.test`,
    name: userId,
    emailVerified: true,
    defaultWorkspaceId: 'ws',
    createdAt: '2026-01-01T00:00:00.000Z',
  }),
};

/** A workspace with an admin and a member, their memberships stored (keys are made only by members, round 24). */
async function workspaceOf(): Promise<{ admin: Caller; member: Caller }> {
  const tag = randomUUID().slice(0, 8);
  const caller = (userId: string, role: 'admin' | 'member'): Caller => ({
    workspaceId: `ws-${tag}`,
    organizationId: `org-${tag}`,
    role,
    userId,
    email: `${userId}@example.test`,
    permissions: new Set(BUILTIN_ROLE_PERMISSIONS[role]),
  });
  const people = { admin: caller(`admin-${tag}`, 'admin'), member: caller(`member-${tag}`, 'member') };
  const items = Object.values(people).map((c) => ({
    PutRequest: {
      Item: {
        pk: workspacePk(c.workspaceId),
        sk: memberSk(c.userId),
        type: 'membership',
        ...membershipGsi1(c.userId, c.workspaceId),
        workspaceId: c.workspaceId,
        organizationId: c.organizationId,
        userId: c.userId,
        role: c.role,
        joinedAt: '2026-01-01T00:00:00.000Z',
      },
    },
  }));
  await db.send(new BatchWriteCommand({ RequestItems: { [CORE]: items } }));
  return people;
}

describe('r20b: API keys of a member in DynamoDB', () => {
  it('revokes a member’s own key; another user’s stays active, refused by the store’s condition', async () => {
    const { admin, member } = await workspaceOf();
    const store = dynamoApiKeys(db, CORE);
    const deps = { store, now: () => new Date(), users: everyoneVerified };
    const mine = await createApiKey(member, { name: 'mine', scopes: ['contacts:read'] }, deps);
    const admins = await createApiKey(admin, { name: 'admins', scopes: ['contacts:read'] }, deps);

    const active = async (keyId: string) =>
      (await listApiKeys(admin, { limit: 100 }, { store })).apiKeys.find((k) => k.keyId === keyId)?.isActive;

    await expect(revokeApiKey(member, mine.apiKey.keyId, deps)).resolves.toBe('revoked');
    expect(await active(mine.apiKey.keyId)).toBe(false);

    await expect(revokeApiKey(member, admins.apiKey.keyId, deps)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await active(admins.apiKey.keyId)).toBe(true);
    // The store itself holds the line, whatever its caller read before.
    const at = new Date().toISOString();
    await expect(store.revoke(admin.workspaceId, admins.apiKey.keyId, member.userId, at, member.userId)).resolves.toBe(
      'not-creator',
    );
    expect(await active(admins.apiKey.keyId)).toBe(true);
  });

  it('lists a member only their own keys, paging past many keys of others', async () => {
    const { admin, member } = await workspaceOf();
    const store = dynamoApiKeys(db, CORE);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i * 10));
      const deps = { store, now: () => at, users: everyoneVerified };
      ids.push((await createApiKey(member, { name: `m${i}`, scopes: ['contacts:read'] }, deps)).apiKey.keyId);
      // Others' keys in between (revoked ones too: they stay listed for the record).
      for (let j = 1; j <= 5; j++) {
        const later = new Date(at.getTime() + j * 1000);
        const other = await createApiKey(
          admin,
          { name: `a${i}.${j}`, scopes: ['contacts:read'] },
          { ...deps, now: () => later },
        );
        if (j % 2 === 0) await revokeApiKey(admin, other.apiKey.keyId, { store, now: () => later });
      }
    }

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listApiKeys(member, { limit: 2, ...(cursor ? { cursor } : {}) }, { store });
      pages.push(page.apiKeys.map((k) => k.keyId));
      expect(page.apiKeys.every((k) => k.createdBy === member.userId)).toBe(true);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.flat()).toEqual([...ids].reverse());
    expect(pages[0]).toHaveLength(2);

    const all = await listApiKeys(admin, { limit: 100 }, { store });
    expect(all.apiKeys).toHaveLength(18);
  });
});

describe('r20b: the audit log names the key a request was made with', () => {
  it('stores and lists `apiKeyId`, and filters by it', async () => {
    const { admin } = await workspaceOf();
    const audit = dynamoAudit(db, AUDIT);
    const base = {
      workspaceId: admin.workspaceId,
      eventType: 'settings.put',
      eventAction: 'PUT',
      actorType: 'user' as const,
      actorId: admin.userId,
    };
    const byKey: StoredAuditEntry = {
      ...base,
      id: randomUUID(),
      createdAt: '2026-02-01T00:00:01.000Z',
      apiKeyId: 'k-leaked',
    } as StoredAuditEntry;
    const bySession: StoredAuditEntry = { ...base, id: randomUUID(), createdAt: '2026-02-01T00:00:02.000Z' };
    await audit.append(byKey);
    await audit.append(bySession);

    const listed = await listAuditLog(admin, { limit: 10 }, audit);
    expect(listed.entries).toEqual([bySession, byKey]);
    const filtered = await listAuditLog(admin, { limit: 10, apiKeyId: 'k-leaked' } as never, audit);
    expect(filtered.entries).toEqual([byKey]);
  });
});
