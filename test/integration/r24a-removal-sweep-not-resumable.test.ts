// Review round 24: this test failed at 137ce95.
/**
 * Review round 24 (a), against the embedded DynamoDB.
 *
 * Defect: a member's removal deletes the membership first and only then ends what the member
 * handed out (API keys, pending invites, webhook tokens), in separate calls. When one of those
 * calls fails (a throttled or timed-out DynamoDB call, the function's 10 s timeout over a member's
 * thousands of pending invites), the request answers 5xx, no `members.remove` audit entry is
 * written (the edge audits successful requests only), and the removal can never be completed:
 * the retry finds no member and answers 404 MEMBER_NOT_FOUND, sweeping nothing. The member's keys
 * stay `isActive` in the listing and hold their slots of the workspace's 50, and their invites stay
 * in the pending list, for good (each is refused at use, but nothing ever withdraws them).
 *
 * Correct behaviour: the removal is retryable to completion (sweep first and delete the membership
 * last, or let a retry of a removal whose membership is already gone sweep again), so after a failed
 * attempt and a retry everything the member handed out in the workspace is ended.
 *
 * The failure is one injected error of the key sweep's first call; everything else is the real store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { memberSk, membershipGsi1, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { newKeyId } from '../../shared/governance/api-keys';
import type { Caller } from '../../shared/governance/ports';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { newApiKey, sha256 } from '../../shared/identity/tokens';
import * as uc from '../../shared/workspaces/use-cases';

const PREFIX = 'r24a-sweep-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r24a-sweep-'));
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

const owner = (workspaceId: string): Caller => ({
  workspaceId,
  organizationId: `org-${workspaceId}`,
  role: 'owner',
  userId: 'u-owner',
  email: 'u-owner@example.test',
  permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner),
});

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; name?: string }) => e.code ?? e.name ?? String(e),
  );

describe('r24a: a removal that failed part-way', () => {
  it('is completed by a retry: the member’s keys and invites end', async () => {
    const ws = `ws-${Date.now().toString(36)}`;
    const store = dynamoWorkspaces(db, CORE);
    const keys = dynamoApiKeys(db, CORE);
    await putMember(ws, 'u-owner', 'owner');
    await putMember(ws, 'u-leaver', 'admin');

    // What the admin handed out: an API key and a pending invite.
    const at = new Date();
    const created = await keys.create(
      {
        key: {
          keyId: newKeyId(at),
          workspaceId: ws,
          name: 'leaver key',
          prefix: 'uh_00000000',
          scopes: ['contacts:read'],
          createdBy: 'u-leaver',
          createdAt: at.toISOString(),
          usageCount: 0,
          isActive: true,
        },
        keyHash: sha256(newApiKey()),
        createdByEmail: 'u-leaver@example.test',
      },
      50,
    );
    expect(created).toBe('created');
    await store.saveInvite(
      {
        inviteId: `inv-${ws}`,
        workspaceId: ws,
        organizationId: `org-${ws}`,
        email: 'second-address@example.test',
        role: 'admin',
        invitedBy: 'u-leaver',
        createdAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + 86_400_000).toISOString(),
        status: 'pending',
      },
      sha256(`tok-${ws}-0123456789abcdef`),
    );

    // The first attempt's key sweep fails once (a throttled call); the owner retries.
    let failures = 1;
    const deps = (): uc.WorkspaceDeps => ({
      store,
      email: { send: async () => ({ messageId: 'm' }) },
      now: () => new Date(),
      publicBaseUrl: 'https://app.example.test',
      users: { findUser: async () => undefined },
      apiKeys: {
        revokeCreatedBy: async (...args) => {
          if (failures > 0) {
            failures -= 1;
            throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          }
          return keys.revokeCreatedBy(...args);
        },
      },
      audit: { append: async () => {} },
    });
    const first = await settle(uc.removeMember(owner(ws), 'u-leaver', deps()));
    const retry = await settle(uc.removeMember(owner(ws), 'u-leaver', deps()));

    expect(first, 'the first attempt failed part-way').not.toBe('ok');
    expect(await store.member(ws, 'u-leaver'), 'the membership is gone').toBeUndefined();
    const stillActive = (await keys.list(ws, 100, undefined, 'u-leaver')).items.filter((k) => k.isActive);
    const stillPending = (await store.pendingInvites(ws, new Date().toISOString(), { limit: 100 })).invites;
    // At 137ce95 the retry answers MEMBER_NOT_FOUND and sweeps nothing: the key stays active (and
    // holds its slot), the invite stays pending, and nothing can end them as a removal would.
    expect(
      { activeKeys: stillActive.length, pendingInvites: stillPending.length },
      `first attempt → ${first}, retry → ${retry}`,
    ).toEqual({ activeKeys: 0, pendingInvites: 0 });
  });
});
