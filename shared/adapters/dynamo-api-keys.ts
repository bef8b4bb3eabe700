/**
 * API keys in the `core` table, addressed by the SHA-256 of the raw key (the edge's
 * lookup) and listed per workspace through gsi1 (one creator's keys through a filter on it).
 * A revocation limited to one creator's keys holds that condition in its write. A counter item
 * under the workspace, changed in the same transaction as the key, enforces the active-key
 * limit even under concurrent creates.
 *
 * A key records the password version of the session (or key) that created it, and is written
 * only while that version is current: a ConditionCheck (`grantorPasswordCheck`, as every grant a
 * member hands out), in the same transaction, on the creator's profile, which a password change writes the new version to (with the credentials,
 * atomically) and which `findActive` reads anyway. A key made under an older version never
 * authenticates again, whatever the clocks say. A password reset also stamps `apiKeysValidFrom` on the creator's profile
 * (with the new password, dynamo-users.ts `replacePassword`, and again in its sweep): a key created
 * up to then never authenticates again, even one the (eventually consistent) index had not
 * listed for the revocation sweep (and keys from before versions were recorded). A key is written
 * only while its creator is still a member with the role it was judged on, too (`memberStillHolds`,
 * in the same transaction): none is written after a removal's delete, which its sweep follows.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { InvalidCursorError } from '../governance/paging';
import type { ApiKeyStore } from '../governance/ports';
import type { UserApiKeyRevoker } from '../identity/accounts/ports';
import type { ApiKey, User } from '../identity/model';
import { isPermission } from '../identity/permissions';
import type { ApiKeyLookup } from '../identity/ports';
import { addAtMostOnce } from './dynamo/add-at-most-once';
import { batchGet } from './dynamo/batch';
import { conditionally, isConditionFailure } from './dynamo/conditions';
import { decodeCursor, encodeCursor } from './dynamo/cursor';
import { getItem } from './dynamo/item';
import { collectPages, prefixQuery, queryAll, withinAnswer } from './dynamo/query';
import { putIfAbsent, transactWriteOnCounter } from './dynamo/transact';
import { API_KEYS_VALID_FROM, grantorPasswordCheck, memberStillHolds, toMembership } from './dynamo-memberships';
import {
  ACTIVE_API_KEYS_SK,
  API_KEY_GSI1_PREFIX,
  API_KEY_SK,
  apiKeyGsi1,
  apiKeyPk,
  MEMBERSHIP_GSI1_PREFIX,
  memberSk,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from './keys';

/** Items evaluated per page of one creator's keys (DynamoDB filters after the limit). */
const FILTERED_PAGE_SIZE = 200;
/** Pages read at most per listing of one creator's keys; past this the caller continues with the cursor. */
const MAX_FILTERED_PAGES = 10;

const keyItem = z.object({
  keyId: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.pipe(
    z.array(z.string()),
    z.transform((scopes) => scopes.filter(isPermission)),
  ),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.optional(z.string()),
  lastUsedIp: z.optional(z.string()),
  usageCount: z._default(z.number(), 0),
  isActive: z.boolean(),
  revokedAt: z.optional(z.string()),
  revokedBy: z.optional(z.string()),
  passwordVersion: z.optional(z.number()),
});

const userItem = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  defaultWorkspaceId: z.string(),
  createdAt: z.string(),
});

/** Only the ApiKey fields: the item's keys (which carry the hash) never leave the adapter. */
const toApiKey = (item: Record<string, unknown>): ApiKey => keyItem.parse(item);

