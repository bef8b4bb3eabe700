/**
 * Review round 24 (a), the fixes' class, against the embedded DynamoDB:
 * - every write that hands out or changes access on a member's authority (a removal, a custom
 *   role's definition, an invite, an API key; a role change is the reviewer's test) is written only
 *   while that member still has the role the edge read: one removed meanwhile writes nothing;
 * - a user's memberships page (`membershipPage`: the listing of `GET /api/workspaces` and the first
 *   page of `GET /api/auth/me`), with a cursor that holds no user and is refused when forged;
 * - an organization keeps at most so many workspaces, counted in the creating write, an
 *   organization from before the counter counted by its owner's memberships;
 * - a removal or a role change that failed in a sweep is completed by sending it again, and a
 *   removal of someone who never was a member (nothing left) is still 404 `MEMBER_NOT_FOUND`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { encodeCursor } from '../../shared/adapters/dynamo/cursor';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import {
  META_SK,
  memberSk,
  membershipGsi1,
  orgPk,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from '../../shared/adapters/keys';
import { createApiKey, newKeyId } from '../../shared/governance/api-keys';
import type { Caller } from '../../shared/governance/ports';
import { describeMe } from '../../shared/identity/accounts/me';
import type { AuthContext } from '../../shared/identity/auth-context';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { newApiKey, sha256 } from '../../shared/identity/tokens';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import * as uc from '../../shared/workspaces/use-cases';

const PREFIX = 'r24a-class-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let store: WorkspaceStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r24a-class-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
  store = dynamoWorkspaces(db, CORE);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

let seq = 0;
const fresh = (what: string) => `${what}${Date.now().toString(36)}${(seq++).toString(36)}`;

const membershipItem = (workspaceId: string, userId: string, role: string, organizationId = `org-${workspaceId}`) => ({
  pk: workspacePk(workspaceId),
  sk: memberSk(userId),
  type: 'membership',
  ...membershipGsi1(userId, workspaceId),
  workspaceId,
  organizationId,
  userId,
  role,
  joinedAt: '2026-01-01T00:00:00.000Z',
});

async function putMember(workspaceId: string, userId: string, role: string) {
  await db.send(new PutCommand({ TableName: CORE, Item: membershipItem(workspaceId, userId, role) }));
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: userPk(userId),
        sk: USER_PROFILE_SK,
        type: 'user',
        userId,
        email: `${userId}@example.test`,
        name: userId,
        emailVerified: true,
        defaultWorkspaceId: workspaceId,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
}

async function putAll(items: Record<string, unknown>[]) {
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await db.send(new BatchWriteCommand({ RequestItems: { [CORE]: batch } }));
  }
}

function callerOf(workspaceId: string, userId: string, role: 'owner' | 'admin'): Caller {
  return {
    workspaceId,
    organizationId: `org-${workspaceId}`,
    role,
    userId,
    email: `${userId}@example.test`,
    permissions: new Set(BUILTIN_ROLE_PERMISSIONS[role]),
    passwordVersion: 0,
  };
}

function depsWith(overrides: Partial<uc.WorkspaceDeps> = {}): uc.WorkspaceDeps {
  return {
    store,
    email: { send: async () => ({ messageId: 'm' }) },
    now: () => new Date(),
    publicBaseUrl: 'https://app.example.test',
    users: dynamoUsers(db, CORE),
    apiKeys: dynamoApiKeys(db, CORE),
    audit: { append: async () => {} },
    ...overrides,
  };
}

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; name?: string }) => e.code ?? e.name ?? String(e),
  );

describe('r24a: a change of access on the authority of someone removed writes nothing', () => {
  /** A workspace with an owner and an admin (the actor), whose removal lands after the edge read the admin. */
  async function withRemovedAdmin() {
    const ws = fresh('ws');
    await putMember(ws, 'u-owner', 'owner');
    await putMember(ws, 'u-admin', 'admin');
    await putMember(ws, 'u-viewer', 'viewer');
    const admin = callerOf(ws, 'u-admin', 'admin');
    expect(await settle(uc.removeMember(callerOf(ws, 'u-owner', 'owner'), 'u-admin', depsWith()))).toBe('ok');
    return { ws, admin };
  }

  it('a removal by the removed admin: the member stays', async () => {
    const { ws, admin } = await withRemovedAdmin();
    expect(await settle(uc.removeMember(admin, 'u-viewer', depsWith()))).toBe('CONCURRENT_CHANGE');
    expect((await store.member(ws, 'u-viewer'))?.role).toBe('viewer');
  });

  it('a custom role defined or redefined by the removed admin: none is written', async () => {
    const { ws, admin } = await withRemovedAdmin();
    expect(await settle(uc.putRole(admin, 'helper', ['contacts:read'], depsWith()))).toBe('CONCURRENT_CHANGE');
    expect(await store.roles(ws)).toEqual([]);

    await uc.putRole(callerOf(ws, 'u-owner', 'owner'), 'helper', ['contacts:read'], depsWith());
    const redefined = uc.putRole(admin, 'helper', ['contacts:read', 'contacts:write'], depsWith());
    expect(await settle(redefined)).toBe('CONCURRENT_CHANGE');
    expect((await store.roles(ws)).map((r) => r.permissions)).toEqual([['contacts:read']]);
  });

  it('an invite sent by the removed admin: none is saved', async () => {
    const { ws, admin } = await withRemovedAdmin();
    const sent = uc.invite(admin, { email: 'friend@example.test', role: 'admin' }, depsWith());
    expect(await settle(sent)).toBe('CONCURRENT_CHANGE');
    expect((await store.pendingInvites(ws, new Date().toISOString(), { limit: 100 })).invites).toEqual([]);
  });

  it('an API key made by the removed admin: none is stored', async () => {
    const { ws, admin } = await withRemovedAdmin();
    const keys = dynamoApiKeys(db, CORE);
    const made = createApiKey(
      admin,
      { name: 'late', scopes: ['contacts:read'] },
      {
        store: keys,
        now: () => new Date(),
        users: dynamoUsers(db, CORE),
      },
    );
    expect(await settle(made)).toBe('CONCURRENT_CHANGE');
    expect((await keys.list(ws, 100)).items).toEqual([]);
  });

  it('the same writes by a member still as read go through', async () => {
    const ws = fresh('ws');
    await putMember(ws, 'u-owner', 'owner');
    await putMember(ws, 'u-admin', 'admin');
    await putMember(ws, 'u-viewer', 'viewer');
    const admin = callerOf(ws, 'u-admin', 'admin');
    await uc.changeRole(admin, 'u-viewer', 'member', depsWith());
    await uc.putRole(admin, 'helper', ['contacts:read'], depsWith());
    await uc.invite(admin, { email: 'friend@example.test', role: 'member' }, depsWith());
    await uc.removeMember(admin, 'u-viewer', depsWith());
    // An admin may step down themselves: the update's own condition is their standing.
    await uc.changeRole(admin, 'u-admin', 'member', depsWith());
    expect((await store.member(ws, 'u-admin'))?.role).toBe('member');
  });
});

