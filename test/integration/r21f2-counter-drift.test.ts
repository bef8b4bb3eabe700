// Review round 21: this test failed at c5f6923.
// Where a counter of custom roles or settings could stop matching the items it counts. A
// workspace whose items predate its counter is counted by the first write that needs the counter:
// a consistent count of the items plus one, set only if no other write counted it meanwhile. A
// deletion on such a workspace did not count (a plain DeleteItem): landing between the first
// creation's count and its transaction, it left the counter one above the items for good, one
// slot of the cap lost per race. Now deletions count too, under the same condition, so whichever
// write comes second finds the counter there and moves it with an ADD.
// The other suspect, a creation whose transaction landed but whose answer was lost and which the
// SDK sent again, cannot count twice: the SDK serialises a TransactWriteItems once, with one
// ClientRequestToken (an idempotency token) for all its attempts, and DynamoDB answers a repeat
// of a token that succeeded in the last 10 minutes with success, writing nothing (the emulator
// does the same); the last test proves it.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { getItem } from '../../shared/adapters/dynamo/item';
import { countPrefix } from '../../shared/adapters/dynamo/query';
import { dynamoSettings } from '../../shared/adapters/dynamo-settings';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import {
  ROLE_COUNT_SK,
  ROLE_PREFIX,
  roleSk,
  SETTINGS_COUNT_SK,
  settingSk,
  workspacePk,
} from '../../shared/adapters/keys';
import { localSecretBox } from '../../shared/adapters/secret-box';
import type { Caller } from '../../shared/governance/ports';
import { deleteSetting, putSetting } from '../../shared/governance/settings';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import { MAX_CUSTOM_ROLES } from '../../shared/workspaces/role-rules';
import * as uc from '../../shared/workspaces/use-cases';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { storeMembership } from '../support/identity';

const PREFIX = 'r21f2-drift-';
let db: DynamoDBDocumentClient;
let CORE: string;
let endpoint: string;
dynamoForFile(PREFIX, (h) => {
  db = h.db;
  CORE = h.table('core');
  endpoint = h.emulators.dynamodb.endpoint;
});

const owner = (workspaceId: string): Caller => ({
  workspaceId,
  organizationId: `org-${workspaceId}`,
  role: 'owner',
  userId: `${workspaceId}-owner`,
  email: `${workspaceId}-owner@example.test`,
  permissions: new Set([...BUILTIN_ROLE_PERMISSIONS.owner, 'settings:read', 'settings:write']),
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

const secrets = localSecretBox(randomBytes(32));
const settingDeps = (client: DynamoDBDocumentClient) => ({
  settings: dynamoSettings(client, CORE),
  secrets,
  now: () => new Date(),
});

/** `names` written as the store wrote roles before it kept a count (no counter item). */
async function legacyRoles(workspaceId: string, names: readonly string[]) {
  for (const name of names) {
    const role = { workspaceId, name, permissions: ['workspace:read'], createdAt: '2026-01-01T00:00:00.000Z' };
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: workspacePk(workspaceId), sk: roleSk(name), type: 'role', ...role },
      }),
    );
  }
}

/** `keys` written as the store wrote settings before it kept a count. */
async function legacySettings(workspaceId: string, keys: readonly string[]) {
  for (const key of keys) {
    const item = { key, isSecret: false, valueJson: '1', updatedAt: '2026-01-01T00:00:00.000Z' };
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: workspacePk(workspaceId), sk: settingSk(key), type: 'setting', ...item },
      }),
    );
  }
}

/** The counter and the items it counts, read consistently. */
async function countAndItems(workspaceId: string, counterSk: string, attribute: string, prefix: string) {
  const counter = await getItem(db, CORE, { pk: workspacePk(workspaceId), sk: counterSk }, { consistent: true });
  return { counter: counter?.[attribute], items: await countPrefix(db, CORE, workspacePk(workspaceId), prefix) };
}

/** Whether `command` writes the item of sort key `sk` (alone or in a transaction). */
function writes(command: unknown, sk: string): boolean {
  if (command instanceof DeleteCommand || command instanceof PutCommand) {
    const input = command.input as { Key?: { sk?: unknown }; Item?: { sk?: unknown } };
    return (input.Key ?? input.Item)?.sk === sk;
  }
  if (command instanceof TransactWriteCommand) {
    return (command.input.TransactItems ?? []).some((t) => {
      const op = (t.Put ?? t.Delete ?? t.Update ?? t.ConditionCheck) as {
        Key?: { sk?: unknown };
        Item?: { sk?: unknown };
      };
      return (op.Key ?? op.Item)?.sk === sk;
    });
  }
  return false;
}