export function dynamoApiKeys(db: DynamoDBDocumentClient, table: string): ApiKeyLookup & ApiKeyStore {
  const counterKey = (workspaceId: string) => ({ pk: workspacePk(workspaceId), sk: ACTIVE_API_KEYS_SK });

  return {
    async findActive(keyHash) {
      // Consistent read: a key revoked a moment ago must not authenticate.
      const item = await getItem(db, table, { pk: apiKeyPk(keyHash), sk: API_KEY_SK }, { consistent: true });
      if (!item) return undefined;
      const key = toApiKey(item);
      if (!key.isActive) return undefined;
      // Consistent too: a password reset's stamp a moment ago must be seen. The membership the
      // key acts through comes in the same call (a key acts only in its own workspace).
      const profileKey = { pk: userPk(key.createdBy), sk: USER_PROFILE_SK };
      const memberKey = { pk: workspacePk(key.workspaceId), sk: memberSk(key.createdBy) };
      const items = await batchGet(db, table, [profileKey, memberKey], { consistent: true });
      const profile = items.find((i) => i.pk === profileKey.pk && i.sk === profileKey.sk);
      if (!profile) return undefined;
      // Made under a password changed since: ended, whenever it was written (no clock involved).
      const current = Number(profile.passwordVersion ?? 0);
      if (key.passwordVersion !== undefined && key.passwordVersion < current) return undefined;
      const validFrom = profile[API_KEYS_VALID_FROM];
      if (typeof validFrom === 'string' && key.createdAt <= validFrom) return undefined;
      const user: User = userItem.parse(profile);
      const member = items.find((i) => i.pk === memberKey.pk && i.sk === memberKey.sk);
      // A key from before versions were recorded acts under the version just read, which it outlived.
      return {
        key: key.passwordVersion === undefined ? { ...key, passwordVersion: current } : key,
        user,
        membership: member ? toMembership(member) : null,
      };
    },

    async recordUse(keyHash, at, ip) {
      try {
        // At most once (add-at-most-once.ts): the SDK's retry of an ADD DynamoDB applied but whose
        // answer was lost would count one use twice in the key's `usageCount` (which its owner sees).
        await addAtMostOnce(db, {
          TableName: table,
          Key: { pk: apiKeyPk(keyHash), sk: API_KEY_SK },
          UpdateExpression: 'ADD usageCount :one SET lastUsedAt = :at, lastUsedIp = :ip',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString(), ':ip': ip },
        });
      } catch (error) {
        // The key vanished meanwhile: nothing to count, and no stray item is created.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async create({ key, keyHash, createdByEmail }, maxActive, creatorRole) {
      const version = key.passwordVersion;
      // After the password check, when there is one: the creator's membership as judged.
      const memberAt = version === undefined ? 2 : 3;
      try {
        // The counter comes first: a cancellation reason at index 0 means the limit is reached;
        // at index 2, that the creator's password changed since their credential was read; at
        // `memberAt`, that they were removed or their role changed meanwhile.
        await transactWriteOnCounter(db, [
          {
            Update: {
              TableName: table,
              Key: counterKey(key.workspaceId),
              UpdateExpression: 'ADD activeKeys :one SET #type = :type',
              ConditionExpression: 'attribute_not_exists(activeKeys) OR activeKeys < :max',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':one': 1, ':max': maxActive, ':type': 'api-key-count' },
            },
          },
          putIfAbsent(table, {
            pk: apiKeyPk(keyHash),
            sk: API_KEY_SK,
            ...apiKeyGsi1(key.workspaceId, key.keyId),
            type: 'api-key',
            ...key,
            createdByEmail,
          }),
          ...(version === undefined ? [] : [grantorPasswordCheck(table, key.createdBy, version)]),
          ...(creatorRole === undefined ? [] : [memberStillHolds(table, key.workspaceId, key.createdBy, creatorRole)]),
        ]);
        return 'created';
      } catch (error) {
        if (creatorRole !== undefined && isConditionFailure(error, memberAt)) return 'creator-changed';
        if (version !== undefined && isConditionFailure(error, 2)) return 'password-changed';
        if (isConditionFailure(error, 0)) return 'limit-reached';
        throw error;
      }
    },

    async list(workspaceId, limit, cursor, createdBy) {
      const { gsi1pk } = apiKeyGsi1(workspaceId, '');
      const after = afterKeyId(cursor);
      const query: QueryCommandInput = {
        TableName: table,
        IndexName: 'gsi1',
        // Key ids sort by creation time: descending order is newest first, and the
        // cursor is "before this key id", so it carries no table key (no hash).
        KeyConditionExpression: after
          ? 'gsi1pk = :pk AND gsi1sk BETWEEN :prefix AND :before'
          : 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': gsi1pk,
          ':prefix': API_KEY_GSI1_PREFIX,
          ...(after ? { ':before': `${API_KEY_GSI1_PREFIX}${after}` } : {}),
          ...(createdBy === undefined ? {} : { ':creator': createdBy }),
        },
        ...(createdBy === undefined ? {} : { FilterExpression: 'createdBy = :creator' }),
        ScanIndexForward: false,
        // Unfiltered, one more than asked tells whether a next page exists, and one more again when
        // the range starts at the cursor's own key, which is skipped. Filtered (one creator's keys
        // among everyone's, revoked ones kept), DynamoDB limits before filtering: larger pages.
        Limit: createdBy === undefined ? limit + (after ? 2 : 1) : FILTERED_PAGE_SIZE,
      };
      const { items, nextKey } = await collectPages(
        async (start) => {
          const out = await db.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
          const found = (out.Items ?? []).filter((item) => item.keyId !== after);
          return { items: found, lastKey: out.LastEvaluatedKey };
        },
        { limit, maxPages: createdBy === undefined ? 1 : MAX_FILTERED_PAGES, keyOf: (item) => item },
      );
      const shown = withinAnswer(items);
      const keys = shown.items.map(toApiKey);
      // Resumes before the last key answered, or, when the pages ran out first, the last one read.
      const resume = shown.cut ? shown.items.at(-1) : nextKey;
      const before = resume && String(resume.gsi1sk).slice(API_KEY_GSI1_PREFIX.length);
      return before ? { items: keys, nextCursor: encodeCursor({ before }) as string } : { items: keys };
    },

    async revoke(workspaceId, keyId, by, at, createdBy) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
          ExpressionAttributeValues: {
            ':pk': apiKeyGsi1(workspaceId, keyId).gsi1pk,
            ':sk': apiKeyGsi1(workspaceId, keyId).gsi1sk,
          },
        }),
      );
      const item = out.Items?.[0];
      if (!item || item.workspaceId !== workspaceId) return 'not-found';
      if (createdBy !== undefined && item.createdBy !== createdBy) return 'not-creator';
      if (item.isActive !== true) return 'already-revoked';
      return (await revokeItem(db, table, item, { workspaceId, by, at, createdBy })) ? 'revoked' : 'already-revoked';
    },

    async revokeCreatedBy(workspaceId, userId, by, at) {
      let revoked = 0;
      for (const item of await activeKeysOf(db, table, workspaceId, userId)) {
        if (await revokeItem(db, table, item, { workspaceId, by, at })) revoked += 1;
      }
      return revoked;
    },
  };
}

