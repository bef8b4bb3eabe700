/**
 * Accounts in the `core` table (user profile, credentials, email claim, organization,
 * workspace, membership) and the account flows' single-use tokens in `ephemeral`. Log-in
 * attempt counters and mail quotas have their own modules.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccountStore, MembershipView, OneTimeTokenStore, TokenGrant } from '../identity/accounts/ports';
import {
  EMAIL_SK,
  emailPk,
  MEMBERSHIP_GSI1_PREFIX,
  META_SK,
  memberSk,
  membershipGsi1,
  orgPk,
  USER_CREDENTIALS_SK,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from '../identity/keys';
import type { Membership, User } from '../identity/model';
import { conditionally, epochSeconds } from './conditional-write';

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

/** The account store; `create` is one TransactWriteItems with the email claim first. */
export function dynamoUsers(db: DynamoDBDocumentClient, table: string): AccountStore {
  const get = async (pk: string, sk: string) =>
    (await db.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;

  return {
    async create({ user, passwordHash, organization, workspace, membership }) {
      const absent = 'attribute_not_exists(pk)';
      const put = (Item: Record<string, unknown>) => ({ Put: { TableName: table, Item, ConditionExpression: absent } });
      try {
        await db.send(
          new TransactWriteCommand({
            // The email claim comes first: a cancellation reason at index 0 means the address is taken.
            TransactItems: [
              put({
                pk: emailPk(user.email),
                sk: EMAIL_SK,
                type: 'email-claim',
                email: user.email,
                userId: user.userId,
              }),
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
            ],
          }),
        );
        return 'created';
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        ) {
          return 'email-taken';
        }
        throw error;
      }
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

    async setPasswordHash(userId, passwordHash, at) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: userPk(userId), sk: USER_CREDENTIALS_SK },
          UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':hash': passwordHash, ':at': at.toISOString() },
        }),
      );
    },

    async replacePassword(userId, passwordHash, at, expectedVersion) {
      return conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: userPk(userId), sk: USER_CREDENTIALS_SK },
            UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at ADD passwordVersion :one',
            // The version the reset token was issued for, and no other: an older link is void.
            ConditionExpression:
              expectedVersion === 0
                ? 'attribute_exists(pk) AND (attribute_not_exists(passwordVersion) OR passwordVersion = :v)'
                : 'attribute_exists(pk) AND passwordVersion = :v',
            ExpressionAttributeValues: {
              ':hash': passwordHash,
              ':at': at.toISOString(),
              ':one': 1,
              ':v': expectedVersion,
            },
          }),
        ),
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

    async memberships(userId) {
      const memberships: Membership[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
            ExpressionAttributeValues: { ':pk': userPk(userId), ':prefix': MEMBERSHIP_GSI1_PREFIX },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          memberships.push({
            workspaceId: String(item.workspaceId),
            organizationId: String(item.organizationId),
            userId: String(item.userId),
            role: String(item.role),
            joinedAt: String(item.joinedAt),
          });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      const names = await workspaceNames(
        db,
        table,
        memberships.map((m) => m.workspaceId),
      );
      return memberships.map((m): MembershipView => ({ ...m, workspaceName: names.get(m.workspaceId) ?? '' }));
    },
  };
}

/** Names of workspaces by id, 100 keys per BatchGet, unprocessed keys retried. */
async function workspaceNames(db: DynamoDBDocumentClient, table: string, ids: readonly string[]) {
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids
      .slice(i, i + 100)
      .map((id) => ({ pk: workspacePk(id), sk: META_SK }));
    for (let attempt = 0; keys && keys.length > 0 && attempt < 5; attempt++) {
      const out: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }),
      );
      for (const item of out.Responses?.[table] ?? []) names.set(String(item.workspaceId), String(item.name));
      keys = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return names;
}

const toGrant = (item: Record<string, unknown>): TokenGrant => ({
  userId: String(item.userId),
  ...(item.passwordVersion === undefined ? {} : { passwordVersion: Number(item.passwordVersion) }),
});

/** Single-use tokens: `TOKEN#<sha256>` / purpose, TTL `expiresAt` in epoch seconds. */
export function dynamoAccountTokens(db: DynamoDBDocumentClient, table: string): OneTimeTokenStore {
  const key = (tokenHash: string, purpose: string) => ({ pk: `TOKEN#${tokenHash}`, sk: purpose });
  return {
    async issue(tokenHash, purpose, { userId, passwordVersion }, expiresAt) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...key(tokenHash, purpose),
            type: 'one-time-token',
            userId,
            ...(passwordVersion === undefined ? {} : { passwordVersion }),
            expiresAt: epochSeconds(expiresAt),
            expiresAtIso: expiresAt.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async peek(tokenHash, purpose, now) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: key(tokenHash, purpose), ConsistentRead: true }),
      );
      // TTL deletion is lazy (up to days late): an expired item must read as absent.
      if (!out.Item || Number(out.Item.expiresAt) <= epochSeconds(now)) return undefined;
      return toGrant(out.Item);
    },
    async consume(tokenHash, purpose, now) {
      try {
        const out = await db.send(
          new DeleteCommand({
            TableName: table,
            Key: key(tokenHash, purpose),
            ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
            ExpressionAttributeValues: { ':now': epochSeconds(now) },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return out.Attributes ? toGrant(out.Attributes) : undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  };
}
