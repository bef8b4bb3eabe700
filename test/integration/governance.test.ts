/**
 * The governance adapters against the embedded DynamoDB: API keys (the edge's lookup
 * included), the audit log's filtered, paginated listing, encrypted settings and alerts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoAlerts } from '../../shared/adapters/dynamo-alerts';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { dynamoSettings } from '../../shared/adapters/dynamo-settings';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { settingSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { localSecretBox, SecretOpenError } from '../../shared/adapters/secret-box';
import { acknowledgeAlert, listAlerts, resolveAlert } from '../../shared/governance/alerts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../shared/governance/api-keys';
import { InvalidCursorError } from '../../shared/governance/paging';
import type { Caller, StoredAuditEntry } from '../../shared/governance/ports';
import { listSettings, putSetting, readSecretSetting, SECRET_MASK } from '../../shared/governance/settings';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { sha256 } from '../../shared/identity/tokens';

const PREFIX = 'gov-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'governance-'));
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

/** A fresh workspace (and its owner) per test, so tests never see each other's data. */
function freshCaller(): Caller {
  const tag = randomUUID().slice(0, 8);
  return {
    workspaceId: `ws-${tag}`,
    organizationId: `org-${tag}`,
    role: 'owner',
    userId: `user-${tag}`,
    email: `owner-${tag}@example.test`,
    permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner),
  };
}

/**
 * Stores the caller's membership with their role, as the edge found it: what a member hands out is
 * written only while they still hold it (review round 24).
 */
async function asMember(caller: Caller): Promise<Caller> {
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(caller.workspaceId),
        sk: `MEMBER#${caller.userId}`,
        workspaceId: caller.workspaceId,
        organizationId: caller.organizationId,
        userId: caller.userId,
        role: caller.role,
        joinedAt: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
  return caller;
}

const now = () => new Date();
/** For tests of key storage, not of the verified-email rule (which has its own). */
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

