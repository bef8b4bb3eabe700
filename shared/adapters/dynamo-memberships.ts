/**
 * Memberships and custom roles in the `core` table, under their workspace. Both reads are
 * strongly consistent, as everything the authentication edge reads is: a removal, a role change
 * or a narrowed custom role holds from the very next request (an eventually consistent read
 * could still answer the old item for a moment).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomRole, Membership } from '../identity/model';
import type { MembershipLookup } from '../identity/ports';
import type { Key } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
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
 * The profile attribute a password reset stamps (`AccountStore.revokeGrants`): invites and
 * campaign webhook tokens the user handed out up to then are void, even one the reset's sweep
 * did not find (an index lagging, a mint in flight).
 */
export const GRANTS_VALID_FROM = 'grantsValidFrom';

/** Where a grantor's standing in a workspace is read: their membership and their profile. */
export const grantorKeys = (workspaceId: string, userId: string): { membership: Key; profile: Key } => ({
  membership: { pk: workspacePk(workspaceId), sk: memberSk(userId) },
  profile: { pk: userPk(userId), sk: USER_PROFILE_SK },
});

/** How someone who handed out access stands now, read from the items at {@link grantorKeys}. */
export interface GrantorStanding {
  /** Their membership of the workspace; undefined when they are no member (or have no profile). */
  readonly membership?: Membership;
  /** Grants handed out up to this instant (ISO) are void: their last password reset. */
  readonly grantsValidFrom?: string;
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
  };
}
