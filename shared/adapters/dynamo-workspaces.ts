/** Workspaces, memberships, invites and custom roles in the `core` table (keys: ./keys.ts). */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import type { CustomRole, Membership, Organization, User, Workspace } from '../identity/model';
import type { Invite, WorkspaceStore } from '../workspaces/ports';
import { batchGet } from './dynamo/batch';
import { conditionally, isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { putIfAbsent, transactWrite } from './dynamo/transact';
import {
  INVITE_GSI1_PREFIX,
  INVITE_SK,
  inviteGsi1,
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
} from './keys';

/** A guarded write that lost a race: the member changed (or became an owner) meanwhile. */
async function guarded(write: Promise<unknown>): Promise<void> {
  if (!(await conditionally(write))) {
    throw new ConflictError('The member changed meanwhile; reload and try again', 'CONCURRENT_CHANGE');
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
  const get = (pk: string, sk: string) => getItem(db, table, { pk, sk });
  const query = (pk: string, prefix: string, index?: 'gsi1') => queryAll(db, prefixQuery(table, pk, prefix, index));

  return {
    async workspace(id) {
      const item = await get(workspacePk(id), META_SK);
      return item ? pick<Workspace>(item, WORKSPACE_FIELDS) : undefined;
    },
    async workspaces(ids) {
      const items = await batchGet(
        db,
        table,
        [...new Set(ids)].map((id) => ({ pk: workspacePk(id), sk: META_SK })),
      );
      return items.map((i) => pick<Workspace>(i, WORKSPACE_FIELDS));
    },
    async organization(id) {
      const item = await get(orgPk(id), META_SK);
      return item ? pick<Organization>(item, ['organizationId', 'name', 'ownerUserId', 'createdAt']) : undefined;
    },
    async membershipsOf(userId) {
      const items = await query(userPk(userId), MEMBERSHIP_GSI1_PREFIX, 'gsi1');
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
      const items = await batchGet(
        db,
        table,
        [...new Set(ids)].map((id) => ({ pk: userPk(id), sk: USER_PROFILE_SK })),
      );
      return items.map((i) => pick<User>(i, USER_FIELDS));
    },
    async createWorkspace(workspace, owner) {
      await transactWrite(db, [
        putIfAbsent(table, { pk: workspacePk(workspace.workspaceId), sk: META_SK, type: 'workspace', ...workspace }),
        putIfAbsent(table, membershipItem(owner)),
      ]);
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
            ...inviteGsi1(invite.workspaceId, invite.createdAt, invite.inviteId),
            ...invite,
            expiresAtIso: invite.expiresAt,
            // DynamoDB TTL wants epoch seconds; keep an extra day so an expired invite still explains itself.
            expiresAt: epochSeconds(invite.expiresAt) + 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async invites(workspaceId) {
      return (await query(workspacePk(workspaceId), INVITE_GSI1_PREFIX, 'gsi1')).map(toInvite);
    },
    async inviteByTokenHash(tokenHash) {
      const item = await get(invitePk(tokenHash), INVITE_SK);
      return item ? toInvite(item) : undefined;
    },
    async acceptInvite(tokenHash, membership) {
      try {
        await transactWrite(db, [
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
          putIfAbsent(table, membershipItem(membership)),
        ]);
        return true;
      } catch (error) {
        // No longer pending, already a member, or another accept of the same invite in flight.
        if (isConditionFailure(error) || isTransactionConflict(error)) return false;
        throw error;
      }
    },
    async revokeInvite(workspaceId, inviteId, by, at) {
      // Invites are keyed by token hash; the workspace's gsi1 listing finds the id.
      const item = (await query(workspacePk(workspaceId), INVITE_GSI1_PREFIX, 'gsi1')).find(
        (i) => i.inviteId === inviteId,
      );
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
        if (!isConditionFailure(error)) throw error;
        const current = await getItem(db, table, { pk: item.pk, sk: INVITE_SK }, { consistent: true });
        return current?.status === 'revoked' ? 'already-revoked' : 'accepted';
      }
    },
  };
}

function toInvite(item: Item): Invite {
  return { ...pick<Invite>(item, INVITE_FIELDS), expiresAt: String(item.expiresAtIso) };
}
