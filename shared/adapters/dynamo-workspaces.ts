/** Workspaces, memberships, invites and custom roles in the `core` table (keys: shared/identity/keys.ts). */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import {
  INVITE_SK,
  invitePk,
  MEMBER_PREFIX,
  MEMBERSHIP_GSI1_PREFIX,
  META_SK,
  memberSk,
  membershipGsi1,
  orgPk,
  ROLE_PREFIX,
  roleSk,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from '../identity/keys';
import type { CustomRole, Membership, Organization, User, Workspace } from '../identity/model';
import type { Invite, WorkspaceStore } from '../workspaces/ports';

type Item = Record<string, unknown>;

/** A guarded write that lost a race: the member changed (or became an owner) meanwhile. */
async function guarded(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new ConflictError('The member changed meanwhile; reload and try again', 'CONCURRENT_CHANGE');
    }
    throw error;
  }
}
const pick = <T>(item: Item, keys: readonly (keyof T & string)[]): T =>
  Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as T;
const MEMBERSHIP_FIELDS = ['workspaceId', 'organizationId', 'userId', 'role', 'joinedAt'] as const;
const WORKSPACE_FIELDS = ['workspaceId', 'organizationId', 'name', 'createdAt'] as const;
const USER_FIELDS = ['userId', 'email', 'name', 'emailVerified', 'defaultWorkspaceId', 'createdAt'] as const;
const INVITE_FIELDS = [
  'inviteId',
  'workspaceId',
  'organizationId',
  'email',
  'role',
  'invitedBy',
  'createdAt',
  'status',
  'revokedAt',
  'revokedBy',
] as const;

const membershipItem = (m: Membership) => ({
  pk: workspacePk(m.workspaceId),
  sk: memberSk(m.userId),
  type: 'membership',
  ...membershipGsi1(m.userId, m.workspaceId),
  ...m,
});

