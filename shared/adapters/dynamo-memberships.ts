/** Memberships and custom roles in the `core` table, under their workspace. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomRole, Membership } from '../identity/model';
import type { MembershipLookup } from '../identity/ports';
import { getItem } from './dynamo/item';
import { memberSk, roleSk, workspacePk } from './keys';

export function dynamoMemberships(db: DynamoDBDocumentClient, table: string): MembershipLookup {
  return {
    async find(workspaceId, userId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: memberSk(userId) });
      if (!item) return undefined;
      const { workspaceId: ws, organizationId, userId: uid, role, joinedAt } = item as unknown as Membership;
      return { workspaceId: ws, organizationId, userId: uid, role, joinedAt };
    },
    async customRole(workspaceId, name) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: roleSk(name) });
      if (!item) return undefined;
      const { permissions, createdAt } = item as unknown as CustomRole;
      return { workspaceId, name, permissions, createdAt };
    },
  };
}
