// Review round 16: this test failed at e19efd2.
/**
 * Sessions are tied to the password they were opened with, not to a time: a session written with
 * the old password's version just BEFORE a reset (so the reset's sweep may not list it, gsi1
 * lagging) is refused once the new version is on the profile, whatever the clocks say; a log-in
 * whose verified version was replaced opens nothing; and a log-in's rehash of the old password
 * never overwrites the new hash. A session opened with the new password works.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { startSession } from '../../shared/identity/accounts/sessions';
import { newId, sha256 } from '../../shared/identity/tokens';

const PREFIX = 'r16i-fix-pwv-';
const CORE = `${PREFIX}core`;
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)' };

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), PREFIX));
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

async function account() {
  const accounts = dynamoUsers(db, CORE);
  const userId = newId();
  const workspaceId = newId();
  const organizationId = newId();
  const at = '2025-06-01T12:00:00.000Z';
  const email = `u-${userId.toLowerCase()}@example.com`;
  await accounts.create({
    user: { userId, email, name: 'U', emailVerified: true, defaultWorkspaceId: workspaceId, createdAt: at },
    passwordHash: 'old-hash',
    organization: { organizationId, name: 'O', ownerUserId: userId, createdAt: at },
    workspace: { workspaceId, organizationId, name: 'W', createdAt: at },
    membership: { workspaceId, organizationId, userId, role: 'owner', joinedAt: at },
  });
  return { accounts, sessions: dynamoSessions(db, CORE), userId, email };
}

const NOW = new Date('2025-06-01T13:00:00.000Z');

describe('a session tied to the password version it was opened with', () => {
  it('opened with the old password just before a reset, unswept, is refused once the password is replaced', async () => {
    const { accounts, sessions, userId } = await account();
    const { token } = await startSession(userId, ORIGIN, { sessions }, NOW, 0);
    expect(await sessions.findActive(sha256(token), NOW, { userId })).toBeDefined();
    // The reset replaces the password; its sweep (and its stamp) have not run yet, or missed it.
    expect(await accounts.replacePassword(userId, 'new-hash', NOW, 0)).toBe(true);
    expect(await sessions.findActive(sha256(token), NOW, { userId })).toBeUndefined();
    expect(await sessions.findActive(sha256(token), NOW)).toBeUndefined();
  });

  it('is not opened when the version its log-in verified was replaced meanwhile (401)', async () => {
    const { accounts, sessions, userId } = await account();
    expect(await accounts.replacePassword(userId, 'new-hash', NOW, 0)).toBe(true);
    await expect(startSession(userId, ORIGIN, { sessions }, NOW, 0)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    // Opened with the new password: active, even at the very instant of the reset.
    const { token } = await startSession(userId, ORIGIN, { sessions }, NOW, 1);
    expect(await sessions.findActive(sha256(token), NOW, { userId })).toBeDefined();
  });

  it('a rehash of the old password after a reset does not bring the old password back', async () => {
    const { accounts, userId, email } = await account();
    expect(await accounts.replacePassword(userId, 'new-hash', NOW, 0)).toBe(true);
    await accounts.setPasswordHash(userId, 'old-password-rehashed', NOW, 0);
    expect(await accounts.findByEmail(email)).toMatchObject({ passwordHash: 'new-hash', passwordVersion: 1 });
    await accounts.setPasswordHash(userId, 'new-password-rehashed', NOW, 1);
    expect(await accounts.findByEmail(email)).toMatchObject({ passwordHash: 'new-password-rehashed' });
  });
});
