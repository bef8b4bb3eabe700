/**
 * The account adapters against the real emulators: sign-up's TransactWriteItems (and its
 * cancellation on a duplicate email), log-in, sessions, single-use tokens, throttle
 * counters and devices, through DynamoDB (dynalite + transaction proxy) and SES v2.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoDevices } from '../../shared/adapters/dynamo-devices';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoAccountTokens, dynamoLoginAttempts, dynamoUsers } from '../../shared/adapters/dynamo-users';
import { sesEmailSender } from '../../shared/adapters/ses-email';
import { logIn } from '../../shared/identity/accounts/log-in';
import { describeMe } from '../../shared/identity/accounts/me';
import { scryptHasher } from '../../shared/identity/accounts/password';
import { confirmPasswordReset, requestPasswordReset } from '../../shared/identity/accounts/password-reset';
import type { AccountDeps } from '../../shared/identity/accounts/ports';
import { startSession } from '../../shared/identity/accounts/sessions';
import { signUp } from '../../shared/identity/accounts/sign-up';
import { EMAIL_SK, emailPk, META_SK, memberSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/identity/keys';
import { newId, sha256 } from '../../shared/identity/tokens';

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
    devices: dynamoDevices(db, CORE),
    email: sesEmailSender(ses, 'no-reply@unite-hub.local'),
    audit: dynamoAudit(db, AUDIT),
    alerts: dynamoSecurityAlerts(db, CORE),
    passwords: scryptHasher({ N: 2 ** 10, r: 8, p: 1, saltBytes: 16, keyBytes: 32 }),
    clock: { now: () => clockMs },
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
  it('counts failures, forgets an expired counter before TTL sweeps it, and clears', async () => {
    const key = `LOGIN#test#${newId()}`;
    expect(await deps.attempts.recordFailure(key, now(), 900)).toMatchObject({ failures: 1 });
    expect(await deps.attempts.recordFailure(key, now(), 900)).toMatchObject({ failures: 2, lastFailureAt: clockMs });
    expect(await deps.attempts.read(key, now())).toMatchObject({ failures: 2 });

    const later = new Date(clockMs + 901_000);
    expect(await deps.attempts.read(key, later)).toBeUndefined();
    expect(await deps.attempts.recordFailure(key, later, 900)).toMatchObject({ failures: 1 });
    await deps.attempts.clear(key);
    expect(await deps.attempts.read(key, later)).toBeUndefined();
  });

  it('hands a token to exactly one of two concurrent consumers', async () => {
    const hash = sha256(newId());
    await deps.tokens.issue(hash, 'password-reset', 'u1', new Date(clockMs + 3600_000));
    const results = await Promise.all([
      deps.tokens.consume(hash, 'password-reset', now()),
      deps.tokens.consume(hash, 'password-reset', now()),
    ]);
    expect(results.sort()).toEqual(['u1', undefined].sort());
  });

  it('refuses an expired token still in the table', async () => {
    const hash = sha256(newId());
    await deps.tokens.issue(hash, 'verify-email', 'u1', new Date(clockMs + 1000));
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
