/**
 * Workspaces, memberships, invites and custom roles in the `core` table (keys: ./keys.ts). The
 * reads that a decision on someone's access rests on (a member, the members, the custom roles,
 * an inviter's standing) are strongly consistent, and the writes made on them are conditional on
 * what was read, so a concurrent change is answered 409 `CONCURRENT_CHANGE`, never overwritten.
 * Every change of someone's access made on a member's authority (a role change, a removal, a custom
 * role's definition, an invite) is written only while that member still has the role it was
 * decided on (`memberStillHolds`, in the write's own transaction).
 * The listings a function answers page (members: by user id; custom roles: by name; pending
 * invites: ./dynamo-invites-page.ts; a user's memberships: ./dynamo-membership-page.ts), custom roles
 * are counted against a cap (./dynamo-role-count.ts), and so are an organization's workspaces.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import { grantorPasswordChanged } from '../identity/grant-standing';
import type { Membership, Organization, User, Workspace } from '../identity/model';
import { RoleLimitError, WorkspaceLimitError } from '../workspaces/errors';
import type { Actor, Invite, StoredRole, WorkspaceStore } from '../workspaces/ports';
import { batchGet } from './dynamo/batch';
import { isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { beginsWith } from './dynamo/cursor';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { prefixCounter } from './dynamo/prefix-counter';
import { countQuery, pagedQuery, prefixQuery, queryAll, queryPages, rangeListing } from './dynamo/query';
import { putIfAbsent, type TransactItem, transactWrite } from './dynamo/transact';
import { revokeWebhookTokensMintedBy } from './dynamo-campaign-triggers';
import { pendingInvitesPage } from './dynamo-invites-page';
import { membershipPage } from './dynamo-membership-page';
import { grantorKeys, grantorPasswordCheck, grantorStanding, memberStillHolds } from './dynamo-memberships';
import { dynamoRoleCounter } from './dynamo-role-count';
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
  WORKSPACE_COUNT_SK,
  workspacePk,
} from './keys';

/** A grant whose custom role was redefined or deleted after it was read: nothing was written. */
const roleChanged = () =>
  new ConflictError('The role was changed or deleted meanwhile; reload and try again', 'CONCURRENT_CHANGE');
const roleChangedMeanwhile = () =>
  new ConflictError('The role or your own membership changed meanwhile; reload and try again', 'CONCURRENT_CHANGE');
const pick = <T>(item: Item, keys: readonly (keyof T & string)[]): T =>
  Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as T;
