// Review round 24: this test failed at 137ce95.
/**
 * Review round 24 (a), against the embedded DynamoDB.
 *
 * Defect: a role change is written on the member's role as read (`#role = :expected`), but never on
 * the authority of the person making it. The edge read the actor's membership once, at the start of
 * the request; `changeRole` then reads the member and the custom roles and writes. An owner who
 * removes an admin in between (a removal is a single request that completes) leaves that admin's
 * promotion to land afterwards: the owner's member list, checked right after the removal, shows a
 * viewer that becomes an admin a moment later, by someone who is no member at all when it happens.
 * Every other grant a member makes is tied to the grantor's standing at the write or at its use
 * (an invite's accept checks the inviter's membership in its own transaction; a key and a webhook
 * token are judged on their creator's membership at each use); a role change is the one grant
 * that is checked at neither, and it stays.
 *
 * Correct behaviour: a role change whose actor was removed (or whose role changed) after the edge
 * read it writes nothing: 409 CONCURRENT_CHANGE (or 404/403), the member keeps their role.
 *
 * The interleaving is made deterministic by a store whose `roles()` read (between the edge's read
 * and the write) runs the owner's removal of the actor first; everything else is the real store.
 */
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

const PREFIX = 'r24a-role-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r24a-role-'));
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

function depsWith(store: WorkspaceStore): uc.WorkspaceDeps {
  return {
    store,
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

async function putMember(workspaceId: string, userId: string, role: string) {
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
        joinedAt: '2026-01-01T00:00:00.000Z',
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

/** The caller as the edge resolved them at the start of their request. */
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

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('r24a: a role change by someone removed while it is in flight', () => {
  it('writes nothing once its actor is no longer a member', async () => {
    const ws = `ws-${Date.now().toString(36)}`;
    const store = dynamoWorkspaces(db, CORE);
    await putMember(ws, 'u-owner', 'owner');
    await putMember(ws, 'u-admin', 'admin');
    await putMember(ws, 'u-friend', 'viewer');

    const { wrapped, onNextRolesRead } = interleaved(store);
    // The owner removes the admin after the admin's request passed the edge, before its write.
    let removal = 'not run';
    onNextRolesRead(async () => {
      removal = await settle(uc.removeMember(callerOf(ws, 'u-owner', 'owner'), 'u-admin', depsWith(store)));
    });
    const change = await settle(
      uc.changeRole(callerOf(ws, 'u-admin', 'admin'), 'u-friend', 'admin', depsWith(wrapped)),
    );

    expect(removal).toBe('ok');
    expect(await store.member(ws, 'u-admin'), 'the actor was removed').toBeUndefined();
    const friend = await store.member(ws, 'u-friend');
    // At 137ce95: the change answers "ok" and u-friend is an admin, promoted by a non-member after
    // the removal that should have ended the actor's authority had completed.
    expect(friend?.role, `changeRole by the removed admin → ${change}; u-friend is now ${friend?.role}`).toBe('viewer');
    expect(change).not.toBe('ok');
  });
});
