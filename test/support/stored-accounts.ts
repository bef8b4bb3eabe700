/**
 * Accounts written straight through the users adapter on a test file's core table (no runtime, no
 * sign-up over HTTP): for tests of the identity stores and use cases themselves.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { newId } from '../../shared/identity/tokens';

/**
 * A verified user who owns a new organisation and workspace, with the password hash `old-hash`
 * (version 0); `accounts` is the users adapter it was written with.
 */
export async function storedOwner(db: DynamoDBDocumentClient, core: string) {
  const accounts = dynamoUsers(db, core);
  const userId = newId();
  const workspaceId = newId();
  const organizationId = newId();
  const at = '2025-06-01T12:00:00.000Z';
  const email = `u-${userId.toLowerCase()}@example.com`;
  await accounts.create({
    user: { userId, email, name: 'U', emailVerified: true, defaultWorkspaceId: workspaceId, createdAt: at },
    passwordHash: 'old-hash',
    organization: { organizationId, name: 'O', ownerUserId: userId, createdAt: at },
    workspace: { workspaceId, organizationId, name: 'W', createdAt: at },
    membership: { workspaceId, organizationId, userId, role: 'owner', joinedAt: at },
  });
  return { accounts, userId, workspaceId, organizationId, email };
}
