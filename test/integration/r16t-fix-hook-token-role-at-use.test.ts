// Review round 16: this test failed at 5bc3520.
/**
 * A campaign webhook token works only while its minter's role, as defined at the call, grants
 * `campaigns:launch` (as an API key's request reads the role): the lookup read membership and
 * password reset only, so a minter demoted or whose custom role was redefined or deleted kept a
 * working token whenever the write-time revocation did not run or did not reach it. Each case
 * here changes the records directly, without that revocation: the lookup alone must refuse.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignWebhookTokens } from '../../shared/adapters/dynamo-campaign-triggers';
import { memberSk, roleSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { newToken, sha256 } from '../../shared/identity/tokens';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r16t-fix-hookrole-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

async function minted(role: string, customRoles: Record<string, string[]> = {}) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const userId = `u-${randomUUID().slice(0, 8)}`;
  const put = (Item: Record<string, unknown>) => db.send(new PutCommand({ TableName: CORE, Item }));
  for (const [name, permissions] of Object.entries(customRoles)) {
    await put({
      pk: workspacePk(workspaceId),
      sk: roleSk(name),
      type: 'role',
      workspaceId,
      name,
      permissions,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }
  const member = (r: string) =>
    put({
      pk: workspacePk(workspaceId),
      sk: memberSk(userId),
      type: 'membership',
      workspaceId,
      organizationId: 'org1',
      userId,
      role: r,
      joinedAt: '2026-01-01T00:00:00.000Z',
    });
  await member(role);
  await put({ pk: userPk(userId), sk: USER_PROFILE_SK, type: 'user', userId, email: `${userId}@example.com` });
  const tokens = dynamoCampaignWebhookTokens(db, CORE);
  const token = newToken();
  await tokens.rotate(workspaceId, 'cmp1', sha256(token), new Date().toISOString(), userId);
  return {
    find: () => tokens.find(sha256(token)),
    owner: { workspaceId, campaignId: 'cmp1' },
    member,
    removeMember: () =>
      db.send(new DeleteCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) } })),
    deleteRole: (name: string) =>
      db.send(new DeleteCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: roleSk(name) } })),
  };
}

describe('a webhook token, at each call', () => {
  it('works for a minter whose built-in or custom role grants campaigns:launch', async () => {
    for (const role of ['owner', 'admin', 'member']) {
      const t = await minted(role);
      expect(await t.find(), role).toEqual(t.owner);
    }
    const custom = await minted('marketer', { marketer: ['campaigns:read', 'campaigns:launch'] });
    expect(await custom.find()).toEqual(custom.owner);
  });

  it('is refused once the minter is demoted to a role without it (built-in or custom)', async () => {
    const toViewer = await minted('member');
    await toViewer.member('viewer');
    expect(await toViewer.find()).toBeUndefined();
    const toCustom = await minted('member', { writer: ['campaigns:read', 'campaigns:write'] });
    await toCustom.member('writer');
    expect(await toCustom.find()).toBeUndefined();
    // Given back a role that may launch: the token is the campaign's current one, and works again.
    await toCustom.member('member');
    expect(await toCustom.find()).toEqual(toCustom.owner);
  });

  it('is refused when the minter’s custom role is deleted, or names no role at all', async () => {
    const t = await minted('marketer', { marketer: ['campaigns:read', 'campaigns:launch'] });
    await t.deleteRole('marketer');
    expect(await t.find()).toBeUndefined();
  });

  it('is refused once the minter is no member', async () => {
    const t = await minted('admin');
    await t.removeMember();
    expect(await t.find()).toBeUndefined();
  });
});
