/** Memberships and custom roles in the `core` table, under their workspace. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomRole, Membership } from '../identity/model';
import type { MembershipLookup } from '../identity/ports';
import { getItem } from './dynamo/item';
import { memberSk, roleSk, workspacePk } from './keys';

/** A membership item as the model's membership. */
export function toMembership(item: Record<string, unknown>): Membership {
  const { workspaceId, organizationId, userId, role, joinedAt } = item as unknown as Membership;
  return { workspaceId, organizationId, userId, role, joinedAt };
}

export function dynamoMemberships(db: DynamoDBDocumentClient, table: string): MembershipLookup {
  return {
    async find(workspaceId, userId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: memberSk(userId) });
      return item ? toMembership(item) : undefined;
    },
    async customRole(workspaceId, name) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: roleSk(name) });
      if (!item) return undefined;
      const { permissions, createdAt } = item as unknown as CustomRole;
      return { workspaceId, name, permissions, createdAt };
    },
  };
}
