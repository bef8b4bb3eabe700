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
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionStore } from '../identity/accounts/ports';
import type { Session } from '../identity/model';
import { conditionally, isConditionFailure } from './dynamo/conditions';
import { epochSeconds, getItem } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { toUser } from './dynamo-users';
import { SESSION_GSI1_PREFIX, SESSION_SK, sessionGsi1, sessionPk, USER_PROFILE_SK, userPk } from './keys';

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
    async findActive(tokenHash, now) {
      const item = await getItem(db, table, { pk: sessionPk(tokenHash), sk: SESSION_SK }, { consistent: true });
      if (!item) return undefined;
      const session = toSession(item);
      if (!isActive(session, now)) return undefined;
      const profile = await getItem(
        db,
        table,
        { pk: userPk(session.userId), sk: USER_PROFILE_SK },
        { consistent: true },
      );
      if (!profile) return undefined;
      const validFrom = profile.sessionsValidFrom;
      if (typeof validFrom === 'string' && session.createdAt < validFrom) return undefined;
      return { session, user: toUser(profile) };
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
