/**
 * Review r17c (workspaces and roles), against the embedded DynamoDB.
 *
 * Defect: deleting a custom role is a check-then-act that nothing guards. `deleteRole` reads the
 * members (none holds the role), then deletes the role item unconditionally; `changeRole` and
 * `acceptInvite` read the custom roles (the role exists), then write the membership with no check
 * that the role still exists. When a role deletion lands between the read and the write of a role
 * grant, both requests succeed and the workspace ends up with a member holding a role that does
 * not exist: the roles list does not show it, the edge gives its holder no permission at all, and
 * when an owner later creates a role of that name (for someone else, with other permissions) the
 * stranded member silently gets every one of them: access nobody granted them.
 *
 * Severity: MEDIUM (a race between two privileged users, but the outcome is a silent grant of
 * whatever a future role of that name carries, and a member the roles UI cannot explain).
 *
 * Root cause: shared/workspaces/use-cases.ts:deleteRole (members checked, then
 * shared/adapters/dynamo-workspaces.ts:deleteRole deletes with no condition), and
 * dynamo-workspaces.ts:setRole / acceptInvite (the membership write does not check that the
 * granted custom role still exists as read).
 *
 * Correct behaviour: of a role deletion and a concurrent grant of that role exactly one wins; the
 * other answers 409 (`CONCURRENT_CHANGE` / `ROLE_IN_USE`) and changes nothing, so no member ever
 * holds a role that does not exist. E.g. the grant's transaction carries a ConditionCheck on the
 * role item (its `createdAt` as read) and the deletion marks or counts holders on the role item
 * (a holder counter changed in the grant's transaction, deletion conditional on it being 0).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoMemberships } from '../../shared/adapters/dynamo-memberships';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { memberSk, membershipGsi1, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { Caller } from '../../shared/governance/ports';
import type { AuthContext } from '../../shared/identity/auth-context';
import { BUILTIN_ROLE_PERMISSIONS, isBuiltinRole } from '../../shared/identity/permissions';
import { sha256 } from '../../shared/identity/tokens';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import * as uc from '../../shared/workspaces/use-cases';

const PREFIX = 'r17c-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r17c-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const now = () => new Date();

function depsWith(store: WorkspaceStore): uc.WorkspaceDeps {
  return {
    store,
    email: { send: async () => ({ messageId: 'm' }) },
    now,
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

/** A store whose next `roles()` read runs `between` after reading and before answering. */
function interleaved(store: WorkspaceStore) {
  let between: (() => Promise<unknown>) | undefined;
  const wrapped: WorkspaceStore = {
    ...store,
    roles: async (ws) => {
      const read = await store.roles(ws);
      const run = between;
      between = undefined;
      if (run) await run();
      return read;
    },
  };
  return { wrapped, onNextRolesRead: (fn: () => Promise<unknown>) => (between = fn) };
}

async function putMember(workspaceId: string, userId: string, role: string, joinedAt: string) {
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(workspaceId),
        sk: memberSk(userId),
        type: 'membership',
        ...membershipGsi1(userId, workspaceId),
        workspaceId,
        organizationId: `org-${workspaceId}`,
        userId,
        role,
        joinedAt,
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

function callerOf(workspaceId: string, userId: string, role: 'owner' | 'admin'): Caller {
  return {
    workspaceId,
    organizationId: `org-${workspaceId}`,
    role,
    userId,
    email: `${userId}@example.test`,
    permissions: new Set(BUILTIN_ROLE_PERMISSIONS[role]),
  };
}

/** Members whose role is neither built in nor a custom role of the workspace. */
async function strandedMembers(store: WorkspaceStore, workspaceId: string) {
  const roles = new Set((await store.roles(workspaceId)).map((r) => r.name));
  return (await store.members(workspaceId)).filter((m) => !isBuiltinRole(m.role) && !roles.has(m.role));
}

async function settle(p: Promise<unknown>) {
  return p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );
}