describe('r24a: a removal or a role change that failed part-way is completed by a retry', () => {
  it('a removal of someone who never was a member, with nothing left, is still 404', async () => {
    const ws = fresh('ws');
    await putMember(ws, 'u-owner', 'owner');
    expect(await settle(uc.removeMember(callerOf(ws, 'u-owner', 'owner'), 'u-nobody', depsWith()))).toBe(
      'MEMBER_NOT_FOUND',
    );
  });

  it('a role change whose sweep failed withdraws the invites when sent again', async () => {
    const ws = fresh('ws');
    await putMember(ws, 'u-owner', 'owner');
    await putMember(ws, 'u-admin', 'admin');
    await uc.invite(callerOf(ws, 'u-admin', 'admin'), { email: 'friend@example.test', role: 'admin' }, depsWith());
    const owner = callerOf(ws, 'u-owner', 'owner');
    let failures = 1;
    const flaky: WorkspaceStore = {
      ...store,
      revokeInvitesFrom: async (...args) => {
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        }
        return store.revokeInvitesFrom(...args);
      },
    };
    expect(await settle(uc.changeRole(owner, 'u-admin', 'viewer', depsWith({ store: flaky })))).toBe(
      'ThrottlingException',
    );
    const retry = await uc.changeRole(owner, 'u-admin', 'viewer', depsWith({ store: flaky }));
    expect(retry).toMatchObject({ member: { role: 'viewer' }, invitesRevoked: 1 });
    expect((await store.pendingInvites(ws, new Date().toISOString(), { limit: 100 })).invites).toEqual([]);
  });

  it('a retried removal says the membership was already gone (for the audit entry)', async () => {
    const ws = fresh('ws');
    await putMember(ws, 'u-owner', 'owner');
    await putMember(ws, 'u-leaver', 'admin');
    await uc.invite(callerOf(ws, 'u-leaver', 'admin'), { email: 'second@example.test', role: 'admin' }, depsWith());
    const owner = callerOf(ws, 'u-owner', 'owner');
    const failing: WorkspaceStore = {
      ...store,
      revokeInvitesFrom: async () => {
        throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      },
    };
    expect(await settle(uc.removeMember(owner, 'u-leaver', depsWith({ store: failing })))).toBe('TimeoutError');
    expect(await uc.removeMember(owner, 'u-leaver', depsWith())).toEqual({
      apiKeysRevoked: 0,
      invitesRevoked: 1,
      alreadyRemoved: true,
    });
    // Nothing left: a third attempt is 404.
    expect(await settle(uc.removeMember(owner, 'u-leaver', depsWith()))).toBe('MEMBER_NOT_FOUND');
  });
});

