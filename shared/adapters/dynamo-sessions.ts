/**
 * Sessions in the `core` table, addressed by the SHA-256 of the cookie token
 * (`SESSION#<hash>` / `SESSION`); gsi1 (`USER#<id>` / `SESSION#<createdAt>#<id>`) lists a
 * user's sessions. `expiresAt` is the table's TTL attribute (epoch seconds); the ISO time
 * the model exposes is stored as `sessionExpiresAt`. TTL deletion is lazy, so every read
 * checks expiry and revocation itself.
 *
 * Revoking all of a user's sessions also stamps `sessionsValidFrom` on the profile, which
 * `findActive` reads anyway: a session the (eventually consistent) index had not listed
 * yet is refused all the same.
 *
 * The edge's read is one call: the cookie token names its user (shared/identity/tokens.ts),
 * so the session, that user's profile and the membership the request needs come in one
 * strongly consistent BatchGetItem. The stored session must belong to the named user: the
 * name is inside the hashed token, so it cannot be changed without losing the session.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionStore } from '../identity/accounts/ports';
import type { Session, User } from '../identity/model';
import { batchGet } from './dynamo/batch';
import { conditionally, isConditionFailure } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { toMembership } from './dynamo-memberships';
import { toUser } from './dynamo-users';
import {
  memberSk,
  SESSION_GSI1_PREFIX,
  SESSION_SK,
  sessionGsi1,
  sessionPk,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from './keys';

function toSession(item: Record<string, unknown>): Session {
  return {
    sessionId: String(item.sessionId),
    userId: String(item.userId),
    ip: String(item.ip),
    userAgent: String(item.userAgent),
    createdAt: String(item.createdAt),
    lastSeenAt: String(item.lastSeenAt),
    expiresAt: String(item.sessionExpiresAt),
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}

const isActive = (s: Session, now: Date): boolean =>
  s.revokedAt === undefined && Date.parse(s.expiresAt) > now.getTime();

/** The session and its user's profile, if the session is active and not older than the user's last "log out everywhere". */
function activeSession(
  sessionItem: Item | undefined,
  profile: Item | undefined,
  now: Date,
): { session: Session; user: User } | undefined {
  if (!sessionItem || !profile) return undefined;
  const session = toSession(sessionItem);
  if (!isActive(session, now) || profile.userId !== session.userId) return undefined;
  const validFrom = profile.sessionsValidFrom;
  if (typeof validFrom === 'string' && session.createdAt < validFrom) return undefined;
  return { session, user: toUser(profile) };
}

/** The session store; its `findActive`/`touch` are the edge's `SessionLookup`. */
export function dynamoSessions(db: DynamoDBDocumentClient, table: string): SessionStore {
  /** Marks one session revoked unless it already is; false when the condition fails. */
  const markRevoked = (pk: string, userId: string, sessionId: string, at: Date): Promise<boolean> =>
    conditionally(
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk, sk: SESSION_SK },
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression:
            'userId = :u AND sessionId = :s AND attribute_not_exists(revokedAt) AND expiresAt > :now',
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':u': userId,
            ':s': sessionId,
            ':now': epochSeconds(at),
          },
        }),
      ),
    );

  /** The user's session items (all states), newest first. */
  const itemsOf = (userId: string, sessionId?: string): Promise<Record<string, unknown>[]> => {
    const query = prefixQuery(table, userPk(userId), SESSION_GSI1_PREFIX, 'gsi1');
    return queryAll(db, {
      ...query,
      ...(sessionId ? { FilterExpression: 'sessionId = :s' } : {}),
      ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ...(sessionId ? { ':s': sessionId } : {}) },
      ScanIndexForward: false,
    });
  };

  return {
    async findActive(tokenHash, now, with_) {
      const sessionKey = { pk: sessionPk(tokenHash), sk: SESSION_SK };
      if (!with_) {
        // A token that names no user (one minted before tokens did): two reads, one after the other.
        const item = await getItem(db, table, sessionKey, { consistent: true });
        if (!item) return undefined;
        const profileKey = { pk: userPk(String(item.userId)), sk: USER_PROFILE_SK };
        return activeSession(item, await getItem(db, table, profileKey, { consistent: true }), now);
      }
      const { userId, workspaceId } = with_;
      const memberKey = workspaceId ? { pk: workspacePk(workspaceId), sk: memberSk(userId) } : undefined;
      const items = await batchGet(
        db,
        table,
        [sessionKey, { pk: userPk(userId), sk: USER_PROFILE_SK }, ...(memberKey ? [memberKey] : [])],
        { consistent: true },
      );
      const find = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
      const found = activeSession(find(sessionKey), find({ pk: userPk(userId), sk: USER_PROFILE_SK }), now);
      if (!found) return undefined;
      if (!memberKey) return found;
      const member = find(memberKey);
      return { ...found, membership: member ? toMembership(member) : null };
    },

    async touch(tokenHash, at, ip) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: sessionPk(tokenHash), sk: SESSION_SK },
            UpdateExpression: 'SET lastSeenAt = :at, ip = :ip',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
            ExpressionAttributeValues: { ':at': at.toISOString(), ':ip': ip },
          }),
        );
      } catch (error) {
        // Revoked or swept meanwhile: nothing to stamp.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async create(tokenHash, session) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: sessionPk(tokenHash),
            sk: SESSION_SK,
            type: 'session',
            sessionId: session.sessionId,
            userId: session.userId,
            ip: session.ip,
            userAgent: session.userAgent,
            createdAt: session.createdAt,
            lastSeenAt: session.lastSeenAt,
            sessionExpiresAt: session.expiresAt,
            expiresAt: epochSeconds(session.expiresAt),
            ...sessionGsi1(session.userId, session.createdAt, session.sessionId),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async listActive(userId, now) {
      return (await itemsOf(userId)).map(toSession).filter((s) => isActive(s, now));
    },

    async revoke(userId, sessionId, at, tokenHash) {
      if (tokenHash) return markRevoked(sessionPk(tokenHash), userId, sessionId, at);
      const [item] = await itemsOf(userId, sessionId);
      return item ? markRevoked(String(item.pk), userId, sessionId, at) : false;
    },

    async revokeAll(userId, at) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: userPk(userId), sk: USER_PROFILE_SK },
          UpdateExpression: 'SET sessionsValidFrom = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
      const active = (await itemsOf(userId)).filter((item) => isActive(toSession(item), at));
      const marked = await Promise.all(
        active.map((item) => markRevoked(String(item.pk), userId, String(item.sessionId), at)),
      );
      return marked.filter(Boolean).length;
    },
  };
}
