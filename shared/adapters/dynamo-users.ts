/**
 * Accounts in the `core` table (user profile, credentials, email claim, organization,
 * workspace, membership) and the account flows' single-use tokens in `ephemeral`. Log-in
 * attempt counters and mail quotas have their own modules.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountStore, MembershipView, OneTimeTokenStore, TokenGrant } from '../identity/accounts/ports';
import type { User } from '../identity/model';
import { batchGet } from './dynamo/batch';
import { conditionally } from './dynamo/conditions';
import { epochSeconds, getItem } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { prefixQuery, queryAll } from './dynamo/query';
import { putIfAbsent, transactWrite } from './dynamo/transact';
import { membershipPage } from './dynamo-membership-page';
import { API_KEYS_VALID_FROM, GRANTS_VALID_FROM, passwordVersionIs } from './dynamo-memberships';
import { revokeGrantsIn } from './dynamo-workspaces';
import {
  EMAIL_SK,
  emailPk,
  MEMBERSHIP_GSI1_PREFIX,
  META_SK,
  memberSk,
  membershipGsi1,
  orgPk,
  tokenPk,
  USER_CREDENTIALS_SK,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from './keys';

/** Reads a stored profile into the model, dropping storage attributes. */
export function toUser(item: Record<string, unknown>): User {
  return {
    userId: String(item.userId),
    email: String(item.email),
    name: String(item.name),
    emailVerified: item.emailVerified === true,
    defaultWorkspaceId: String(item.defaultWorkspaceId),
    createdAt: String(item.createdAt),
  };
}

/** The condition "the password version is still `:v`" (./dynamo-memberships.ts, with the grantor's other reads). */
export { passwordVersionIs };

/** The account store; `create` is one TransactWriteItems with the email claim first. */
export function dynamoUsers(db: DynamoDBDocumentClient, table: string): AccountStore {
  const get = (pk: string, sk: string) => getItem(db, table, { pk, sk }, { consistent: true });
  const put = (item: Record<string, unknown>) => putIfAbsent(table, item);

  return {
    async create({ user, passwordHash, organization, workspace, membership }) {
      const created = await conditionally(
        // The email claim comes first: a cancellation reason at index 0 means the address is taken.
        transactWrite(db, [
          put({ pk: emailPk(user.email), sk: EMAIL_SK, type: 'email-claim', email: user.email, userId: user.userId }),
          put({ pk: userPk(user.userId), sk: USER_PROFILE_SK, type: 'user', ...user }),
          put({
            pk: userPk(user.userId),
            sk: USER_CREDENTIALS_SK,
            type: 'credentials',
            userId: user.userId,
            passwordHash,
            passwordChangedAt: user.createdAt,
          }),
          put({ pk: orgPk(organization.organizationId), sk: META_SK, type: 'organization', ...organization }),
          put({ pk: workspacePk(workspace.workspaceId), sk: META_SK, type: 'workspace', ...workspace }),
          put({
            pk: workspacePk(membership.workspaceId),
            sk: memberSk(membership.userId),
            type: 'membership',
            ...membership,
            ...membershipGsi1(membership.userId, membership.workspaceId),
          }),
        ]),
        0,
      );
      return created ? 'created' : 'email-taken';
    },

    async findByEmail(email) {
      const claim = await get(emailPk(email), EMAIL_SK);
      if (!claim) return undefined;
      const userId = String(claim.userId);
      const [profile, credentials] = await Promise.all([
        get(userPk(userId), USER_PROFILE_SK),
        get(userPk(userId), USER_CREDENTIALS_SK),
      ]);
      if (!profile || typeof credentials?.passwordHash !== 'string') return undefined;
      // Credentials written before versions existed are version 0.
      const passwordVersion = Number(credentials.passwordVersion ?? 0);
      return { user: toUser(profile), passwordHash: credentials.passwordHash, passwordVersion };
    },

    async findUser(userId) {
      const profile = await get(userPk(userId), USER_PROFILE_SK);
      return profile ? toUser(profile) : undefined;
    },

    async setPasswordHash(userId, passwordHash, at, expectedVersion) {
      // Replaced meanwhile (a reset): the old password's new hash must not overwrite the new one.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: userPk(userId), sk: USER_CREDENTIALS_SK },
            UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at',
            ConditionExpression: passwordVersionIs(expectedVersion),
            ExpressionAttributeValues: { ':hash': passwordHash, ':at': at.toISOString(), ':v': expectedVersion },
          }),
        ),
      );
    },

    async replacePassword(userId, passwordHash, at, expectedVersion) {
      return conditionally(
        transactWrite(db, [
          {
            Update: {
              TableName: table,
              Key: { pk: userPk(userId), sk: USER_CREDENTIALS_SK },
              UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at, passwordVersion = :next',
              // The version the reset token was issued for, and no other: an older link is void.
              ConditionExpression: passwordVersionIs(expectedVersion),
              ExpressionAttributeValues: {
                ':hash': passwordHash,
                ':at': at.toISOString(),
                ':next': expectedVersion + 1,
                ':v': expectedVersion,
              },
            },
          },
          {
            // The profile, which every session read, key lookup and grant lookup gets, carries the
            // version too: from this write on, sessions, API keys, invites and webhook tokens made
            // under an older one are refused (dynamo-sessions.ts, dynamo-api-keys.ts,
            // grant-standing.ts), even should the reset fail before its sweeps. Those from before
            // versions were recorded are ended by the stamps, set here first (the sweeps set them
            // again, later): no reset leaves them standing either.
            Update: {
              TableName: table,
              Key: { pk: userPk(userId), sk: USER_PROFILE_SK },
              UpdateExpression: 'SET passwordVersion = :next, #grants = :at, #keys = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#grants': GRANTS_VALID_FROM, '#keys': API_KEYS_VALID_FROM },
              ExpressionAttributeValues: { ':next': expectedVersion + 1, ':at': at.toISOString() },
            },
          },
        ]),
        0,
      );
    },

    async markEmailVerified(userId, at) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: userPk(userId), sk: USER_PROFILE_SK },
          UpdateExpression: 'SET emailVerified = :yes, emailVerifiedAt = if_not_exists(emailVerifiedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true, ':at': at.toISOString() },
        }),
      );
    },

    async memberships(userId, page) {
      const { memberships, nextCursor } = await membershipPage(db, table, userId, page);
      const workspaces = await batchGet(
        db,
        table,
        memberships.map((m) => ({ pk: workspacePk(m.workspaceId), sk: META_SK })),
      );
      const names = new Map(workspaces.map((w) => [String(w.workspaceId), String(w.name)]));
      const views = memberships.map((m): MembershipView => ({ ...m, workspaceName: names.get(m.workspaceId) ?? '' }));
      return nextCursor ? { memberships: views, nextCursor } : { memberships: views };
    },

    async revokeGrants(userId, at) {
      const stamp = at.toISOString();
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: userPk(userId), sk: USER_PROFILE_SK },
          UpdateExpression: 'SET #validFrom = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#validFrom': GRANTS_VALID_FROM },
          ExpressionAttributeValues: { ':at': stamp },
        }),
      );
      const total = { invitesRevoked: 0, webhookTokensRevoked: 0 };
      const memberships = await queryAll(db, prefixQuery(table, userPk(userId), MEMBERSHIP_GSI1_PREFIX, 'gsi1'));
      for (const membership of memberships) {
        const ended = await revokeGrantsIn(db, table, String(membership.workspaceId), userId, stamp);
        total.invitesRevoked += ended.invitesRevoked;
        total.webhookTokensRevoked += ended.webhookTokensRevoked;
      }
      return total;
    },
  };
}

