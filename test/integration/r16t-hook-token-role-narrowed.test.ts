// Review round 16: this test failed at 5bc3520.
/**
 * Review round 16 (triggers). DEFECT: a campaign webhook token keeps enrolling contacts after the
 * custom role of the member who minted it is redefined without `campaigns:launch`.
 *
 * SEVERITY: MEDIUM (a credential outlives the authority it was handed out under: whoever holds the
 * hook URL can still enrol any contact of the workspace into the live campaign, i.e. send it
 * marketing mail, although nobody behind the token may launch campaigns any more).
 *
 * ROOT CAUSE: shared/adapters/dynamo-campaign-triggers.ts dynamoCampaignWebhookTokens.find checks
 * only that the minter is still a member (and their password reset), never that their role still
 * grants `campaigns:launch`; the only other guard, shared/workspaces/use-cases.ts changeRole
 * ("a role without it ends the tokens the member minted"), runs when one member's role is changed,
 * not when `putRole` redefines a custom role that members hold. API keys (authenticate.ts reads
 * the role's permissions on each request) and invites (acceptInvite re-checks `inviterMaySend`
 * against the role as it is now) both follow a redefinition; webhook tokens do not.
 *
 * CORRECT: the token works only while its minter's current role (built-in or custom, as defined
 * now) grants `campaigns:launch`: `find` reads the role with the membership (as authenticate does),
 * or `putRole` ends the tokens minted by the role's holders when it drops `campaigns:launch`.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignWebhookTokens } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { memberSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { PERMISSIONS, type Permission } from '../../shared/identity/permissions';
import { newToken, sha256 } from '../../shared/identity/tokens';
import { putRole, type WorkspaceDeps } from '../../shared/workspaces/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r16t-role-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

describe('a webhook token minted by a holder of a custom role', () => {
  it('stops working when the role is redefined without campaigns:launch', async () => {
    const store = dynamoWorkspaces(db, CORE);
    const tokens = dynamoCampaignWebhookTokens(db, CORE);
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const owner = {
      workspaceId,
      organizationId: 'org1',
      role: 'owner',
      userId: 'u-owner',
      email: 'owner@example.com',
      permissions: new Set<Permission>(PERMISSIONS),
    };
    const deps = { store, now: () => new Date() } as unknown as WorkspaceDeps;
    // The owner is a member (a custom role is defined only on a member's standing, round 24).
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: workspacePk(workspaceId),
          sk: memberSk(owner.userId),
          type: 'membership',
          workspaceId,
          organizationId: 'org1',
          userId: owner.userId,
          role: 'owner',
          joinedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    // The custom role "marketer" may launch campaigns; Mia holds it.
    await putRole(owner, 'marketer', ['campaigns:read', 'campaigns:write', 'campaigns:launch'], deps);
    const mia = 'u-mia';
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: {
          pk: workspacePk(workspaceId),
          sk: memberSk(mia),
          type: 'membership',
          workspaceId,
          organizationId: 'org1',
          userId: mia,
          role: 'marketer',
          joinedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: CORE,
        Item: { pk: userPk(mia), sk: USER_PROFILE_SK, type: 'user', userId: mia, email: 'mia@example.com' },
      }),
    );
    // Mia mints the campaign's hook token (the route requires campaigns:launch, which she has).
    const token = newToken();
    await tokens.rotate(workspaceId, 'cmp1', sha256(token), new Date().toISOString(), mia);
    expect(await tokens.find(sha256(token))).toEqual({ workspaceId, campaignId: 'cmp1' });

    // The owner redefines "marketer": it may no longer launch campaigns.
    await putRole(owner, 'marketer', ['campaigns:read', 'campaigns:write'], deps);

    expect(
      await tokens.find(sha256(token)),
      'the token still enrols contacts although its minter may no longer launch campaigns',
    ).toBeUndefined();
  });
});
