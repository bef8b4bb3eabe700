/**
 * Memberships and custom roles in the `core` table, under their workspace. Both reads are
 * strongly consistent, as everything the authentication edge reads is: a removal, a role change
 * or a narrowed custom role holds from the very next request (an eventually consistent read
 * could still answer the old item for a moment). A user's memberships are listed a page at a
 * time through gsi1 (./dynamo-membership-page.ts, apart: the edge, which loads this module, lists none).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomRole, Membership } from '../identity/model';
import type { MembershipLookup } from '../identity/ports';
import type { Key } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
import type { TransactItem } from './dynamo/transact';
import { memberSk, roleSk, USER_PROFILE_SK, userPk, workspacePk } from './keys';

/** A membership item as the model's membership. */
export function toMembership(item: Record<string, unknown>): Membership {
  const { workspaceId, organizationId, userId, role, joinedAt } = item as unknown as Membership;
  return { workspaceId, organizationId, userId, role, joinedAt };
}

export function dynamoMemberships(db: DynamoDBDocumentClient, table: string): MembershipLookup {
  return {
    async find(workspaceId, userId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: memberSk(userId) },
        { consistent: true },
      );
      return item ? toMembership(item) : undefined;
    },
    async customRole(workspaceId, name) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: roleSk(name) }, { consistent: true });
      if (!item) return undefined;
      const { permissions, createdAt } = item as unknown as CustomRole;
      return { workspaceId, name, permissions, createdAt };
    },
  };
}

/**
 * The profile attribute a password reset stamps (with the new password, and again in
 * `AccountStore.revokeGrants`): invites and campaign webhook tokens from before grants recorded a
 * password version, handed out up to then, are void, even one the reset's sweep did not find.
 * Versioned ones are judged by the version alone (shared/identity/grant-standing.ts).
 */
export const GRANTS_VALID_FROM = 'grantsValidFrom';
/** The profile attribute a password reset stamps for API keys (dynamo-api-keys.ts): those created up to then are void. */
export const API_KEYS_VALID_FROM = 'apiKeysValidFrom';

/** Where a grantor's standing in a workspace is read: their membership and their profile. */
export const grantorKeys = (workspaceId: string, userId: string): { membership: Key; profile: Key } => ({
  membership: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
  profile: { pk: userPk(userId), sk: USER_PROFILE_SK },
});

/** How someone who handed out access stands now, read from the items at {@link grantorKeys}. */
export interface GrantorStanding {
  /** Their membership of the workspace; undefined when they are no member (or have no profile). */
  readonly membership?: Membership;
  /** Unversioned grants handed out up to this instant (ISO) are void: their last password reset. */
  readonly grantsValidFrom?: string;
  /** Their password version now, as the profile carries it (0 when it carries none); absent without a profile. */
  readonly passwordVersion?: number;
}

export function grantorStanding(items: readonly Item[], workspaceId: string, userId: string): GrantorStanding {
  const keys = grantorKeys(workspaceId, userId);
  const at = (key: Key) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  const profile = at(keys.profile);
  const member = at(keys.membership);
  const stamp = profile?.[GRANTS_VALID_FROM];
  return {
    ...(profile && member ? { membership: toMembership(member) } : {}),
    ...(typeof stamp === 'string' ? { grantsValidFrom: stamp } : {}),
    ...(profile ? { passwordVersion: Number(profile.passwordVersion ?? 0) } : {}),
  };
}

/**
 * The condition "the password version is still `:v`", on the credentials or on the profile (which
 * a password change writes the new version to, in the same transaction); items written before
 * versions existed are version 0.
 */
export const passwordVersionIs = (version: number): string =>
  version === 0
    ? 'attribute_exists(pk) AND (attribute_not_exists(passwordVersion) OR passwordVersion = :v)'
    : 'attribute_exists(pk) AND passwordVersion = :v';

/**
 * The transaction item that writes a grant (an API key, an invite, a webhook token) only while its
 * grantor's password is still the version the session asking for it was opened with: a password
 * change landing between the session's read and the grant's write voids the write, so nothing made
 * under the old password survives it, whatever the clocks say (shared/identity/grant-standing.ts).
 */
export const grantorPasswordCheck = (table: string, userId: string, version: number): TransactItem => ({
  ConditionCheck: {
    TableName: table,
    Key: { pk: userPk(userId), sk: USER_PROFILE_SK },
    ConditionExpression: passwordVersionIs(version),
    ExpressionAttributeValues: { ':v': version },
  },
});

/**
 * The transaction item that writes something on a member's authority (a grant they hand out, a
 * change of someone's role or membership, a custom role's definition) only while they are still a
 * member with the role the decision was made on (the edge's read of their membership, or the use
 * case's): a removal or a role change of theirs landing in between voids the write.
 */
export const memberStillHolds = (table: string, workspaceId: string, userId: string, role: string): TransactItem => ({
  ConditionCheck: {
    TableName: table,
    Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
    ConditionExpression: '#role = :role',
    ExpressionAttributeNames: { '#role': 'role' },
    ExpressionAttributeValues: { ':role': role },
  },
});
