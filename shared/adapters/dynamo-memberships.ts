/** Memberships and custom roles in the `core` table, under their workspace. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { memberSk, roleSk, workspacePk } from '../identity/keys';
import type { CustomRole, Membership } from '../identity/model';
import type { MembershipLookup } from '../identity/ports';

export function dynamoMemberships(db: DynamoDBDocumentClient, table: string): MembershipLookup {
  return {
    async find(workspaceId, userId) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) } }),
      );
      if (!out.Item) return undefined;
      const { workspaceId: ws, organizationId, userId: uid, role, joinedAt } = out.Item as Membership;
      return { workspaceId: ws, organizationId, userId: uid, role, joinedAt };
    },
    async customRole(workspaceId, name) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: roleSk(name) } }),
      );
      if (!out.Item) return undefined;
      const { permissions, createdAt } = out.Item as CustomRole;
      return { workspaceId, name, permissions, createdAt };
    },
  };
}