/** `db` that runs `racing` once, just before the first write of the item `sk` is sent. */
function racingBefore(sk: string, racing: () => Promise<unknown>): DynamoDBDocumentClient {
  let raced = false;
  return interceptedClient(db, async (command, send) => {
    if (!raced && writes(command, sk)) {
      raced = true;
      await racing();
    }
    return send(command);
  });
}

describe('r21f2: a counter never drifts from the items it counts', () => {
  it('roles: a deletion landing between the first creation’s count and its write', async () => {
    const ws = await ownedWorkspace();
    await legacyRoles(ws, ['old-0', 'old-1', 'old-2']);
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    const racing = racingBefore(roleSk('new'), () => uc.deleteRole(owner(ws), 'old-0', plain));

    await uc.putRole(owner(ws), 'new', ['workspace:read'], roleDeps(dynamoWorkspaces(racing, CORE)));

    expect(await countAndItems(ws, ROLE_COUNT_SK, 'roles', ROLE_PREFIX)).toEqual({ counter: 3, items: 3 });
  });

  it('roles: a first creation landing between a deletion’s read and its write', async () => {
    const ws = await ownedWorkspace();
    await legacyRoles(ws, ['old-0', 'old-1', 'old-2']);
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    const racing = racingBefore(roleSk('old-0'), () => uc.putRole(owner(ws), 'new', ['workspace:read'], plain));

    await uc.deleteRole(owner(ws), 'old-0', roleDeps(dynamoWorkspaces(racing, CORE)));

    expect(await countAndItems(ws, ROLE_COUNT_SK, 'roles', ROLE_PREFIX)).toEqual({ counter: 3, items: 3 });
  });

  it('roles: at the cap, a slot freed by such a race can be taken again', async () => {
    const ws = await ownedWorkspace();
    await legacyRoles(
      ws,
      Array.from({ length: MAX_CUSTOM_ROLES - 1 }, (_, i) => `old-${i}`),
    );
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    const racing = racingBefore(roleSk('new'), () => uc.deleteRole(owner(ws), 'old-0', plain));
    await uc.putRole(owner(ws), 'new', ['workspace:read'], roleDeps(dynamoWorkspaces(racing, CORE)));

    // One below the cap: one more fits, the next is refused.
    await uc.putRole(owner(ws), 'last', ['workspace:read'], plain);
    await expect(uc.putRole(owner(ws), 'over', ['workspace:read'], plain)).rejects.toMatchObject({
      code: 'ROLE_LIMIT',
    });
  });

  it('settings: a deletion landing between the first creation’s count and its write, and the reverse', async () => {
    const first = `ws-${randomUUID().slice(0, 8)}`;
    await legacySettings(first, ['old.0', 'old.1', 'old.2']);
    const racingDelete = racingBefore(settingSk('new'), () => deleteSetting(owner(first), 'old.0', settingDeps(db)));
    await putSetting(owner(first), 'new', { value: 1 }, settingDeps(racingDelete));
    expect(await countAndItems(first, SETTINGS_COUNT_SK, 'settings', settingSk(''))).toEqual({ counter: 3, items: 3 });

    const second = `ws-${randomUUID().slice(0, 8)}`;
    await legacySettings(second, ['old.0', 'old.1', 'old.2']);
    const racingCreate = racingBefore(settingSk('old.0'), () =>
      putSetting(owner(second), 'new', { value: 1 }, settingDeps(db)),
    );
    await deleteSetting(owner(second), 'old.0', settingDeps(racingCreate));
    expect(await countAndItems(second, SETTINGS_COUNT_SK, 'settings', settingSk(''))).toEqual({ counter: 3, items: 3 });
  });

  it('a creation whose answer was lost and which the SDK sent again counts once, and answers success', async () => {
    const ws = await ownedWorkspace();
    const plain = roleDeps(dynamoWorkspaces(db, CORE));
    await uc.putRole(owner(ws), 'first', ['workspace:read'], plain);
    // The first TransactWriteItems reaches the table, and its answer is lost on the way back.
    const inner = new NodeHttpHandler();
    let lost = 0;
    const requestHandler = {
      handle: async (request: { headers: Record<string, string> }, options?: unknown) => {
        const answer = await inner.handle(request as never, options as never);
        if (request.headers['x-amz-target']?.endsWith('.TransactWriteItems') && lost === 0) {
          lost += 1;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return answer;
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => inner.destroy(),
    };
    const raw = new DynamoDBClient({ ...localClientConfig(endpoint), requestHandler: requestHandler as never });
    const lossy = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    try {
      await uc.putRole(owner(ws), 'second', ['workspace:read'], roleDeps(dynamoWorkspaces(lossy, CORE)));
    } finally {
      raw.destroy();
    }

    expect(lost).toBe(1);
    expect(await countAndItems(ws, ROLE_COUNT_SK, 'roles', ROLE_PREFIX)).toEqual({ counter: 2, items: 2 });
  });
});
