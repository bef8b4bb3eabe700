/**
 * Sessions in the `core` table, addressed by the SHA-256 of the cookie token
 * (`SESSION#<hash>` / `SESSION`); gsi1 (`USER#<id>` / `SESSION#<createdAt>#<id>`) lists a
 * user's sessions. `expiresAt` is the table's TTL attribute (epoch seconds); the ISO time
 * the model exposes is stored as `sessionExpiresAt`. TTL deletion is lazy, so every read
 * checks expiry and revocation itself.
 *
 * A session records the password version it was opened with, and is written only while that
 * version is current (a ConditionCheck on the credentials in the same transaction). A password
 * change puts the new version on the profile, which `findActive` reads anyway: every session
 * opened with an older one is refused from that write on, whatever the clocks say. Revoking all
 * of a user's sessions also stamps `sessionsValidFrom` on the profile: a session created up to
 * then (that instant included) is refused, even one the (eventually consistent) index had not
 * listed yet.
 *
 * The edge's read is one call: the cookie token names its user (shared/identity/tokens.ts),
 * so the session, that user's profile and the membership the request needs come in one
 * strongly consistent BatchGetItem. The stored session must belong to the named user: the
 * name is inside the hashed token, so it cannot be changed without losing the session.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionStore } from '../identity/accounts/ports';
import type { Session, User } from '../identity/model';
import { batchGet } from './dynamo/batch';
import { conditionally, isConditionFailure } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { prefixQuery, queryAll } from './dynamo/query';
import { putIfAbsent, transactWrite } from './dynamo/transact';
import { toMembership } from './dynamo-memberships';
import { passwordVersionIs, toUser } from './dynamo-users';
import {
  memberSk,
  SESSION_GSI1_PREFIX,
  SESSION_SK,
  sessionGsi1,
  sessionPk,
  USER_CREDENTIALS_SK,
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
    ...(item.passwordVersion === undefined ? {} : { passwordVersion: Number(item.passwordVersion) }),
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
  // Opened with a password changed since: ended, whenever it was written (no clock involved).
  if ((session.passwordVersion ?? 0) < Number(profile.passwordVersion ?? 0)) return undefined;
  // A "log out everywhere" at `validFrom` ends every session opened up to then, that instant
  // included (as for API keys and the grants a reset ends).
  const validFrom = profile.sessionsValidFrom;
  if (typeof validFrom === 'string' && session.createdAt <= validFrom) return undefined;
  return { session, user: toUser(profile) };
}

/** The session store; its `findActive`/`touch` are the edge's `SessionLookup`. */
export function dynamoSessions(db: DynamoDBDocumentClient, table: string): SessionStore {
  /**
   * Marks one session revoked unless it already is; false when the condition fails. The mark carries
   * a token of its own (`revokedMark`, own-write.ts): a mark the SDK retried after it landed (its
   * answer lost) is refused by itself and is this revocation, not "none active" (a 404 for a revoke
   * that landed, a reset's count one short).
   */
  const markRevoked = async (pk: string, userId: string, sessionId: string, at: Date): Promise<boolean> => {
    const mark = ownToken();
    const marked = await writeOwn(
      db,
      {
        Update: {
          TableName: table,
          Key: { pk, sk: SESSION_SK },
          UpdateExpression: 'SET revokedAt = :at, revokedMark = :mark',
          ConditionExpression:
            'userId = :u AND sessionId = :s AND attribute_not_exists(revokedAt) AND expiresAt > :now',
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':mark': mark,
            ':u': userId,
            ':s': sessionId,
            ':now': epochSeconds(at),
          },
        },
      },
      (item) => item.revokedMark === mark,
    );
    return marked.written;
  };

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
      const item = {
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
        ...(session.passwordVersion === undefined ? {} : { passwordVersion: session.passwordVersion }),
        ...sessionGsi1(session.userId, session.createdAt, session.sessionId),
      };
      if (session.passwordVersion === undefined) {
        // Marked by its session id (own-write.ts): the put retried after a lost answer is refused by
        // itself, and is this session, not a token hash taken (which throws, as it always did).
        const put = await writeOwn(
          db,
          { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          (existing) => existing.sessionId === session.sessionId && existing.userId === session.userId,
        );
        if (!put.written) throw new Error('A session already exists under this token hash');
        return true;
      }
      // Written only while the password it was opened with is still the current one: a reset
      // that replaced it first makes this log-in open nothing (cancellation at index 1). A
      // transaction: the SDK retries it with the same ClientRequestToken, so a retry after a lost
      // answer is answered as the first try was.
      return conditionally(
        transactWrite(db, [
          putIfAbsent(table, item),
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk: userPk(session.userId), sk: USER_CREDENTIALS_SK },
              ConditionExpression: passwordVersionIs(session.passwordVersion),
              ExpressionAttributeValues: { ':v': session.passwordVersion },
            },
          },
        ]),
        1,
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
