// Review round 16: this test failed at 5bc3520.
/**
 * An API key created by a session while a password reset lands must not survive the reset: the
 * reset (new password version, `sessionsValidFrom`/`apiKeysValidFrom` stamps, sweeps) lands after
 * the edge read the session and before the key is written, with the key timed after the stamps.
 * The key is refused at creation (401) and, written before the password changed, at authentication.
 */

import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import { dynamoApiKeys, dynamoUserApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoMemberships } from '../../shared/adapters/dynamo-memberships';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { ACTIVE_API_KEYS_SK, API_KEY_SK, apiKeyPk, workspacePk } from '../../shared/adapters/keys';
import { createApiKey } from '../../shared/governance/api-keys';
import type { ApiKeyStore } from '../../shared/governance/ports';
import { callerOf } from '../../shared/http/caller';
import type { HttpRequest } from '../../shared/http/types';
import { startSession } from '../../shared/identity/accounts/sessions';
import { authenticate } from '../../shared/identity/authenticate';
import { sha256 } from '../../shared/identity/tokens';
import { dynamoForFile } from '../support/dynamo-emulator';
import { storedOwner } from '../support/stored-accounts';

const PREFIX = 'r16i-fix-apikey-';
const CORE = `${PREFIX}core`;
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)' };

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const LOGGED_IN = new Date('2025-06-01T13:00:00.000Z');
const REQUEST = new Date('2025-06-01T13:10:00.000Z');
/** The reset's stamps: after the edge read the session... */
const RESET = new Date('2025-06-01T13:10:00.050Z');
/** ...and before the key creation's clock read (another Lambda, another clock). */
const KEY_CLOCK = new Date('2025-06-01T13:10:00.100Z');

async function signedIn() {
  const { accounts, userId, workspaceId } = await storedOwner(db, CORE);
  const sessions = dynamoSessions(db, CORE);
  const apiKeys = dynamoApiKeys(db, CORE);
  const { token } = await startSession(userId, ORIGIN, { sessions }, LOGGED_IN, 0);
  // The edge reads the session (before the reset).
  const auth = await authenticate(
    {
      headers: {},
      cookies: { session: token },
      pathParams: {},
      query: { workspaceId },
      clientAddress: ORIGIN.ip,
      permission: 'api-keys:create',
      handsOutAccess: true,
    },
    {
      sessions,
      apiKeys,
      memberships: dynamoMemberships(db, CORE),
      now: () => REQUEST,
      onBackgroundError: (error) => {
        throw error;
      },
    },
  );
  const request = { auth, route: { id: 'api-keys.create' } } as unknown as HttpRequest;
  /** What a completed reset writes, in its order (confirmPasswordReset's store steps). */
  const reset = async () => {
    expect(await accounts.replacePassword(userId, 'new-hash', RESET, 0)).toBe(true);
    await sessions.revokeAll(userId, RESET);
    await dynamoUserApiKeys(db, CORE).revokeAllOf(userId, RESET);
  };
  return { accounts, apiKeys, userId, workspaceId, request, reset };
}

const activeKeys = async (workspaceId: string) =>
  Number((await getItem(db, CORE, { pk: workspacePk(workspaceId), sk: ACTIVE_API_KEYS_SK }))?.activeKeys ?? 0);

describe('an API key created while a password reset lands', () => {
  it('is refused (401) when the reset lands between the session read and the key write', async () => {
    const { accounts, apiKeys, workspaceId, request, reset } = await signedIn();
    let written: string | undefined;
    const store: ApiKeyStore = {
      ...apiKeys,
      async create(record, maxActive) {
        // The hook: the reset lands exactly here, after the session read, before the key write.
        await reset();
        written = record.keyHash;
        return apiKeys.create(record, maxActive);
      },
    };
    const attempt = createApiKey(
      callerOf(request),
      { name: 'raced', scopes: ['contacts:read'] },
      { store, now: () => KEY_CLOCK, users: accounts },
    );
    await expect(attempt).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    expect(written).toBeDefined();
    // Nothing written: no key to authenticate with, no slot taken.
    expect(await apiKeys.findActive(written as string)).toBeUndefined();
    expect(await activeKeys(workspaceId)).toBe(0);
  });

  it('written just before the password changed but timed after the reset (clock skew), it is refused', async () => {
    const { accounts, apiKeys, userId, request } = await signedIn();
    const created = await createApiKey(
      callerOf(request),
      { name: 'skewed', scopes: ['contacts:read'] },
      // Its clock runs ahead of the reset's: its createdAt is after any stamp the reset writes.
      { store: apiKeys, now: () => new Date(KEY_CLOCK.getTime() + 60_000), users: accounts },
    );
    const hash = sha256(created.key);
    expect(await apiKeys.findActive(hash)).toBeDefined();
    // The password changes; the stamps cannot catch the key (earlier than its createdAt) and the
    // sweep may not list it yet (gsi1 lags): the password version alone ends it.
    expect(await accounts.replacePassword(userId, 'new-hash', RESET, 0)).toBe(true);
    expect(await apiKeys.findActive(hash)).toBeUndefined();
  });

  it('made by a key-authenticated caller: none is, keys never create keys (403 API_KEY_NOT_ALLOWED, round 20)', async () => {
    const { accounts, apiKeys, workspaceId, request } = await signedIn();
    const { key: parentKey } = await createApiKey(
      callerOf(request),
      { name: 'parent', scopes: ['api-keys:create', 'contacts:read'] },
      { store: apiKeys, now: () => REQUEST, users: accounts },
    );
    // As a key written before keys recorded a version (which once handed out keys under the profile's).
    await db.send(
      new UpdateCommand({
        TableName: CORE,
        Key: { pk: apiKeyPk(sha256(parentKey)), sk: API_KEY_SK },
        UpdateExpression: 'REMOVE passwordVersion',
      }),
    );
    const byKey = authenticate(
      {
        headers: { authorization: `Bearer ${parentKey}` },
        cookies: {},
        pathParams: {},
        query: {},
        clientAddress: ORIGIN.ip,
        permission: 'api-keys:create',
        handsOutAccess: true,
      },
      {
        sessions: dynamoSessions(db, CORE),
        apiKeys,
        memberships: dynamoMemberships(db, CORE),
        now: () => REQUEST,
        onBackgroundError: () => {},
      },
    );
    await expect(byKey).rejects.toMatchObject({ status: 403, code: 'API_KEY_NOT_ALLOWED' });
    // Only the parent holds a slot.
    expect(await activeKeys(workspaceId)).toBe(1);
  });
});