const toGrant = (item: Record<string, unknown>): TokenGrant => ({
  userId: String(item.userId),
  ...(item.passwordVersion === undefined ? {} : { passwordVersion: Number(item.passwordVersion) }),
});

/**
 * Single-use tokens: `TOKEN#<sha256>` / purpose, TTL `expiresAt` in epoch seconds.
 *
 * A token is used up by marking it (`consumedBy`, a token of the consuming call), not by deleting
 * it: the SDK retries a write whose answer was lost, and a delete retried after it landed finds no
 * item (the link of a password reset or an email verification answered "invalid" although it was
 * just used). A mark retried after it landed is refused by itself and read as this use
 * (own-write.ts); a used token reads as absent, and TTL removes it at its expiry. Issuing is marked
 * by the token's own user: a put retried after it landed is the token issued, not an error.
 */
export function dynamoAccountTokens(db: DynamoDBDocumentClient, table: string): OneTimeTokenStore {
  const key = (tokenHash: string, purpose: string) => ({ pk: tokenPk(tokenHash), sk: purpose });
  return {
    async issue(tokenHash, purpose, { userId, passwordVersion }, expiresAt) {
      const item = {
        ...key(tokenHash, purpose),
        type: 'one-time-token',
        userId,
        ...(passwordVersion === undefined ? {} : { passwordVersion }),
        expiresAt: epochSeconds(expiresAt),
        expiresAtIso: expiresAt.toISOString(),
      };
      const issued = await writeOwn(
        db,
        { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        (found) =>
          found.userId === userId && found.expiresAtIso === item.expiresAtIso && found.consumedBy === undefined,
      );
      if (!issued.written) throw new Error(`A ${purpose} token already exists under this hash`);
    },
    async peek(tokenHash, purpose, now) {
      const item = await getItem(db, table, key(tokenHash, purpose), { consistent: true });
      // TTL deletion is lazy (up to days late): an expired item must read as absent; a used one too.
      if (!item || Number(item.expiresAt) <= epochSeconds(now) || item.consumedBy !== undefined) return undefined;
      return toGrant(item);
    },
    async consume(tokenHash, purpose, now) {
      const mark = ownToken();
      const used = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: key(tokenHash, purpose),
            UpdateExpression: 'SET consumedBy = :mark, consumedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND attribute_not_exists(consumedBy)',
            ExpressionAttributeValues: { ':mark': mark, ':at': now.toISOString(), ':now': epochSeconds(now) },
            ReturnValues: 'ALL_NEW',
          },
        },
        (item) => item.consumedBy === mark,
      );
      if (!used.written) return undefined;
      const item = 'again' in used ? used.item : used.attributes;
      return item ? toGrant(item) : undefined;
    },
  };
}
