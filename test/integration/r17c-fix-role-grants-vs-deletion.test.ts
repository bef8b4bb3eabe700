// Review round 17: this test failed at 2d3df06.
// A custom role could be deleted while being granted (a role change, an invite, an accept), and
// while pending invites still named it; every grant now checks and counts on the role item.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { memberSk, membershipGsi1, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { Caller } from '../../shared/governance/ports';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import * as uc from '../../shared/workspaces/use-cases';

const PREFIX = 'r17cfix-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let store: WorkspaceStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r17cfix-'));
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

function depsWith(s: WorkspaceStore): uc.WorkspaceDeps {
  return {
    store: s,
    email: { send: async () => ({ messageId: 'm' }) },
    now: () => new Date(),
    publicBaseUrl: 'https://app.example.test',
    users: {
      findUser: async (userId: string) => ({
        userId,
        email: `${userId}@example.test`,
        name: userId,
        emailVerified: true,
        defaultWorkspaceId: 'ws',
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    },
    apiKeys: { revokeCreatedBy: async () => 0 },
    audit: { append: async () => {} },
  };
}

async function putMember(workspaceId: string, userId: string, role: string) {
  const item = {
    workspaceId,
    organizationId: `org-${workspaceId}`,
    userId,
    role,
    joinedAt: '2026-01-01T00:00:00.000Z',
  };
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(workspaceId),
        sk: memberSk(userId),
        type: 'membership',
        ...membershipGsi1(userId, workspaceId),
        ...item,
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: { pk: userPk(userId), sk: USER_PROFILE_SK, type: 'user', userId, email: `${userId}@example.test` },
    }),
  );
}

const owner = (workspaceId: string): Caller => ({
  workspaceId,
  organizationId: `org-${workspaceId}`,
  role: 'owner',
  userId: `${workspaceId}-owner`,
  email: `${workspaceId}-owner@example.test`,
  permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner),
});

/** A workspace with an owner, a viewer and the custom role "auditors". */
async function workspace(tag: string) {
  const ws = `ws-${tag}-${Date.now().toString(36)}`;
  await putMember(ws, `${ws}-owner`, 'owner');
  await putMember(ws, `${ws}-m`, 'viewer');
  await uc.putRole(owner(ws), 'auditors', ['workspace:read', 'audit:read'], depsWith(store));
  return ws;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('a custom role and its grants', () => {
  it('is not deleted while a pending invite names it: 409 ROLE_IN_USE naming the invite', async () => {
    const ws = await workspace('inv');
    const sent = await uc.invite(owner(ws), { email: 'someone@example.test', role: 'auditors' }, depsWith(store));

    const refused = await uc.deleteRole(owner(ws), 'auditors', depsWith(store)).catch((e) => e);
    expect(refused).toMatchObject({ code: 'ROLE_IN_USE', details: { invites: [sent.inviteId] } });
    expect((await store.roles(ws)).map((r) => r.name)).toEqual(['auditors']);

    // Withdrawn, the invite no longer holds the role.
    await uc.revokeInvite(owner(ws), sent.inviteId, depsWith(store));
    await uc.deleteRole(owner(ws), 'auditors', depsWith(store));
    expect(await store.roles(ws)).toEqual([]);
  });

  it('an invite saved while the role is deleted fails 409, leaving no invite to a missing role', async () => {
    const ws = await workspace('race-inv');
    let deletion = 'not run';
    const racing: WorkspaceStore = {
      ...store,
      roles: async (id) => {
        const read = await store.roles(id);
        deletion = await codeOf(uc.deleteRole(owner(ws), 'auditors', depsWith(store)));
        return read;
      },
    };
    const invite = await codeOf(
      uc.invite(owner(ws), { email: 'late@example.test', role: 'auditors' }, depsWith(racing)),
    );
    expect({ invite, deletion }).toEqual({ invite: 'CONCURRENT_CHANGE', deletion: 'ok' });
    expect(await store.invites(ws)).toEqual([]);
  });

  it('a deletion decided before a grant landed fails 409, and the holder keeps a role that exists', async () => {
    const ws = await workspace('race-del');
    // The grant lands after the deletion read the role and found no holder.
    const racing: WorkspaceStore = {
      ...store,
      invites: async (id) => {
        await uc.changeRole(owner(ws), `${ws}-m`, 'auditors', depsWith(store));
        return store.invites(id);
      },
    };
    expect(await codeOf(uc.deleteRole(owner(ws), 'auditors', depsWith(racing)))).toBe('CONCURRENT_CHANGE');
    expect((await store.member(ws, `${ws}-m`))?.role).toBe('auditors');
    expect((await store.roles(ws)).map((r) => r.name)).toEqual(['auditors']);
  });

  it('a role redefined between a grant’s check and its write is not granted as redefined', async () => {
    // An admin may grant "auditors" as read; an owner widens it meanwhile with what the admin lacks.
    const ws = await workspace('race-put');
    await putMember(ws, `${ws}-admin`, 'admin');
    const admin: Caller = {
      ...owner(ws),
      role: 'admin',
      userId: `${ws}-admin`,
      permissions: new Set(BUILTIN_ROLE_PERMISSIONS.admin),
    };
    const racing: WorkspaceStore = {
      ...store,
      roles: async (id) => {
        const read = await store.roles(id);
        await uc.putRole(owner(ws), 'auditors', [...BUILTIN_ROLE_PERMISSIONS.owner], depsWith(store));
        return read;
      },
    };
    expect(await codeOf(uc.changeRole(admin, `${ws}-m`, 'auditors', depsWith(racing)))).toBe('CONCURRENT_CHANGE');
    expect((await store.member(ws, `${ws}-m`))?.role).toBe('viewer');
  });
});
