/**
 * The account adapters against the real emulators: sign-up's TransactWriteItems (and its
 * cancellation on a duplicate email), log-in, sessions, single-use tokens, throttle
 * counters and devices, through DynamoDB (dynalite + transaction proxy) and SES v2.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoApiKeys, dynamoUserApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoDevices } from '../../shared/adapters/dynamo-devices';
import { dynamoLoginAttempts } from '../../shared/adapters/dynamo-login-attempts';
import { dynamoMailQuota } from '../../shared/adapters/dynamo-mail-quota';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoAccountTokens, dynamoUsers } from '../../shared/adapters/dynamo-users';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { EMAIL_SK, emailPk, META_SK, memberSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { sesEmailSender } from '../../shared/adapters/ses-email';
import { createApiKey } from '../../shared/governance/api-keys';
import { logIn } from '../../shared/identity/accounts/log-in';
import { describeMe } from '../../shared/identity/accounts/me';
import { scryptHasher } from '../../shared/identity/accounts/password';
import {
  confirmPasswordReset,
  RESET_REQUEST_FLOOR_MS,
  requestPasswordReset,
} from '../../shared/identity/accounts/password-reset';
import type { AccountDeps } from '../../shared/identity/accounts/ports';
import { startSession } from '../../shared/identity/accounts/sessions';
import { signUp } from '../../shared/identity/accounts/sign-up';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { newId, sessionTokenUser, sha256 } from '../../shared/identity/tokens';
import {
  acceptInvite,
  invite as inviteToWorkspace,
  removeMember,
  revokeInvite,
} from '../../shared/workspaces/use-cases';

const PREFIX = 'acct-';
const CORE = `${PREFIX}core`;
const EPHEMERAL = `${PREFIX}ephemeral`;
const AUDIT = `${PREFIX}audit`;
const PASSWORD = 'correct horse battery';
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)', publicBaseUrl: 'http://localhost:3000' };

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let ses: SESv2Client;
let deps: AccountDeps;
const clockMs = Date.UTC(2025, 5, 1, 12);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'identity-accounts-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  ses = new SESv2Client(localClientConfig(emulators.ses.endpoint));
  await ensureTables(raw, tables, PREFIX);
  deps = {
    accounts: dynamoUsers(db, CORE),
    sessions: dynamoSessions(db, CORE),
    tokens: dynamoAccountTokens(db, EPHEMERAL),
    attempts: dynamoLoginAttempts(db, EPHEMERAL),
    mailQuota: dynamoMailQuota(db, EPHEMERAL),
    apiKeys: dynamoUserApiKeys(db, CORE),
    devices: dynamoDevices(db, CORE),
    email: sesEmailSender(ses, 'no-reply@unite-hub.local'),
    audit: dynamoAudit(db, AUDIT),
    alerts: dynamoSecurityAlerts(db, CORE),
    passwords: scryptHasher({ N: 2 ** 10, r: 8, p: 1, saltBytes: 16, keyBytes: 32 }),
    clock: { now: () => clockMs, sleep: async () => undefined },
  };
});

afterAll(async () => {
  raw?.destroy();
  ses?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const uniqueEmail = () =>
  `user-${newId()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}@example.com`;
const now = () => new Date(clockMs);
const getItem = async (table: string, pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item;
const outbox = async () =>
  ((await (await fetch(`${emulators.ses.endpoint}/store`)).json()) as { emails: Array<Record<string, unknown>> })
    .emails;
const tokenMailedTo = async (to: string) => {
  const mails = (await outbox()).filter((m) => JSON.stringify(m.destination ?? m).includes(to));
  const token = /#token=([A-Za-z0-9_-]+)/.exec(JSON.stringify(mails.at(-1)))?.[1];
  if (!token) throw new Error(`no token mailed to ${to}`);
  return token;
};

describe('sign-up through DynamoDB', () => {
  it('writes every record in one transaction and mails the verification link', async () => {
    const email = uniqueEmail();

    const { user, organization, workspace, sessionToken } = await signUp(
      { email, password: PASSWORD, name: 'Ada', organizationName: 'Engines' },
      ORIGIN,
      deps,
    );

    expect(await getItem(CORE, emailPk(email), EMAIL_SK)).toMatchObject({ userId: user.userId });
    expect(await getItem(CORE, userPk(user.userId), USER_PROFILE_SK)).toMatchObject({
      email,
      name: 'Ada',
      emailVerified: false,
      defaultWorkspaceId: workspace.workspaceId,
    });
    const credentials = await getItem(CORE, userPk(user.userId), 'CREDENTIALS');
    expect(String(credentials?.passwordHash)).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await getItem(CORE, `ORG#${organization.organizationId}`, META_SK)).toMatchObject({ name: 'Engines' });
    expect(await getItem(CORE, workspacePk(workspace.workspaceId), META_SK)).toMatchObject({
      name: 'Engines workspace',
    });
    expect(await getItem(CORE, workspacePk(workspace.workspaceId), memberSk(user.userId))).toMatchObject({
      role: 'owner',
      organizationId: organization.organizationId,
      gsi1pk: `USER#${user.userId}`,
      gsi1sk: `MEMBERSHIP#${workspace.workspaceId}`,
    });

    const token = await tokenMailedTo(email);
    const stored = await getItem(EPHEMERAL, `TOKEN#${sha256(token)}`, 'verify-email');
    expect(stored).toMatchObject({ userId: user.userId, expiresAt: Math.floor(clockMs / 1000) + 24 * 3600 });

    const audit = await db.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `WS#${workspace.workspaceId}` },
      }),
    );
    expect(audit.Items?.map((i) => i.eventType)).toEqual(['auth.signup']);
    expect((await deps.sessions.findActive(sha256(sessionToken), now()))?.user.userId).toBe(user.userId);
  });

  it('cancels the whole transaction on a duplicate email: 409 EMAIL_TAKEN and nothing written', async () => {
    const email = uniqueEmail();
    await signUp({ email, password: PASSWORD, name: 'First' }, ORIGIN, deps);

    await expect(
      signUp(
        { email: email.toUpperCase(), password: PASSWORD, name: 'Second', organizationName: 'Dup Org' },
        ORIGIN,
        deps,
      ),
    ).rejects.toMatchObject({ status: 409, code: 'EMAIL_TAKEN' });

    const leftovers = await db.send(
      new ScanCommand({
        TableName: CORE,
        FilterExpression: '#n IN (:second, :org, :ws)',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':second': 'Second', ':org': 'Dup Org', ':ws': 'Dup Org workspace' },
      }),
    );
    expect(leftovers.Items).toEqual([]);
  });
});

describe('log-in and sessions through DynamoDB', () => {
  it('logs in, lists memberships and sessions, revokes, and never stores the raw token', async () => {
    const email = uniqueEmail();
    const { user, workspace } = await signUp({ email, password: PASSWORD, name: 'Grace' }, ORIGIN, deps);

    await expect(logIn({ email, password: 'wrong password!' }, ORIGIN, deps)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    const { sessionToken } = await logIn({ email, password: PASSWORD }, ORIGIN, deps);

    const hash = sha256(sessionToken);
    const item = await getItem(CORE, `SESSION#${hash}`, 'SESSION');
    expect(typeof item?.expiresAt).toBe('number');
    expect(item?.expiresAt).toBe(Math.floor(clockMs / 1000) + 7 * 24 * 3600);
    expect(item?.sessionExpiresAt).toBe(new Date(clockMs + 7 * 24 * 3600 * 1000).toISOString());
    const everything = JSON.stringify((await db.send(new ScanCommand({ TableName: CORE }))).Items);
    expect(everything).not.toContain(sessionToken);

    expect((await describeMe(user.userId, deps)).memberships).toEqual([
      {
        workspaceId: workspace.workspaceId,
        organizationId: workspace.organizationId,
        role: 'owner',
        workspaceName: 'Default',
      },
    ]);

    const sessions = await deps.sessions.listActive(user.userId, now());
    expect(sessions).toHaveLength(2);
    const current = await deps.sessions.findActive(hash, now());
    const sessionId = current?.session.sessionId ?? '';
    expect(await deps.sessions.revoke('someone-else', sessionId, now())).toBe(false);
    expect(await deps.sessions.revoke(user.userId, sessionId, now())).toBe(true);
    expect(await deps.sessions.findActive(hash, now())).toBeUndefined();
    expect(await deps.sessions.revoke(user.userId, sessionId, now())).toBe(false);
    expect(await deps.sessions.listActive(user.userId, now())).toHaveLength(1);
  });

  it('reads the session, its user and the named membership in one call, for that user only', async () => {
    const owner = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'One read' }, ORIGIN, deps);
    const other = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'Other' }, ORIGIN, deps);
    const { token } = await startSession(owner.user.userId, ORIGIN, deps, now());
    expect(sessionTokenUser(token)).toBe(owner.user.userId);
    const hash = sha256(token);
    const calls: string[] = [];
    raw.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'oneReadCounter' },
    );
    try {
      const found = await deps.sessions.findActive(hash, now(), {
        userId: owner.user.userId,
        workspaceId: owner.workspace.workspaceId,
      });
      expect(calls).toEqual(['BatchGetItemCommand']);
      expect(found?.user.userId).toBe(owner.user.userId);
      expect(found?.membership).toMatchObject({ workspaceId: owner.workspace.workspaceId, role: 'owner' });
      // Not a member there: the membership is read as absent (null), never someone else's.
      const elsewhere = await deps.sessions.findActive(hash, now(), {
        userId: owner.user.userId,
        workspaceId: other.workspace.workspaceId,
      });
      expect(elsewhere?.membership).toBeNull();
    } finally {
      raw.middlewareStack.remove('oneReadCounter');
    }
    // The session belongs to its own user: naming another (whose membership would be read) finds nothing.
    expect(
      await deps.sessions.findActive(hash, now(), {
        userId: other.user.userId,
        workspaceId: other.workspace.workspaceId,
      }),
    ).toBeUndefined();
    // "Log out everywhere" holds on the one-call path too.
    await deps.sessions.revokeAll(owner.user.userId, new Date(clockMs + 1000));
    expect(
      await deps.sessions.findActive(hash, new Date(clockMs + 2000), { userId: owner.user.userId }),
    ).toBeUndefined();
  });

  it('still reads a session whose token names no user (minted before tokens did)', async () => {
    const { user } = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'Legacy' }, ORIGIN, deps);
    const { session } = await startSession(user.userId, ORIGIN, deps, now());
    const legacy = randomBytes(32).toString('base64url');
    await deps.sessions.create(sha256(legacy), { ...session, sessionId: newId() });
    expect(sessionTokenUser(legacy)).toBeUndefined();
    expect((await deps.sessions.findActive(sha256(legacy), now()))?.user.userId).toBe(user.userId);
  });

  it('treats a session as gone after 7 days, before TTL has deleted it', async () => {
    const email = uniqueEmail();
    const { user } = await signUp({ email, password: PASSWORD, name: 'Expiring' }, ORIGIN, deps);
    const { token } = await startSession(user.userId, ORIGIN, deps, now());
    const later = new Date(clockMs + 7 * 24 * 3600 * 1000);

    expect(await deps.sessions.findActive(sha256(token), new Date(later.getTime() - 1000))).toBeDefined();
    expect(await deps.sessions.findActive(sha256(token), later)).toBeUndefined();
    expect(await getItem(CORE, `SESSION#${sha256(token)}`, 'SESSION')).toBeDefined();
  });

  it('touch stamps lastSeenAt and the address', async () => {
    const { user } = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'T' }, ORIGIN, deps);
    const { token } = await startSession(user.userId, ORIGIN, deps, now());
    const later = new Date(clockMs + 60_000);
    await deps.sessions.touch(sha256(token), later, '192.0.2.44');
    expect((await deps.sessions.findActive(sha256(token), later))?.session).toMatchObject({
      lastSeenAt: later.toISOString(),
      ip: '192.0.2.44',
    });
    await deps.sessions.touch(sha256('no such token'), later, '192.0.2.44');
    expect(await getItem(CORE, `SESSION#${sha256('no such token')}`, 'SESSION')).toBeUndefined();
  });

  it('a password reset uses its token once and ends every session', async () => {
    const email = uniqueEmail();
    const { sessionToken } = await signUp({ email, password: PASSWORD, name: 'Reset' }, ORIGIN, deps);
    await requestPasswordReset(email, ORIGIN.publicBaseUrl, deps);
    const token = await tokenMailedTo(email);

    await confirmPasswordReset({ token, password: 'a brand new passphrase' }, ORIGIN, deps);

    expect(await deps.sessions.findActive(sha256(sessionToken), now())).toBeUndefined();
    await expect(confirmPasswordReset({ token, password: 'another passphrase' }, ORIGIN, deps)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    expect((await logIn({ email, password: 'a brand new passphrase' }, ORIGIN, deps)).user.email).toBe(email);
  });
});

describe('ephemeral records through DynamoDB', () => {
  const limits = { windowSeconds: 900, freeBelow: 5 };

  it('reserves attempts, turns them into failures or gives them back, forgives, and forgets expired ones', async () => {
    const key = `LOGIN#test#${newId()}`;
    const count = () => deps.attempts.read(key, now());
    expect(await deps.attempts.reserve(key, undefined, now(), limits, 'r1')).toEqual({
      attempts: 1,
      failures: 0,
      lastFailureAt: 0,
    });
    expect(await deps.attempts.reserve(key, await count(), now(), limits, 'r2')).toMatchObject({ attempts: 2 });
    expect(await deps.attempts.fail(key, now(), 900, 'r1')).toEqual({
      attempts: 2,
      failures: 1,
      lastFailureAt: clockMs,
    });
    await deps.attempts.release(key, now(), 'r2');
    expect(await count()).toEqual({ attempts: 1, failures: 1, lastFailureAt: clockMs });
    // A failure is never given back.
    await deps.attempts.release(key, now(), 'r1');
    expect(await count()).toMatchObject({ attempts: 1, failures: 1 });
    // Forgiving drops the failures but keeps an attempt still being checked.
    await deps.attempts.reserve(key, await count(), now(), limits, 'r3');
    await deps.attempts.forgive(key, now());
    expect(await count()).toEqual({ attempts: 1, failures: 0, lastFailureAt: 0 });

    const later = new Date(clockMs + 901_000);
    expect(await deps.attempts.read(key, later)).toBeUndefined();
    expect(await deps.attempts.reserve(key, undefined, later, limits, 'r4')).toMatchObject({
      attempts: 1,
      failures: 0,
    });
    // Releasing or forgiving an absent counter creates nothing.
    const absent = `LOGIN#test#${newId()}`;
    await deps.attempts.release(absent, now(), 'r1');
    await deps.attempts.forgive(absent, now());
    expect(await getItem(EPHEMERAL, absent, 'login-attempts')).toBeUndefined();
  });

  it('counts at most the allowance from a burst, and past it only the attempt judged against the stored count', async () => {
    const key = `LOGIN#test#${newId()}`;
    // 30 concurrent first attempts on no counter: 5 counted.
    const first = await Promise.all(
      Array.from({ length: 30 }, async () => {
        for (let round = 0; round < 5; round++) {
          const seen = await deps.attempts.read(key, now());
          if (seen && seen.attempts >= 5) return undefined;
          const reserved = await deps.attempts.reserve(key, seen, now(), limits, newId());
          if (reserved) return reserved;
        }
        return undefined;
      }),
    );
    expect(first.filter((r) => r !== undefined)).toHaveLength(5);
    for (let i = 0; i < 5; i++) await deps.attempts.fail(key, now(), 900, newId());
    const judged = await deps.attempts.read(key, now());
    expect(judged).toEqual({ attempts: 5, failures: 5, lastFailureAt: clockMs });
    // 30 concurrent reservations, all judged against the same count: one wins.
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => deps.attempts.reserve(key, judged, now(), limits, newId())),
    );
    expect(outcomes.filter((o) => o !== undefined)).toEqual([{ attempts: 6, failures: 5, lastFailureAt: clockMs }]);
    // A stale view of a fresh counter never resets a live one.
    expect(await deps.attempts.reserve(key, undefined, now(), limits, newId())).toBeUndefined();
  });

  it('caps mails per key within a window that starts at the first mail', async () => {
    const key = `RESETMAIL#test#${newId()}`;
    const taken = [];
    for (let i = 0; i < 7; i++) taken.push(await deps.mailQuota.take(key, 5, 3600, now()));
    expect(taken).toEqual([true, true, true, true, true, false, false]);
    expect(await deps.mailQuota.take(key, 5, 3600, new Date(clockMs + 3599_000))).toBe(false);
    expect(await deps.mailQuota.take(key, 5, 3600, new Date(clockMs + 3600_000))).toBe(true);
    const parallel = await Promise.all(
      Array.from({ length: 20 }, () => deps.mailQuota.take(`${key}-b`, 5, 3600, now())),
    );
    expect(parallel.filter(Boolean)).toHaveLength(5);
  });

  it('hands a token to exactly one of two concurrent consumers', async () => {
    const hash = sha256(newId());
    await deps.tokens.issue(hash, 'password-reset', { userId: 'u1', passwordVersion: 3 }, new Date(clockMs + 3600_000));
    expect(await deps.tokens.peek(hash, 'password-reset', now())).toEqual({ userId: 'u1', passwordVersion: 3 });
    const results = await Promise.all([
      deps.tokens.consume(hash, 'password-reset', now()),
      deps.tokens.consume(hash, 'password-reset', now()),
    ]);
    expect(results.filter((r) => r !== undefined)).toEqual([{ userId: 'u1', passwordVersion: 3 }]);
  });

  it('refuses an expired token still in the table', async () => {
    const hash = sha256(newId());
    await deps.tokens.issue(hash, 'verify-email', { userId: 'u1' }, new Date(clockMs + 1000));
    const later = new Date(clockMs + 2000);
    expect(await deps.tokens.peek(hash, 'verify-email', later)).toBeUndefined();
    expect(await deps.tokens.consume(hash, 'verify-email', later)).toBeUndefined();
  });
});

describe('devices through DynamoDB', () => {
  it('records a device once as new, lists and forgets it for its owner only', async () => {
    const userId = newId();
    const seen = { userId, deviceId: sha256('ua|d1'), userAgent: 'ua', ip: '192.0.2.1', at: now() };
    expect(await deps.devices.recordSeen(seen)).toEqual({ isNew: true });
    expect(await deps.devices.recordSeen({ ...seen, ip: '192.0.2.2', at: new Date(clockMs + 5000) })).toEqual({
      isNew: false,
    });
    expect(await deps.devices.list(userId)).toEqual([
      {
        deviceId: seen.deviceId,
        userId,
        userAgent: 'ua',
        firstSeenAt: now().toISOString(),
        lastSeenAt: new Date(clockMs + 5000).toISOString(),
        lastIp: '192.0.2.2',
      },
    ]);
    expect(await deps.devices.forget('someone-else', seen.deviceId)).toBe(false);
    expect(await deps.devices.forget(userId, seen.deviceId)).toBe(true);
    expect(await deps.devices.list(userId)).toEqual([]);
  });
});

describe('log-in throttle through DynamoDB', () => {
  it('of 30 concurrent wrong guesses, at most the 5 the policy allows get their password checked', async () => {
    const email = uniqueEmail();
    await signUp({ email, password: PASSWORD, name: 'Burst' }, ORIGIN, deps);
    let checked = 0;
    const counting = {
      ...deps.passwords,
      verify: (password: string, encoded: string) => {
        checked += 1;
        return deps.passwords.verify(password, encoded);
      },
    };
    const origin = { ...ORIGIN, ip: `198.51.100.${Math.floor(Math.random() * 200) + 1}` };

    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        logIn({ email, password: `wrong guess ${i}` }, origin, { ...deps, passwords: counting }),
      ),
    );

    // Never more than 5. Fewer is possible on a busy machine, and safe: an attempt that counted
    // on the email's counter but found the address's counter contended five rounds running is
    // refused and gives its place back, and attempts judged meanwhile were refused as "busy"
    // (retry in 1 s). CI saw 4 once, under load.
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5);
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code: string }).code : 'OK'));
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(checked);
    expect(codes.filter((c) => c === 'LOGIN_THROTTLED')).toHaveLength(30 - checked);
  });
});

describe('password reset through DynamoDB: what it ends', () => {
  const keyItem = (hash: string) => getItem(CORE, `APIKEY#${hash}`, 'APIKEY');
  const activeCount = async (workspaceId: string) =>
    Number((await getItem(CORE, workspacePk(workspaceId), 'APIKEY_COUNT'))?.activeKeys);

  it('revokes the user’s API keys in every workspace, even one the index has not listed yet', async () => {
    const email = uniqueEmail();
    const { user, workspace } = await signUp({ email, password: PASSWORD, name: 'Victim' }, ORIGIN, deps);
    await deps.accounts.markEmailVerified(user.userId, now());
    const store = dynamoApiKeys(db, CORE);
    const workspaces = dynamoWorkspaces(db, CORE);
    const second = { workspaceId: newId(), organizationId: workspace.organizationId, name: 'Second', createdAt: '' };
    await workspaces.createWorkspace(second, { ...second, userId: user.userId, role: 'owner', joinedAt: '' }, 100);
    const before = () => new Date(clockMs - 60_000);
    const caller = (workspaceId: string, userId = user.userId) => ({
      workspaceId,
      organizationId: workspace.organizationId,
      role: 'owner',
      userId,
      email,
      permissions: new Set(['contacts:read'] as const),
    });
    const users = deps.accounts;
    const inFirst = await createApiKey(
      caller(workspace.workspaceId),
      { name: 'a', scopes: ['contacts:read'] },
      { store, now: before, users },
    );
    const inSecond = await createApiKey(
      caller(second.workspaceId),
      { name: 'b', scopes: ['contacts:read'] },
      { store, now: before, users },
    );
    const colleague = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'Colleague' }, ORIGIN, deps);
    await deps.accounts.markEmailVerified(colleague.user.userId, now());
    // A colleague in the victim's workspace (a key is made only by a member with the role read).
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: workspacePk(workspace.workspaceId),
          sk: memberSk(colleague.user.userId),
          type: 'membership',
          workspaceId: workspace.workspaceId,
          organizationId: workspace.organizationId,
          userId: colleague.user.userId,
          role: 'owner',
          joinedAt: '',
        },
      }),
    );
    const theirs = await createApiKey(
      caller(workspace.workspaceId, colleague.user.userId),
      { name: 'c', scopes: ['contacts:read'] },
      { store, now: before, users },
    );
    // A key the workspace index has not caught up with: no gsi1 attributes at all.
    const unlisted = `uh_${randomBytes(16).toString('hex')}`;
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: `APIKEY#${sha256(unlisted)}`,
          sk: 'APIKEY',
          type: 'api-key',
          keyId: 'unlisted1',
          workspaceId: workspace.workspaceId,
          name: 'unlisted',
          prefix: unlisted.slice(0, 11),
          scopes: ['contacts:read'],
          createdBy: user.userId,
          createdAt: before().toISOString(),
          usageCount: 0,
          isActive: true,
        },
      }),
    );
    expect(await store.findActive(sha256(unlisted))).toBeDefined();
    const countsBefore = [await activeCount(workspace.workspaceId), await activeCount(second.workspaceId)];

    await requestPasswordReset(email, ORIGIN.publicBaseUrl, deps);
    await confirmPasswordReset({ token: await tokenMailedTo(email), password: 'a brand new passphrase' }, ORIGIN, deps);

    for (const created of [inFirst, inSecond]) {
      expect(await store.findActive(sha256(created.key))).toBeUndefined();
      expect(await keyItem(sha256(created.key))).toMatchObject({ isActive: false, revokedBy: user.userId });
    }
    expect(await store.findActive(sha256(unlisted))).toBeUndefined();
    expect(await store.findActive(sha256(theirs.key))).toBeDefined();
    expect([await activeCount(workspace.workspaceId), await activeCount(second.workspaceId)]).toEqual([
      (countsBefore[0] ?? 0) - 1,
      (countsBefore[1] ?? 0) - 1,
    ]);
    expect(await getItem(CORE, userPk(user.userId), USER_PROFILE_SK)).toMatchObject({ emailVerified: true });

    // The rightful owner's new keys work.
    const after = await createApiKey(
      caller(workspace.workspaceId),
      { name: 'new', scopes: ['contacts:read'] },
      { store, now: () => new Date(clockMs + 60_000), users },
    );
    expect(await store.findActive(sha256(after.key))).toBeDefined();
  });

  it('voids every other reset link of the user, and of two used at once exactly one wins', async () => {
    const email = uniqueEmail();
    await signUp({ email, password: PASSWORD, name: 'Links' }, ORIGIN, deps);
    const links: string[] = [];
    for (let i = 0; i < 3; i++) {
      await requestPasswordReset(email, ORIGIN.publicBaseUrl, deps);
      links.push(await tokenMailedTo(email));
    }
    expect(new Set(links).size).toBe(3);

    const outcomes = await Promise.allSettled(
      links
        .slice(0, 2)
        .map((token, i) => confirmPasswordReset({ token, password: `passphrase number ${i} ok` }, ORIGIN, deps)),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    await expect(
      confirmPasswordReset({ token: links[2] as string, password: 'the attacker passphrase' }, ORIGIN, deps),
    ).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(
      (await getItem(CORE, userPk((await deps.accounts.findByEmail(email))?.user.userId ?? ''), 'CREDENTIALS'))
        ?.passwordVersion,
    ).toBe(1);
  });

  it('answers a known and an unknown address after the same time (the floor)', async () => {
    const email = uniqueEmail();
    await signUp({ email, password: PASSWORD, name: 'Timing' }, ORIGIN, deps);
    const real = {
      ...deps,
      clock: { now: Date.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
    };
    const time = async (address: string) => {
      const started = performance.now();
      await requestPasswordReset(address, ORIGIN.publicBaseUrl, real);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(email));
      unknown.push(await time(uniqueEmail()));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
    for (const t of [...known, ...unknown]) expect(t).toBeGreaterThanOrEqual(RESET_REQUEST_FLOOR_MS - 5);
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(25);
  });
});

describe('workspace membership through DynamoDB', () => {
  it('removing a member revokes their keys there; a revoked invite answers 410 and adds nobody', async () => {
    const owner = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'Owner' }, ORIGIN, deps);
    const member = await signUp({ email: uniqueEmail(), password: PASSWORD, name: 'Member' }, ORIGIN, deps);
    for (const u of [owner.user, member.user]) await deps.accounts.markEmailVerified(u.userId, now());
    const store = dynamoApiKeys(db, CORE);
    const wsDeps = {
      store: dynamoWorkspaces(db, CORE),
      email: deps.email,
      now,
      publicBaseUrl: ORIGIN.publicBaseUrl,
      users: deps.accounts,
      apiKeys: store,
      audit: deps.audit,
    };
    const ws = owner.workspace.workspaceId;
    // The membership is seeded directly; the invite path is the second half of this test.
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: workspacePk(ws),
          sk: memberSk(member.user.userId),
          type: 'membership',
          gsi1pk: `USER#${member.user.userId}`,
          gsi1sk: `MEMBERSHIP#${ws}`,
          workspaceId: ws,
          organizationId: owner.workspace.organizationId,
          userId: member.user.userId,
          role: 'admin',
          joinedAt: now().toISOString(),
        },
      }),
    );
    const memberKey = await createApiKey(
      {
        workspaceId: ws,
        organizationId: owner.workspace.organizationId,
        role: 'admin',
        userId: member.user.userId,
        email: member.user.email,
        permissions: new Set(['contacts:read'] as const),
      },
      { name: 'm', scopes: ['contacts:read'] },
      { store, now, users: deps.accounts },
    );
    const ownerCaller = {
      workspaceId: ws,
      organizationId: owner.workspace.organizationId,
      role: 'owner',
      userId: owner.user.userId,
      email: owner.user.email,
      permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner),
    };

    expect(await removeMember(ownerCaller, member.user.userId, wsDeps)).toEqual({ apiKeysRevoked: 1 });
    expect(await store.findActive(sha256(memberKey.key))).toBeUndefined();

    const invite = await inviteToWorkspace(ownerCaller, { email: member.user.email, role: 'member' }, wsDeps);
    const token = await tokenMailedTo(member.user.email);
    await revokeInvite(ownerCaller, invite.inviteId, wsDeps);
    const memberAuth = { principal: { userId: member.user.userId, email: member.user.email, via: 'session' as const } };
    await expect(acceptInvite(memberAuth, token, ORIGIN, wsDeps)).rejects.toMatchObject({
      status: 410,
      code: 'INVITE_REVOKED',
    });
    expect(await getItem(CORE, workspacePk(ws), memberSk(member.user.userId))).toBeUndefined();
    expect((await wsDeps.store.invites(ws)).find((i) => i.inviteId === invite.inviteId)).toMatchObject({
      status: 'revoked',
      revokedBy: owner.user.userId,
    });
  });
});