export function dynamoWorkspaces(db: DynamoDBDocumentClient, table: string): WorkspaceStore {
  const get = async (pk: string, sk: string) =>
    (await db.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item;
  const query = async (pk: string, prefix: string, index?: 'gsi1') => {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          ...(index ? { IndexName: index } : {}),
          KeyConditionExpression: index
            ? 'gsi1pk = :pk AND begins_with(gsi1sk, :p)'
            : 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const batchGet = async (keys: Array<{ pk: string; sk: string }>) => {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Array<Record<string, unknown>> = keys.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
        const out = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
        items.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }
    return items;
  };

  return {
    async workspace(id) {
      const item = await get(workspacePk(id), META_SK);
      return item ? pick<Workspace>(item, WORKSPACE_FIELDS) : undefined;
    },
    async workspaces(ids) {
      const items = await batchGet([...new Set(ids)].map((id) => ({ pk: workspacePk(id), sk: META_SK })));
      return items.map((i) => pick<Workspace>(i, WORKSPACE_FIELDS));
    },
    async organization(id) {
      const item = await get(orgPk(id), META_SK);
      return item ? pick<Organization>(item, ['organizationId', 'name', 'ownerUserId', 'createdAt']) : undefined;
    },
    async membershipsOf(userId) {
      const items = await query(`USER#${userId}`, MEMBERSHIP_GSI1_PREFIX, 'gsi1');
      return items.map((i) => pick<Membership>(i, MEMBERSHIP_FIELDS));
    },
    async members(workspaceId) {
      return (await query(workspacePk(workspaceId), MEMBER_PREFIX)).map((i) => pick<Membership>(i, MEMBERSHIP_FIELDS));
    },
    async member(workspaceId, userId) {
      const item = await get(workspacePk(workspaceId), memberSk(userId));
      return item ? pick<Membership>(item, MEMBERSHIP_FIELDS) : undefined;
    },
    async users(ids) {
      const items = await batchGet([...new Set(ids)].map((id) => ({ pk: userPk(id), sk: USER_PROFILE_SK })));
      return items.map((i) => pick<User>(i, USER_FIELDS));
    },
    async createWorkspace(workspace, owner) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: workspacePk(workspace.workspaceId), sk: META_SK, type: 'workspace', ...workspace },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: table, Item: membershipItem(owner), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
    },
    async renameWorkspace(workspaceId, name) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: META_SK },
          UpdateExpression: 'SET #name = :name',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name },
        }),
      );
    },
    async setRole(workspaceId, userId, role) {
      await guarded(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
            UpdateExpression: 'SET #role = :role',
            // The owner check of the use case holds even against a concurrent change.
            ConditionExpression: 'attribute_exists(pk) AND #role <> :owner',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':role': role, ':owner': 'owner' },
          }),
        ),
      );
    },
    async removeMember(workspaceId, userId) {
      await guarded(
        db.send(
          new DeleteCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
            ConditionExpression: 'attribute_exists(pk) AND #role <> :owner',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':owner': 'owner' },
          }),
        ),
      );
    },
    async roles(workspaceId) {
      return (await query(workspacePk(workspaceId), ROLE_PREFIX)).map((i) =>
        pick<CustomRole>(i, ['workspaceId', 'name', 'permissions', 'createdAt']),
      );
    },
    async putRole(role) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: workspacePk(role.workspaceId), sk: roleSk(role.name), type: 'role', ...role },
        }),
      );
    },
    async deleteRole(workspaceId, name) {
      await db.send(new DeleteCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: roleSk(name) } }));
    },
    async saveInvite(invite, tokenHash) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: invitePk(tokenHash),
            sk: INVITE_SK,
            type: 'invite',
            gsi1pk: workspacePk(invite.workspaceId),
            gsi1sk: `INVITE#${invite.createdAt}#${invite.inviteId}`,
            ...invite,
            expiresAtIso: invite.expiresAt,
            // DynamoDB TTL wants epoch seconds; keep an extra day so an expired invite still explains itself.
            expiresAt: Math.floor(Date.parse(invite.expiresAt) / 1000) + 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async invites(workspaceId) {
      return (await query(workspacePk(workspaceId), 'INVITE#', 'gsi1')).map(toInvite);
    },
    async inviteByTokenHash(tokenHash) {
      const item = await get(invitePk(tokenHash), INVITE_SK);
      return item ? toInvite(item) : undefined;
    },
    async acceptInvite(tokenHash, membership) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: { pk: invitePk(tokenHash), sk: INVITE_SK },
                  UpdateExpression: 'SET #status = :accepted, acceptedBy = :user, acceptedAt = :at',
                  ConditionExpression: '#status = :pending',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':accepted': 'accepted',
                    ':pending': 'pending',
                    ':user': membership.userId,
                    ':at': membership.joinedAt,
                  },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: membershipItem(membership),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
          return false;
        throw error;
      }
    },
    async revokeInvite(workspaceId, inviteId, by, at) {
      // Invites are keyed by token hash; the workspace's gsi1 listing finds the id.
      const item = (await query(workspacePk(workspaceId), 'INVITE#', 'gsi1')).find((i) => i.inviteId === inviteId);
      if (!item || item.workspaceId !== workspaceId) return 'not-found';
      if (item.status === 'revoked') return 'already-revoked';
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: item.pk, sk: INVITE_SK },
            UpdateExpression: 'SET #status = :revoked, revokedAt = :at, revokedBy = :by',
            // Against a concurrent accept: only a pending invite of this workspace is revoked.
            ConditionExpression: '#status = :pending AND workspaceId = :ws',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':revoked': 'revoked',
              ':pending': 'pending',
              ':at': at,
              ':by': by,
              ':ws': workspaceId,
            },
          }),
        );
        return 'revoked';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const current = await db.send(
          new GetCommand({ TableName: table, Key: { pk: item.pk, sk: INVITE_SK }, ConsistentRead: true }),
        );
        return current.Item?.status === 'revoked' ? 'already-revoked' : 'accepted';
      }
    },
  };
}

function toInvite(item: Item): Invite {
  return { ...pick<Invite>(item, INVITE_FIELDS), expiresAt: String(item.expiresAtIso) };
}
