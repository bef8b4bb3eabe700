// Review round 21: this test failed at c5f6923.
// Counters in transactions, under DynamoDB's conflicts. Custom roles and settings are capped per
// workspace by a counter item that every create and delete moves in its transaction. DynamoDB
// cancels a transaction that meets another one in flight on the same item (`TransactionConflict`;
// the local emulator makes it wait instead), so concurrent changes of DIFFERENT roles or settings
// all touch one item: such a cancellation is a lost race on the counter, not a conflict the user
// made, and must be tried again rather than answered 409. A real condition failure (the cap
// reached, the role changed) still answers its 409.
// The local emulator serialises transactions on a common item instead of cancelling one
// (lib/local/emulators/dynamodb-transact.ts), so the store here conflicts as DynamoDB does
// (test/support/aws-transaction-conflicts.ts). Before the fix a counter transaction had 5 tries
// within about 600 ms: ten deletes at once answered several 409 CONCURRENT_CHANGE.
import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import { dynamoSettings } from '../../shared/adapters/dynamo-settings';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { ROLE_COUNT_SK, SETTINGS_COUNT_SK, workspacePk } from '../../shared/adapters/keys';
import { localSecretBox } from '../../shared/adapters/secret-box';
import type { Caller } from '../../shared/governance/ports';
import { deleteSetting, putSetting } from '../../shared/governance/settings';
import { errorResult } from '../../shared/http/error-response';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import { MAX_CUSTOM_ROLES } from '../../shared/workspaces/role-rules';
import * as uc from '../../shared/workspaces/use-cases';
import { conflictingLikeAws } from '../support/aws-transaction-conflicts';
import { dynamoForFile } from '../support/dynamo-emulator';
import { storeMembership } from '../support/identity';

const PREFIX = 'r21f2-conflict-';
let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile(PREFIX, (h) => {
  db = h.db;
  CORE = h.table('core');
});

const owner = (workspaceId: string): Caller => ({
  workspaceId,
  organizationId: `org-${workspaceId}`,
  role: 'owner',
  userId: `${workspaceId}-owner`,
  email: `${workspaceId}-owner@example.test`,
  permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner),
});

/** A fresh workspace whose owner's membership is stored: a custom role is defined only by a member (round 24). */
async function ownedWorkspace(): Promise<string> {
  const ws = `ws-${randomUUID().slice(0, 8)}`;
  const { organizationId, userId } = owner(ws);
  await storeMembership(db, CORE, {
    workspaceId: ws,
    organizationId,
    userId,
    role: 'owner',
    joinedAt: '2026-01-01T00:00:00.000Z',
  });
  return ws;
}

function roleDeps(store: WorkspaceStore): uc.WorkspaceDeps {
  return {
    store,
    email: { send: async () => ({ messageId: 'm' }) },
    now: () => new Date(),
    publicBaseUrl: 'https://app.example.test',
    users: { findUser: async () => undefined },
    apiKeys: { revokeCreatedBy: async () => 0 },
    audit: { append: async () => {} },
  } as unknown as uc.WorkspaceDeps;
}

/** The status a request answers for `work`: 200, or its error's. */
const statusOf = (work: Promise<unknown>) =>
  work.then(
    () => 200,
    (error: unknown) => errorResult(error, 'req').status,
  );

const counter = async (workspaceId: string, sk: string) =>
  getItem(db, CORE, { pk: workspacePk(workspaceId), sk }, { consistent: true });