describe('r24a: a user’s memberships page', () => {
  it('pages through every membership once, in order, for /workspaces and /me alike', async () => {
    const user = fresh('u');
    await putMember(fresh('home'), user, 'owner');
    const stem = fresh('p');
    const ids = Array.from({ length: 23 }, (_, i) => `${stem}-${String(i).padStart(3, '0')}`);
    await putAll(
      ids.flatMap((workspaceId) => [
        { pk: workspacePk(workspaceId), sk: META_SK, type: 'workspace', workspaceId, name: `W ${workspaceId}` },
        membershipItem(workspaceId, user, 'viewer'),
      ]),
    );
    const auth: AuthContext = { principal: { userId: user, email: `${user}@example.test`, via: 'session' } };
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await uc.listWorkspaces(auth, { limit: 10, cursor }, depsWith());
      expect(page.workspaces.length).toBeLessThanOrEqual(10);
      for (const w of page.workspaces) if (w.workspaceId.startsWith('p')) expect(w.name).toBe(`W ${w.workspaceId}`);
      seen.push(...page.workspaces.map((w) => w.workspaceId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(24);
    expect([...seen].sort()).toEqual(seen);

    // /me answers the first page, and a cursor that GET /api/workspaces continues from.
    const accounts = dynamoUsers(db, CORE);
    const first = await accounts.memberships(user, { limit: 10 });
    expect(first.memberships.map((m) => m.workspaceId)).toEqual(seen.slice(0, 10));
    const next = await uc.listWorkspaces(auth, { limit: 10, cursor: first.nextCursor }, depsWith());
    expect(next.workspaces.map((w) => w.workspaceId)).toEqual(seen.slice(10, 20));
    const me = await describeMe(user, { accounts });
    expect(me.memberships).toHaveLength(24);
    expect(me.membershipsNextCursor).toBeUndefined();
  });

  it('resumes after a workspace left meanwhile, and refuses a cursor it did not hand out', async () => {
    const user = fresh('u');
    const stem = fresh('q');
    const ids = ['a', 'b', 'c', 'd'].map((s) => `${stem}${s}`);
    await putAll(ids.map((workspaceId) => membershipItem(workspaceId, user, 'viewer')));
    const first = await store.membershipPage(user, { limit: 2 });
    expect(first.memberships.map((m) => m.workspaceId)).toEqual(ids.slice(0, 2));
    await store.removeMember(ids[1] as string, user, 'viewer', { userId: user, role: 'viewer' });
    const rest = await store.membershipPage(user, { limit: 2, cursor: first.nextCursor });
    expect(rest.memberships.map((m) => m.workspaceId)).toEqual(ids.slice(2));
    expect(rest.nextCursor).toBeUndefined();

    for (const forged of [
      'not-base64-json',
      encodeCursor({ after: 'x', pk: 'WS#x' }),
      encodeCursor({ after: 'x/../y' }),
      encodeCursor({ gsi1pk: userPk('someone-else'), gsi1sk: 'MEMBERSHIP#x', pk: 'WS#x', sk: 'MEMBER#someone-else' }),
    ]) {
      await expect(store.membershipPage(user, { limit: 2, cursor: forged })).rejects.toMatchObject({
        status: 400,
        code: 'INVALID_CURSOR',
      });
    }
  });
});

describe('r24a: an organization keeps at most so many workspaces', () => {
  const workspace = (organizationId: string) => ({
    workspaceId: fresh('w'),
    organizationId,
    name: 'W',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const owned = (w: { workspaceId: string; organizationId: string }, userId: string) => ({
    ...w,
    userId,
    role: 'owner',
    joinedAt: '2026-01-01T00:00:00.000Z',
  });

  it('counts in the write; one from before the counter is counted by its owner’s memberships', async () => {
    const org = fresh('org');
    const user = fresh('u');
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: orgPk(org), sk: META_SK, organizationId: org, name: 'O', ownerUserId: user },
      }),
    );
    // Two workspaces from before the counter (sign-up's, one more), and a membership elsewhere.
    const legacy = [workspace(org), workspace(org)];
    await putAll(legacy.map((w) => membershipItem(w.workspaceId, user, 'owner', org)));
    await putAll([membershipItem(fresh('other'), user, 'admin', fresh('org'))]);

    for (const _ of [3, 4]) {
      const next = workspace(org);
      await store.createWorkspace(next, owned(next, user), 4);
    }
    const fifth = workspace(org);
    expect(await settle(store.createWorkspace(fifth, owned(fifth, user), 4))).toBe('WORKSPACE_LIMIT');
    expect(await store.workspace(fifth.workspaceId)).toBeUndefined();
    expect(await store.member(fifth.workspaceId, user)).toBeUndefined();
  });

  it('answers 409 WORKSPACE_LIMIT through the use case past the cap', async () => {
    const org = fresh('org');
    const user = fresh('u');
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: orgPk(org), sk: META_SK, organizationId: org, name: 'O', ownerUserId: user },
      }),
    );
    const many = Array.from({ length: uc.MAX_WORKSPACES_PER_ORGANIZATION }, () => workspace(org));
    await putAll(many.map((w) => membershipItem(w.workspaceId, user, 'owner', org)));
    const auth: AuthContext = { principal: { userId: user, email: `${user}@example.test`, via: 'session' } };
    const origin = { ip: '198.51.100.7', userAgent: 'test' };
    const created = uc.createWorkspace({ name: 'one more' }, auth, origin, depsWith());
    await expect(created).rejects.toMatchObject({ status: 409, code: 'WORKSPACE_LIMIT' });
  });
});

describe('r24a: an API key store call without the creator’s role still works (fixtures, migrations)', () => {
  it('stores the key', async () => {
    const ws = fresh('ws');
    const at = new Date();
    const outcome = await dynamoApiKeys(db, CORE).create(
      {
        key: {
          keyId: newKeyId(at),
          workspaceId: ws,
          name: 'fixture',
          prefix: 'uh_00000000',
          scopes: ['contacts:read'],
          createdBy: 'u-any',
          createdAt: at.toISOString(),
          usageCount: 0,
          isActive: true,
        },
        keyHash: sha256(newApiKey()),
        createdByEmail: 'u-any@example.test',
      },
      50,
    );
    expect(outcome).toBe('created');
  });
});
