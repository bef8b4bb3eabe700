// Review round 16: this test failed at e19efd2.
/**
 * Sessions are tied to the password they were opened with, not to a time: a session written with
 * the old password's version just BEFORE a reset (so the reset's sweep may not list it, gsi1
 * lagging) is refused once the new version is on the profile, whatever the clocks say; a log-in
 * whose verified version was replaced opens nothing; and a log-in's rehash of the old password
 * never overwrites the new hash. A session opened with the new password works.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { startSession } from '../../shared/identity/accounts/sessions';
import { sha256 } from '../../shared/identity/tokens';
import { dynamoForFile } from '../support/dynamo-emulator';
import { storedOwner } from '../support/stored-accounts';

const PREFIX = 'r16i-fix-pwv-';
const CORE = `${PREFIX}core`;
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)' };

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

async function account() {
  const { accounts, userId, email } = await storedOwner(db, CORE);
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