describe('r21f2: a transaction cancelled only by a conflict on a shared counter is tried again', () => {
  it('concurrent deletes of different custom roles all answer 200, and the count follows', async () => {
    const ws = await ownedWorkspace();
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    for (let i = 0; i < 12; i++) await uc.putRole(owner(ws), `role-${i}`, ['workspace:read'], plain);
    const aws = conflictingLikeAws(db);
    const deps = roleDeps(dynamoWorkspaces(aws.db, CORE));

    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => statusOf(uc.deleteRole(owner(ws), `role-${i}`, deps))),
    );

    expect(aws.conflicts(), 'the store conflicted as DynamoDB does').toBeGreaterThan(0);
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await dynamoWorkspaces(db, CORE).roles(ws)).map((r) => r.name)).toEqual(['role-10', 'role-11']);
    expect((await counter(ws, ROLE_COUNT_SK))?.roles).toBe(2);
  });

  it('concurrent creates and deletes of different custom roles all answer 200', async () => {
    const ws = await ownedWorkspace();
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    for (let i = 0; i < 6; i++) await uc.putRole(owner(ws), `old-${i}`, ['workspace:read'], plain);
    const aws = conflictingLikeAws(db);
    const deps = roleDeps(dynamoWorkspaces(aws.db, CORE));

    const statuses = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => statusOf(uc.deleteRole(owner(ws), `old-${i}`, deps))),
      ...Array.from({ length: 6 }, (_, i) => statusOf(uc.putRole(owner(ws), `new-${i}`, ['workspace:read'], deps))),
    ]);

    expect(aws.conflicts()).toBeGreaterThan(0);
    expect(statuses).toEqual(Array(12).fill(200));
    expect((await counter(ws, ROLE_COUNT_SK))?.roles).toBe(6);
  });

  it('concurrent deletes and creates of different settings all answer 200', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const caller = { ...owner(workspaceId), permissions: new Set(['settings:read', 'settings:write']) } as Caller;
    const secrets = localSecretBox(randomBytes(32));
    const plain = { settings: dynamoSettings(db, CORE), secrets, now: () => new Date() };
    for (let i = 0; i < 8; i++) await putSetting(caller, `old.${i}`, { value: i }, plain);
    const aws = conflictingLikeAws(db);
    const deps = { settings: dynamoSettings(aws.db, CORE), secrets, now: () => new Date() };

    const statuses = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => statusOf(deleteSetting(caller, `old.${i}`, deps))),
      ...Array.from({ length: 8 }, (_, i) => statusOf(putSetting(caller, `new.${i}`, { value: i }, deps))),
    ]);

    expect(aws.conflicts()).toBeGreaterThan(0);
    expect(statuses).toEqual(Array(16).fill(200));
    expect((await counter(workspaceId, SETTINGS_COUNT_SK))?.settings).toBe(8);
  });

  it('still answers a real condition failure at once: the cap reached, the same role deleted twice', async () => {
    const ws = await ownedWorkspace();
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    await Promise.all(
      Array.from({ length: MAX_CUSTOM_ROLES }, (_, i) => uc.putRole(owner(ws), `role-${i}`, ['workspace:read'], plain)),
    );
    const aws = conflictingLikeAws(db);
    const deps = roleDeps(dynamoWorkspaces(aws.db, CORE));

    const over = await Promise.all(
      Array.from({ length: 4 }, (_, i) => uc.putRole(owner(ws), `over-${i}`, ['workspace:read'], deps).catch((e) => e)),
    );
    expect(over.map((e: { code?: string }) => e.code)).toEqual(Array(4).fill('ROLE_LIMIT'));

    const twice = await Promise.all([
      uc.deleteRole(owner(ws), 'role-0', deps).then(
        () => 'deleted',
        (e: { code?: string }) => e.code,
      ),
      uc.deleteRole(owner(ws), 'role-0', deps).then(
        () => 'deleted',
        (e: { code?: string }) => e.code,
      ),
    ]);
    // The loser read the role before or after the winner's delete: a 409 or a 404, never a 5xx.
    expect(twice.filter((o) => o === 'deleted')).toHaveLength(1);
    expect(twice.filter((o) => o !== 'deleted')[0]).toMatch(/^(CONCURRENT_CHANGE|ROLE_NOT_FOUND)$/);
    expect((await counter(ws, ROLE_COUNT_SK))?.roles).toBe(MAX_CUSTOM_ROLES - 1);
  });
});