const MEMBERSHIP_FIELDS = ['workspaceId', 'organizationId', 'userId', 'role', 'joinedAt'] as const;
const ROLE_FIELDS = ['workspaceId', 'name', 'permissions', 'createdAt', 'grants'] as const;
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
  'passwordVersion',
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
  /** A strongly consistent query of the table (indexes cannot be read so). */
  const consistentQuery = (pk: string, prefix: string) =>
    queryAll(db, { ...prefixQuery(table, pk, prefix), ConsistentRead: true });
  const roleCount = dynamoRoleCounter(db, table);
  /**
   * The count of an organization's workspaces (`ORG#<id>` / `WORKSPACE_COUNT`), moved in the same
   * transaction as each workspace's creation. An organization whose workspaces predate the counter
   * is counted by its first creation: its owner's owner memberships in it (every workspace of an
   * organization is created by its owner, who stays its owner), through gsi1, eventually
   * consistent (a workspace created a moment before may be missed, once).
   */
  const workspaceCount = (organizationId: string, ownerUserId: string) =>
    prefixCounter(db, table, {
      counterSk: WORKSPACE_COUNT_SK,
      attribute: 'workspaces',
      type: 'workspace-count',
      count: () => ownedIn(organizationId, ownerUserId),
    });
  const ownedIn = (organizationId: string, ownerUserId: string) => {
    const input = prefixQuery(table, userPk(ownerUserId), MEMBERSHIP_GSI1_PREFIX, 'gsi1');
    return countQuery(db, {
      ...input,
      FilterExpression: 'organizationId = :org AND #role = :owner',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':org': organizationId, ':owner': 'owner' },
    });
  };
  /** A transaction item holding the write to `actor` still having the role read ({@link memberStillHolds}). */
  const actorHolds = (workspaceId: string, actor: Actor) =>
    memberStillHolds(table, workspaceId, actor.userId, actor.role);
  /**
   * Marks a pending invite of the workspace revoked; false when it no longer was pending. Marked by a
   * token of its own (`revokedMark`, own-write.ts): a revoke the SDK retried after it landed (its
   * answer lost) is refused by itself and is this revocation (not "already revoked", nor one short in
   * a sweep's count).
   */
  const revokeInviteItem = async (item: Item, workspaceId: string, by: string, at: string) => {
    const mark = ownToken();
    const revoked = await writeOwn(
      db,
      {
        Update: {
          TableName: table,
          Key: { pk: item.pk, sk: INVITE_SK },
          UpdateExpression: 'SET #status = :revoked, revokedAt = :at, revokedBy = :by, revokedMark = :mark',
          // Against a concurrent accept: only a pending invite of this workspace is revoked.
          ConditionExpression: '#status = :pending AND workspaceId = :ws',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'revoked',
            ':pending': 'pending',
            ':at': at,
            ':by': by,
            ':mark': mark,
            ':ws': workspaceId,
          },
        },
      },
      (found) => found.revokedMark === mark,
    );
    return revoked.written;
  };

  /**
   * A transaction's item that makes it a grant of custom role `role` as read: the role must still
   * exist with that definition (its `createdAt`), and its grant counter moves, so a deletion decided
   * on an earlier read of the role fails (see `StoredRole`).
   */
  const roleGrant = (role: StoredRole): TransactItem => ({
    Update: {
      TableName: table,
      Key: { pk: workspacePk(role.workspaceId), sk: roleSk(role.name) },
      UpdateExpression: 'ADD grants :one',
      ConditionExpression: 'createdAt = :created',
      ExpressionAttributeValues: { ':one': 1, ':created': role.createdAt },
    },
  });
  /**
   * Runs a grant's transaction: its item `at.role` the {@link roleGrant}, `at.password` the
   * grantor's `grantorPasswordCheck` (a 401: the session that asked is ended); any other lost race
   * is a 409.
   */
  const granting = async (
    items: readonly TransactItem[],
    at: { readonly role?: number; readonly password?: number },
    what: string,
  ) => {
    try {
      await transactWrite(db, items);
    } catch (error) {
      if (at.password !== undefined && isConditionFailure(error, at.password)) throw grantorPasswordChanged();
      if (at.role !== undefined && isConditionFailure(error, at.role)) throw roleChanged();
      if (isConditionFailure(error) || isTransactionConflict(error)) {
        throw new ConflictError(`${what} changed meanwhile; reload and try again`, 'CONCURRENT_CHANGE');
      }
      throw error;
    }
  };

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
    membershipPage: (userId, page) => membershipPage(db, table, userId, page),
    async organizationOwnedBy(userId) {
      // Page by page, stopping at the first owned workspace: a user may belong to any number.
      const input = prefixQuery(table, userPk(userId), MEMBERSHIP_GSI1_PREFIX, 'gsi1');
      const owned = {
        ...input,
        FilterExpression: '#role = :owner',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':owner': 'owner' },
      };
      for await (const page of queryPages(db, owned)) {
        const first = page[0];
        if (first) return String(first.organizationId);
      }
      return undefined;
    },
    async members(workspaceId) {
      return (await consistentQuery(workspacePk(workspaceId), MEMBER_PREFIX)).map((i) =>
        pick<Membership>(i, MEMBERSHIP_FIELDS),
      );
    },
    async memberPage(workspaceId, { limit, cursor }) {
      const { input, shape } = rangeListing(table, workspacePk(workspaceId), beginsWith(MEMBER_PREFIX));
      const page = await pagedQuery(db, { ...input, ConsistentRead: true }, { limit, cursor, shape });
      const members = page.items.map((i) => pick<Membership>(i, MEMBERSHIP_FIELDS));
      return page.cursor ? { members, nextCursor: page.cursor } : { members };
    },
    async member(workspaceId, userId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: memberSk(userId) },
        { consistent: true },
      );
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
    async createWorkspace(workspace, owner, maxWorkspaces) {
      const counter = workspaceCount(workspace.organizationId, owner.userId);
      const written = await counter.create(
        orgPk(workspace.organizationId),
        [
          putIfAbsent(table, { pk: workspacePk(workspace.workspaceId), sk: META_SK, type: 'workspace', ...workspace }),
          putIfAbsent(table, membershipItem(owner)),
        ],
        maxWorkspaces,
      );
      if (written === 'limit-reached') throw new WorkspaceLimitError(maxWorkspaces);
      // A fresh random id taken already: nothing was written.
      if (written !== 'written') throw new ConflictError('Try again', 'CONCURRENT_CHANGE');
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
    async setRole(workspaceId, userId, { role, expectedRole, actor }, granted) {
      const update = {
        TableName: table,
        Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
        UpdateExpression: 'SET #role = :role',
        // The role the caller's rights were checked against, and never an owner's: a
        // concurrent promotion is not overwritten by someone who could not touch the new role.
        ConditionExpression: 'attribute_exists(pk) AND #role = :expected AND #role <> :owner',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':role': role, ':expected': expectedRole, ':owner': 'owner' },
      };
      // On the actor's standing as read (never someone removed or demoted meanwhile; their own
      // role is the update's condition), and a custom role is granted with a check (and count) on
      // it: never onto a role deleted meanwhile.
      const items: TransactItem[] = [
        { Update: update },
        ...(granted ? [roleGrant(granted)] : []),
        ...(actor.userId === userId ? [] : [actorHolds(workspaceId, actor)]),
      ];
      await granting(items, granted ? { role: 1 } : {}, 'The member or your own membership');
    },
    async removeMember(workspaceId, userId, expectedRole, actor) {
      const remove = {
        TableName: table,
        Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
        ConditionExpression: 'attribute_exists(pk) AND #role = :expected AND #role <> :owner',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':expected': expectedRole, ':owner': 'owner' },
      };
      // On the actor's standing as read, unless they remove themselves (the delete's own condition).
      const items: TransactItem[] = [
        { Delete: remove },
        ...(actor.userId === userId ? [] : [actorHolds(workspaceId, actor)]),
      ];
      await granting(items, {}, 'The member or your own membership');
    },
    async roles(workspaceId) {
      return (await consistentQuery(workspacePk(workspaceId), ROLE_PREFIX)).map((i) =>
        pick<StoredRole>(i, ROLE_FIELDS),
      );
    },
    async rolePage(workspaceId, { limit, cursor }) {
      const { input, shape } = rangeListing(table, workspacePk(workspaceId), beginsWith(ROLE_PREFIX));
      const page = await pagedQuery(db, { ...input, ConsistentRead: true }, { limit, cursor, shape });
      const roles = page.items.map((i) => pick<StoredRole>(i, ROLE_FIELDS));
      return page.cursor ? { roles, nextCursor: page.cursor } : { roles };
    },
    async putRole(role, previous, maxRoles, actor) {
      const item = { pk: workspacePk(role.workspaceId), sk: roleSk(role.name), type: 'role', ...role };
      // Defined on the actor's standing as read: never by someone removed or demoted meanwhile.
      const standing = actorHolds(role.workspaceId, actor);
      if (previous) {
        // The definition the caller's rights were checked against: each put stamps a new createdAt.
        // A redefinition takes no new slot.
        const put = {
          TableName: table,
          Item: item,
          ConditionExpression: 'createdAt = :previous',
          ExpressionAttributeValues: { ':previous': previous.createdAt },
        };
        await granting([{ Put: put }, standing], {}, 'The role or your own membership');
        return;
      }
      // A new role takes a slot in the same transaction (./dynamo-role-count.ts): none left is a
      // 409 ROLE_LIMIT; a role of that name created meanwhile, or the actor's membership changed, a
      // 409 CONCURRENT_CHANGE.
      const created = await roleCount.create(
        workspacePk(role.workspaceId),
        [putIfAbsent(table, item), standing],
        maxRoles,
      );
      if (created === 'limit-reached') throw new RoleLimitError(maxRoles);
      if (created !== 'written') throw roleChangedMeanwhile();
    },
    async deleteRole(workspaceId, name, asRead) {
      const grants = asRead.grants ?? 0;
      const remove = {
        TableName: table,
        Key: { pk: workspacePk(workspaceId), sk: roleSk(name) },
        // The definition found unused, with no grant of it since (every grant moves `grants`).
        ConditionExpression: `createdAt = :created AND ${grants === 0 ? 'attribute_not_exists(grants)' : 'grants = :grants'}`,
        ExpressionAttributeValues: { ':created': asRead.createdAt, ...(grants === 0 ? {} : { ':grants': grants }) },
      };
      // The slot is given back in the same write. A grant in flight on the role (a transaction)
      // is tried again with the write, and refused if it landed (the role then moved on).
      const deleted = await roleCount.delete(workspacePk(workspaceId), [{ Delete: remove }]);
      if (deleted !== 'written') {
        throw new ConflictError(
          'The role was granted, changed or deleted meanwhile; reload and try again',
          'CONCURRENT_CHANGE',
        );
      }
    },
    async saveInvite(invite, tokenHash, granted, inviterRole) {
      const put = {
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
      };
      // An invite naming a custom role is a grant of it: checked and counted on the role. One
      // recording the inviter's password version is written only while their password still has
      // it: a reset landing after their session was read voids the write, whatever the clocks say.
      // With the inviter's role as judged, only while they still have it: an invite sent by someone
      // removed or demoted meanwhile is never written (so a removal's sweep, which follows its
      // delete, misses none).
      const version = invite.passwordVersion;
      const items: TransactItem[] = [
        { Put: put },
        ...(granted ? [roleGrant(granted)] : []),
        ...(inviterRole === undefined
          ? []
          : [actorHolds(invite.workspaceId, { userId: invite.invitedBy, role: inviterRole })]),
        ...(version === undefined ? [] : [grantorPasswordCheck(table, invite.invitedBy, version)]),
      ];
      if (items.length === 1) {
        // Alone, marked by its invite id (own-write.ts): a put retried after it landed is this invite.
        const saved = await writeOwn(db, { Put: put }, (found) => found.inviteId === invite.inviteId);
        if (!saved.written) throw new Error('An invite already exists under this token hash');
      } else {
        await granting(
          items,
          { ...(granted ? { role: 1 } : {}), ...(version === undefined ? {} : { password: items.length - 1 }) },
          'The invite or your own membership',
        );
      }
    },
    async invites(workspaceId) {
      return (await query(workspacePk(workspaceId), INVITE_GSI1_PREFIX, 'gsi1')).map(toInvite);
    },
    async pendingInvites(workspaceId, now, page) {
      const { items, nextCursor } = await pendingInvitesPage(db, table, workspaceId, now, page);
      const invites = items.map(toInvite);
      return nextCursor ? { invites, nextCursor } : { invites };
    },
    async inviteByTokenHash(tokenHash) {
      const item = await get(invitePk(tokenHash), INVITE_SK);
      return item ? toInvite(item) : undefined;
    },
    async standingOf(workspaceId, userId) {
      const keys = grantorKeys(workspaceId, userId);
      const items = await batchGet(db, table, [keys.membership, keys.profile], { consistent: true });
      return grantorStanding(items, workspaceId, userId);
    },
    async acceptInvite(tokenHash, membership, inviter, granted, inviterPasswordVersion) {
      const inviterChecked = inviter.userId !== membership.userId;
      const versionChecked = inviterChecked && inviterPasswordVersion !== undefined;
      // After the inviter's checks when there are: the role's item, when a custom role is granted.
      const roleAt = 2 + (inviterChecked ? 1 : 0) + (versionChecked ? 1 : 0);
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
          // The inviter as the use case judged them: still a member, with the same role. (Never the
          // invitee: a member's own membership already refuses the put above.)
          ...(inviterChecked ? [actorHolds(inviter.workspaceId, inviter)] : []),
          // And still with the password version the use case judged them on: a reset landing in
          // between (before its sweep reaches the invite) makes the accept fail.
          ...(versionChecked ? [grantorPasswordCheck(table, inviter.userId, inviterPasswordVersion)] : []),
          // The invited custom role as the use case read it: never joined onto a role deleted meanwhile.
          ...(granted ? [roleGrant(granted)] : []),
        ]);
        return 'accepted';
      } catch (error) {
        if (granted && isConditionFailure(error, roleAt)) return 'role-changed';
        if (inviterChecked && isConditionFailure(error, 2)) return 'inviter-changed';
        if (versionChecked && isConditionFailure(error, 3)) return 'inviter-reset';
        // No longer pending, already a member, or another accept of the same invite in flight.
        if (isConditionFailure(error) || isTransactionConflict(error)) return 'refused';
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
      if (await revokeInviteItem(item, workspaceId, by, at)) return 'revoked';
      const current = await getItem(db, table, { pk: item.pk, sk: INVITE_SK }, { consistent: true });
      return current?.status === 'revoked' ? 'already-revoked' : 'accepted';
    },
    async revokeInvitesFrom(workspaceId, invitedBy, by, at, keep) {
      // Through the workspace's gsi1 listing, which may lag a moment behind a new invite:
      // acceptInvite checks the inviter's standing again, so one it misses still cannot be used.
      const listed = await query(workspacePk(workspaceId), INVITE_GSI1_PREFIX, 'gsi1');
      let revoked = 0;
      for (const item of listed) {
        if (item.workspaceId !== workspaceId || item.invitedBy !== invitedBy || item.status !== 'pending') continue;
        // An expired invite answers INVITE_INVALID already: only live ones are withdrawn (and counted).
        const invite = toInvite(item);
        if (Date.parse(invite.expiresAt) <= Date.parse(at) || keep?.(invite)) continue;
        if (await revokeInviteItem(item, workspaceId, by, at)) revoked += 1;
      }
      return revoked;
    },
    revokeWebhookTokensMintedBy: (workspaceId, userId) => revokeWebhookTokensMintedBy(db, table, workspaceId, userId),
  };
}

/**
 * A password reset's sweep in one workspace (`AccountStore.revokeGrants`): the pending invites
 * `userId` sent there, withdrawn by themselves, and the webhook tokens they minted there.
 */
export async function revokeGrantsIn(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  userId: string,
  at: string,
): Promise<{ invitesRevoked: number; webhookTokensRevoked: number }> {
  const store = dynamoWorkspaces(db, table);
  return {
    invitesRevoked: await store.revokeInvitesFrom(workspaceId, userId, userId, at),
    webhookTokensRevoked: await store.revokeWebhookTokensMintedBy(workspaceId, userId),
  };
}

function toInvite(item: Item): Invite {
  return { ...pick<Invite>(item, INVITE_FIELDS), expiresAt: String(item.expiresAtIso) };
}