describe('a custom role deleted while it is being granted', () => {
  it('changeRole racing deleteRole leaves no member holding a role that no longer exists', async () => {
    const ws = `ws-${Date.now().toString(36)}a`;
    const store = dynamoWorkspaces(db, CORE);
    const t0 = '2026-01-01T00:00:00.000Z';
    await putMember(ws, 'u-owner', 'owner', t0);
    await putMember(ws, 'u-admin', 'admin', t0);
    await putMember(ws, 'u-m', 'viewer', t0);
    const owner = callerOf(ws, 'u-owner', 'owner');
    await uc.putRole(owner, 'auditors', ['workspace:read', 'audit:read'], depsWith(store));

    const { wrapped, onNextRolesRead } = interleaved(store);
    // The owner deletes the (unused) role right after the admin's changeRole has read the roles.
    let deletion = 'not run';
    onNextRolesRead(async () => {
      deletion = await settle(uc.deleteRole(owner, 'auditors', depsWith(store)));
    });
    const change = await settle(uc.changeRole(callerOf(ws, 'u-admin', 'admin'), 'u-m', 'auditors', depsWith(wrapped)));

    const stranded = await strandedMembers(store, ws);
    // At the reviewed code both succeed ("ok", "ok") and u-m holds the deleted role "auditors".
    expect(
      stranded.map((m) => `${m.userId}:${m.role}`),
      `changeRole → ${change}, deleteRole → ${deletion}`,
    ).toEqual([]);
  });

  it('acceptInvite racing deleteRole adds no member with a role that no longer exists', async () => {
    const ws = `ws-${Date.now().toString(36)}b`;
    const store = dynamoWorkspaces(db, CORE);
    const t0 = '2026-01-01T00:00:00.000Z';
    await putMember(ws, 'u-owner2', 'owner', t0);
    const owner = callerOf(ws, 'u-owner2', 'owner');
    await uc.putRole(owner, 'auditors', ['workspace:read', 'audit:read'], depsWith(store));
    const token = `tok-${ws}-0123456789abcdef`;
    const at = new Date();
    await store.saveInvite(
      {
        inviteId: `inv-${ws}`,
        workspaceId: ws,
        organizationId: `org-${ws}`,
        email: 'newbie@example.test',
        role: 'auditors',
        invitedBy: 'u-owner2',
        createdAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + 86_400_000).toISOString(),
        status: 'pending',
      },
      sha256(token),
    );
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: userPk('u-newbie'), sk: USER_PROFILE_SK, type: 'user', userId: 'u-newbie' },
      }),
    );

    const { wrapped, onNextRolesRead } = interleaved(store);
    let deletion = 'not run';
    onNextRolesRead(async () => {
      deletion = await settle(uc.deleteRole(owner, 'auditors', depsWith(store)));
    });
    const invitee: AuthContext = {
      principal: { userId: 'u-newbie', email: 'newbie@example.test', via: 'session', sessionId: 's' },
    };
    const accept = await settle(
      uc.acceptInvite(invitee, token, { ip: '198.51.100.1', userAgent: 't' }, depsWith(wrapped)),
    );

    const stranded = await strandedMembers(store, ws);
    expect(
      stranded.map((m) => `${m.userId}:${m.role}`),
      `acceptInvite → ${accept}, deleteRole → ${deletion}`,
    ).toEqual([]);
  });

  it('a member stranded on a deleted role does not silently gain a later role of the same name', async () => {
    // The consequence, end to end through the edge's lookup: after the race above, an owner who
    // creates a new "auditors" role (meant for someone else, with other permissions) hands them
    // to the stranded member too, though nobody ever gave that member this role.
    const ws = `ws-${Date.now().toString(36)}c`;
    const store = dynamoWorkspaces(db, CORE);
    const t0 = '2026-01-01T00:00:00.000Z';
    await putMember(ws, 'u-owner3', 'owner', t0);
    await putMember(ws, 'u-admin3', 'admin', t0);
    await putMember(ws, 'u-m3', 'viewer', t0);
    const owner = callerOf(ws, 'u-owner3', 'owner');
    await uc.putRole(owner, 'auditors', ['workspace:read'], depsWith(store));
    const { wrapped, onNextRolesRead } = interleaved(store);
    onNextRolesRead(() => settle(uc.deleteRole(owner, 'auditors', depsWith(store))));
    await settle(uc.changeRole(callerOf(ws, 'u-admin3', 'admin'), 'u-m3', 'auditors', depsWith(wrapped)));

    // Later: a new role of that name, with settings and member management in it.
    await uc.putRole(owner, 'auditors', ['workspace:read', 'settings:write', 'members:remove'], depsWith(store));
    const lookup = dynamoMemberships(db, CORE);
    const m = await lookup.find(ws, 'u-m3');
    const perms = m && !isBuiltinRole(m.role) ? ((await lookup.customRole(ws, m.role))?.permissions ?? []) : [];
    expect(perms, `u-m3 holds role ${m?.role}`).not.toContain('settings:write');
  });
});