describe('API keys in DynamoDB', () => {
  it('round-trips: create, findActive with the creator, recordUse, list without the hash, revoke', async () => {
    const caller = await asMember(freshCaller());
    const store = dynamoApiKeys(db, CORE);
    const profile = {
      userId: caller.userId,
      email: caller.email,
      name: 'Owner',
      emailVerified: true,
      defaultWorkspaceId: caller.workspaceId,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    await db.send(
      new PutCommand({ TableName: CORE, Item: { pk: userPk(caller.userId), sk: USER_PROFILE_SK, ...profile } }),
    );

    const users = dynamoUsers(db, CORE);
    const created = await createApiKey(
      caller,
      { name: 'CI', scopes: ['contacts:read', 'audit:read'] },
      { store, now, users },
    );
    const hash = sha256(created.key);

    const found = await store.findActive(hash);
    expect(found?.user).toEqual(profile);
    expect(found?.key).toMatchObject({
      keyId: created.apiKey.keyId,
      workspaceId: caller.workspaceId,
      scopes: ['contacts:read', 'audit:read'],
      isActive: true,
      usageCount: 0,
    });

    await store.recordUse(hash, new Date('2026-03-01T10:00:00.000Z'), '203.0.113.7');
    await store.recordUse(hash, new Date('2026-03-01T11:00:00.000Z'), '203.0.113.8');
    const listed = await listApiKeys(caller, { limit: 50 }, { store });
    expect(listed.apiKeys).toEqual([
      expect.objectContaining({
        keyId: created.apiKey.keyId,
        prefix: created.key.slice(0, 11),
        usageCount: 2,
        lastUsedAt: '2026-03-01T11:00:00.000Z',
        lastUsedIp: '203.0.113.8',
        isActive: true,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(hash);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    await expect(revokeApiKey(freshCaller(), created.apiKey.keyId, { store, now })).rejects.toMatchObject({
      status: 404,
    });
    expect(await store.findActive(hash)).toBeDefined();
    await revokeApiKey(caller, created.apiKey.keyId, { store, now });
    expect(await store.findActive(hash)).toBeUndefined();
    expect((await listApiKeys(caller, { limit: 50 }, { store })).apiKeys[0]).toMatchObject({
      isActive: false,
      revokedBy: caller.userId,
    });
  });

  it('finds no key for an unknown hash, and recordUse creates no item for one', async () => {
    const store = dynamoApiKeys(db, CORE);
    const hash = sha256(`uh_${randomBytes(16).toString('hex')}`);

    await store.recordUse(hash, new Date(), '203.0.113.9');

    expect(await store.findActive(hash)).toBeUndefined();
    expect(
      (await db.send(new GetCommand({ TableName: CORE, Key: { pk: `APIKEY#${hash}`, sk: 'APIKEY' } }))).Item,
    ).toBeUndefined();
  });

  it('enforces the active-key limit with its counter; revoking frees a slot', async () => {
    const caller = freshCaller();
    const store = dynamoApiKeys(db, CORE);
    const record = (keyId: string) => ({
      key: {
        keyId,
        workspaceId: caller.workspaceId,
        name: keyId,
        prefix: 'uh_00000000',
        scopes: ['contacts:read' as const],
        createdBy: caller.userId,
        createdAt: new Date().toISOString(),
        usageCount: 0,
        isActive: true,
      },
      keyHash: sha256(randomUUID()),
      createdByEmail: caller.email,
    });

    expect(await store.create(record('k1'), 2)).toBe('created');
    expect(await store.create(record('k2'), 2)).toBe('created');
    expect(await store.create(record('k3'), 2)).toBe('limit-reached');
    expect(await store.revoke(caller.workspaceId, 'k1', caller.userId, new Date().toISOString())).toBe('revoked');
    expect(await store.revoke(caller.workspaceId, 'k1', caller.userId, new Date().toISOString())).toBe(
      'already-revoked',
    );
    expect(await store.create(record('k4'), 2)).toBe('created');
  });

  it('pages the listing newest first with a cursor that carries no table key', async () => {
    const caller = await asMember(freshCaller());
    const store = dynamoApiKeys(db, CORE);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
      ids.push(
        (
          await createApiKey(
            caller,
            { name: `k${i}`, scopes: ['contacts:read'] },
            { store, now: () => at, users: everyoneVerified },
          )
        ).apiKey.keyId,
      );
    }

    const first = await listApiKeys(caller, { limit: 2 }, { store });
    const second = await listApiKeys(caller, { limit: 2, cursor: first.nextCursor as string }, { store });

    expect(first.apiKeys.map((k) => k.keyId)).toEqual([ids[2], ids[1]]);
    expect(Buffer.from(first.nextCursor as string, 'base64url').toString()).not.toContain('APIKEY#');
    expect(second.apiKeys.map((k) => k.keyId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
  });
});

describe('audit log in DynamoDB', () => {
  const entry = (workspaceId: string, i: number, extra: Partial<StoredAuditEntry> = {}): StoredAuditEntry => ({
    id: randomUUID(),
    createdAt: new Date(Date.UTC(2026, 1, 1, 0, 0, 0, 0) + i * 1000).toISOString(),
    workspaceId,
    eventType: i % 2 === 0 ? 'contacts.create' : 'settings.put',
    eventAction: 'POST',
    actorType: 'user',
    actorId: i % 50 === 7 ? 'rare-actor' : 'usual-actor',
    resourceType: 'contacts',
    resourceId: `r-${i}`,
    metadata: { i },
    ...extra,
  });

  async function seed(workspaceId: string, count: number): Promise<StoredAuditEntry[]> {
    const audit = dynamoAudit(db, AUDIT);
    const entries = Array.from({ length: count }, (_, i) => entry(workspaceId, i));
    for (let i = 0; i < entries.length; i += 25)
      await Promise.all(entries.slice(i, i + 25).map((e) => audit.append(e)));
    return entries;
  }

  async function listAll(query: Parameters<ReturnType<typeof dynamoAudit>['list']>[0]) {
    const audit = dynamoAudit(db, AUDIT);
    const pages: StoredAuditEntry[][] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list({ ...query, ...(cursor ? { cursor } : {}) });
      pages.push([...page.items]);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  }

  it('appends once per id (the same entry again is the one written; another under its id is refused) and stores every field', async () => {
    const ws = freshCaller().workspaceId;
    const audit = dynamoAudit(db, AUDIT);
    const e = entry(ws, 1, { actorEmail: 'a@example.test', ip: '198.51.100.1', userAgent: 'vitest' });

    await audit.append(e);
    // The same entry again (as the SDK's retry of a put whose answer was lost) is the one written.
    await expect(audit.append(e)).resolves.toBeUndefined();
    await expect(audit.append({ ...e, eventAction: 'other' })).rejects.toThrow();

    const { items } = await audit.list({ workspaceId: ws, limit: 10 });
    expect(items).toEqual([e]);
  });

  it('lists newest first over more than one page, each entry once, only of the workspace', async () => {
    const ws = freshCaller().workspaceId;
    const entries = await seed(ws, 25);
    await seed(freshCaller().workspaceId, 3);

    const pages = await listAll({ workspaceId: ws, limit: 10 });

    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat().map((e) => e.id)).toEqual([...entries].reverse().map((e) => e.id));
  });

  it('filters by type (gsi1), actor and date range, paging through sparse matches', async () => {
    const ws = freshCaller().workspaceId;
    const entries = await seed(ws, 230);

    const rare = await listAll({ workspaceId: ws, actorId: 'rare-actor', limit: 2 });
    const rareIds = entries
      .filter((e) => e.actorId === 'rare-actor')
      .map((e) => e.id)
      .reverse();
    expect(rare.flat().map((e) => e.id)).toEqual(rareIds);
    expect(rare.length).toBeGreaterThan(1);

    const from = entries[10]?.createdAt as string;
    const to = entries[19]?.createdAt as string;
    const typed = await listAll({ workspaceId: ws, eventType: 'settings.put', from, to, limit: 3 });
    const expected = entries.slice(10, 20).filter((e) => e.eventType === 'settings.put');
    expect(typed.flat().map((e) => e.id)).toEqual(expected.map((e) => e.id).reverse());
    expect(typed.flat().every((e) => e.eventType === 'settings.put')).toBe(true);

    const byResource = await listAll({ workspaceId: ws, resourceType: 'contacts', resourceId: 'r-42', limit: 5 });
    expect(byResource.flat().map((e) => e.resourceId)).toEqual(['r-42']);
  });

  it("refuses another workspace's cursor", async () => {
    const a = freshCaller().workspaceId;
    const b = freshCaller().workspaceId;
    await seed(a, 3);
    await seed(b, 3);
    const audit = dynamoAudit(db, AUDIT);
    const page = await audit.list({ workspaceId: a, limit: 1 });

    await expect(audit.list({ workspaceId: b, limit: 1, cursor: page.nextCursor as string })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('settings in DynamoDB', () => {
  it('stores secrets encrypted, lists them masked with global defaults, and opens them internally', async () => {
    const caller = freshCaller();
    const settings = dynamoSettings(db, CORE);
    const deps = { settings, secrets: localSecretBox(randomBytes(32)), now };
    const plaintext = `sk-live-${randomUUID()}`;
    const globalKey = `global.${randomUUID().slice(0, 8)}`;
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: 'GLOBAL',
          sk: settingSk(globalKey),
          key: globalKey,
          isSecret: false,
          valueJson: '{"on":true}',
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );

    await putSetting(caller, 'provider.api_key', { value: plaintext, isSecret: true }, deps);
    await putSetting(caller, 'brand.name', { value: { long: 'Acme', short: 'A' } }, deps);

    const stored = await db.send(
      new GetCommand({
        TableName: CORE,
        Key: { pk: workspacePk(caller.workspaceId), sk: settingSk('provider.api_key') },
      }),
    );
    expect(stored.Item?.sealed).toBeDefined();
    expect(JSON.stringify(stored.Item)).not.toContain(plaintext);

    const { settings: listed } = await listSettings(caller, { limit: 100 }, deps);
    expect(listed.filter((s) => s.scope === 'workspace')).toEqual([
      {
        key: 'brand.name',
        scope: 'workspace',
        isSecret: false,
        value: { long: 'Acme', short: 'A' },
        updatedAt: expect.any(String),
      },
      {
        key: 'provider.api_key',
        scope: 'workspace',
        isSecret: true,
        value: SECRET_MASK,
        updatedAt: expect.any(String),
      },
    ]);
    expect(listed).toContainEqual(expect.objectContaining({ key: globalKey, scope: 'global', value: { on: true } }));
    expect(JSON.stringify(listed)).not.toContain(plaintext);
    expect(await readSecretSetting(caller.workspaceId, 'provider.api_key', deps)).toBe(plaintext);

    // The same item copied under another workspace can't be opened there.
    const other = freshCaller().workspaceId;
    await db.send(new PutCommand({ TableName: CORE, Item: { ...stored.Item, pk: workspacePk(other) } }));
    await expect(readSecretSetting(other, 'provider.api_key', deps)).rejects.toBeInstanceOf(SecretOpenError);
  });
});

describe('security alerts in DynamoDB', () => {
  it('acknowledges and resolves within the workspace only; resolving twice changes nothing', async () => {
    const mine = freshCaller();
    const theirs = freshCaller();
    const sink = dynamoSecurityAlerts(db, CORE);
    const alerts = dynamoAlerts(db, CORE);
    const raise = (workspaceId: string, id: string, severity: 'low' | 'high', createdAt: string) =>
      sink.raise({ id, alertType: 'auth_anomaly', severity, title: 't', metadata: {}, workspaceId, createdAt });
    await raise(mine.workspaceId, 'a-1', 'low', '2026-03-01T00:00:00.000Z');
    await raise(mine.workspaceId, 'a-2', 'high', '2026-03-02T00:00:00.000Z');
    await raise(theirs.workspaceId, 'b-1', 'high', '2026-03-03T00:00:00.000Z');

    await expect(acknowledgeAlert(mine, 'b-1', { alerts, now })).rejects.toMatchObject({ status: 404 });
    await expect(resolveAlert(mine, 'b-1', { alerts, now })).rejects.toMatchObject({ status: 404 });
    expect((await listAlerts(theirs, { limit: 10 }, { alerts })).alerts).toEqual([
      expect.objectContaining({ id: 'b-1', status: 'open', resolved: false }),
    ]);

    const acknowledged = await acknowledgeAlert(mine, 'a-1', { alerts, now });
    expect(acknowledged).toMatchObject({ id: 'a-1', status: 'acknowledged', acknowledgedBy: mine.userId });
    const resolved = await resolveAlert(mine, 'a-2', { alerts, now: () => new Date('2026-04-01T00:00:00.000Z') });
    const again = await resolveAlert(mine, 'a-2', { alerts, now: () => new Date('2026-05-01T00:00:00.000Z') });
    expect(again).toEqual(resolved);
    expect(again.resolvedAt).toBe('2026-04-01T00:00:00.000Z');

    const byStatus = async (status: 'open' | 'acknowledged' | 'resolved') =>
      (await listAlerts(mine, { status, limit: 10 }, { alerts })).alerts.map((a) => a.id);
    expect(await byStatus('acknowledged')).toEqual(['a-1']);
    expect(await byStatus('resolved')).toEqual(['a-2']);
    expect(await byStatus('open')).toEqual([]);
    expect((await listAlerts(mine, { severity: 'high', limit: 10 }, { alerts })).alerts.map((a) => a.id)).toEqual([
      'a-2',
    ]);
  });
});

describe('the security function behind the edge', () => {
  type Handler = typeof import('../../functions/security')['handler'];
  let handler: Handler;
  const owner = freshCaller();
  let rawKey: string;

  beforeAll(async () => {
    Object.assign(process.env, {
      TABLE_CORE: CORE,
      TABLE_AUDIT: AUDIT,
      TABLE_EPHEMERAL: `${PREFIX}ephemeral`,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LOCAL_SECRET_KEY: randomBytes(32).toString('base64'),
      RATE_LIMITS: 'off',
      POWERTOOLS_METRICS_DISABLED: 'true',
      LOG_LEVEL: 'SILENT',
    });
    ({ handler } = await import('../../functions/security'));
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: userPk(owner.userId),
          sk: USER_PROFILE_SK,
          userId: owner.userId,
          email: owner.email,
          name: 'Admin',
          emailVerified: true,
          defaultWorkspaceId: owner.workspaceId,
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: workspacePk(owner.workspaceId),
          sk: `MEMBER#${owner.userId}`,
          workspaceId: owner.workspaceId,
          organizationId: 'org-1',
          userId: owner.userId,
          role: 'admin',
          joinedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    const admin = { ...owner, role: 'admin', permissions: new Set(BUILTIN_ROLE_PERMISSIONS.admin) };
    rawKey = (
      await createApiKey(
        admin,
        { name: 'bootstrap', scopes: BUILTIN_ROLE_PERMISSIONS.admin },
        { store: dynamoApiKeys(db, CORE), now, users: dynamoUsers(db, CORE) },
      )
    ).key;
  });

  async function call(method: string, url: string, routeKey: string, body?: unknown, key = rawKey) {
    const { buildEvent } = await import('../../lib/local/api-event');
    const path = new URL(url, 'http://local').pathname;
    const template = routeKey.split(' ')[1] as string;
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const values = new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}$`).exec(path)?.slice(1) ?? [];
    const pathParameters = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i] as string)]));
    const event = buildEvent(
      {
        method,
        url,
        headers: { host: 'localhost', authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
        sourceIp: '198.51.100.20',
      },
      { routeKey, pathParameters },
    );
    const context = { awsRequestId: 'r', functionName: 'security', getRemainingTimeInMillis: () => 5000 };
    const result = await handler(event, context as never);
    return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
  }

  it('lists and revokes keys over HTTP, creates none for a key; a revoked key no longer authenticates', async () => {
    // Keys never create keys (api-keys:create is session only), whatever their scopes.
    const refused = await call('POST', '/api/security/api-keys', 'POST /api/security/api-keys', {
      name: 'deploy',
      scopes: ['contacts:read'],
    });
    expect(refused).toMatchObject({ status: 403, json: { code: 'API_KEY_NOT_ALLOWED' } });
    // The person creates it (what the function does for a session).
    const admin = { ...owner, role: 'admin', permissions: new Set(BUILTIN_ROLE_PERMISSIONS.admin) };
    const deps = { store: dynamoApiKeys(db, CORE), now, users: dynamoUsers(db, CORE) };
    const made = await createApiKey(admin, { name: 'deploy', scopes: ['contacts:read'] }, deps);
    const created = { json: made };
    expect(created.json.key).toMatch(/^uh_[0-9a-f]{32}$/);

    const listed = await call('GET', '/api/security/api-keys', 'GET /api/security/api-keys');
    expect(listed.status).toBe(200);
    expect(listed.json.apiKeys.map((k: { name: string }) => k.name)).toEqual(['deploy', 'bootstrap']);
    expect(JSON.stringify(listed.json)).not.toContain(created.json.key);

    const keyId = created.json.apiKey.keyId as string;
    const revoked = await call('DELETE', `/api/security/api-keys/${keyId}`, 'DELETE /api/security/api-keys/{keyId}');
    expect(revoked.status).toBe(204);
    const withRevoked = await call(
      'GET',
      '/api/security/api-keys',
      'GET /api/security/api-keys',
      undefined,
      created.json.key,
    );
    expect(withRevoked.status).toBe(401);
  });

  it('masks secret settings and audits the change without the value', async () => {
    const put = await call('PUT', '/api/settings/provider.token', 'PUT /api/settings/{key}', {
      value: 'tok-very-secret',
      isSecret: true,
    });
    expect(put).toMatchObject({ status: 201, json: { setting: { key: 'provider.token', value: SECRET_MASK } } });

    const listed = await call('GET', '/api/settings', 'GET /api/settings');
    expect(listed.json.settings).toContainEqual(expect.objectContaining({ key: 'provider.token', value: SECRET_MASK }));

    const log = await call('GET', '/api/security/audit-log?eventType=settings.put', 'GET /api/security/audit-log');
    expect(log.status).toBe(200);
    expect(log.json.entries).toEqual([
      expect.objectContaining({ eventType: 'settings.put', resourceId: 'provider.token', actorId: owner.userId }),
    ]);
    expect(JSON.stringify(log.json)).not.toContain('tok-very-secret');
  });

  it('answers bad input with 4xx: unknown alert, bad cursor, bad limit', async () => {
    const unknownAlert = await call(
      'POST',
      '/api/security/alerts/nope/resolve',
      'POST /api/security/alerts/{alertId}/resolve',
    );
    expect(unknownAlert).toMatchObject({ status: 404, json: { code: 'ALERT_NOT_FOUND' } });
    const badCursor = await call('GET', '/api/security/audit-log?cursor=abc', 'GET /api/security/audit-log');
    expect(badCursor).toMatchObject({ status: 400, json: { code: 'INVALID_CURSOR' } });
    const badLimit = await call('GET', '/api/security/alerts?limit=0', 'GET /api/security/alerts');
    expect(badLimit).toMatchObject({ status: 400, json: { code: 'VALIDATION_FAILED' } });
  });
});