/**
 * The reset's sweep: stamps `apiKeysValidFrom` on the profile first (every key created up
 * to `at` stops authenticating at once), then marks the user's active keys revoked in every
 * workspace they belong to, so listings and the active-key counters agree.
 */
export function dynamoUserApiKeys(db: DynamoDBDocumentClient, table: string): UserApiKeyRevoker {
  return {
    async revokeAllOf(userId, at) {
      const stamp = at.toISOString();
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: userPk(userId), sk: USER_PROFILE_SK },
          UpdateExpression: 'SET #validFrom = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#validFrom': API_KEYS_VALID_FROM },
          ExpressionAttributeValues: { ':at': stamp },
        }),
      );
      let revoked = 0;
      for (const workspaceId of await workspacesOf(db, table, userId)) {
        for (const item of await activeKeysOf(db, table, workspaceId, userId)) {
          if (await revokeItem(db, table, item, { workspaceId, by: userId, at: stamp })) revoked += 1;
        }
      }
      return revoked;
    },
  };
}

/** The active keys `userId` created in `workspaceId` (through the workspace's gsi1 listing). */
const activeKeysOf = (db: DynamoDBDocumentClient, table: string, workspaceId: string, userId: string) => {
  const query: QueryCommandInput = prefixQuery(table, apiKeyGsi1(workspaceId, '').gsi1pk, API_KEY_GSI1_PREFIX, 'gsi1');
  return queryAll(db, {
    ...query,
    FilterExpression: 'createdBy = :user AND isActive = :true',
    ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':user': userId, ':true': true },
  });
};

/** The workspaces `userId` is a member of (gsi1 `USER#<id>` / `MEMBERSHIP#<ws>`). */
async function workspacesOf(db: DynamoDBDocumentClient, table: string, userId: string): Promise<string[]> {
  const items = await queryAll(db, prefixQuery(table, userPk(userId), MEMBERSHIP_GSI1_PREFIX, 'gsi1'));
  return items.map((item) => String(item.workspaceId));
}

/**
 * Marks one key revoked and gives its slot back to the workspace's counter, in one
 * transaction; false when it was no longer active (revoked concurrently by someone else), or,
 * with `createdBy`, was not created by that user (the stored `createdBy`, in the same condition).
 */
async function revokeItem(
  db: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  how: { readonly workspaceId: string; readonly by: string; readonly at: string; readonly createdBy?: string },
): Promise<boolean> {
  const { workspaceId, by, at, createdBy } = how;
  return conditionally(
    transactWriteOnCounter(db, [
      {
        Update: {
          TableName: table,
          Key: { pk: item.pk, sk: API_KEY_SK },
          UpdateExpression: 'SET isActive = :false, revokedAt = :at, revokedBy = :by',
          ConditionExpression: `isActive = :true AND workspaceId = :ws${createdBy === undefined ? '' : ' AND createdBy = :creator'}`,
          ExpressionAttributeValues: {
            ':false': false,
            ':true': true,
            ':at': at,
            ':by': by,
            ':ws': workspaceId,
            ...(createdBy === undefined ? {} : { ':creator': createdBy }),
          },
        },
      },
      {
        Update: {
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: ACTIVE_API_KEYS_SK },
          UpdateExpression: 'ADD activeKeys :minusOne',
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ]),
    0,
  );
}

/** The list cursor: `{before: keyId}`. */
function afterKeyId(cursor: string | undefined): string | undefined {
  const decoded = decodeCursor(cursor);
  if (!decoded) return undefined;
  const { before } = decoded;
  if (typeof before !== 'string' || !/^[0-9a-z]{1,64}$/.test(before) || Object.keys(decoded).length !== 1) {
    throw new InvalidCursorError();
  }
  return before;
}
