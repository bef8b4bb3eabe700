// Review round 16: this test failed at e19efd2.
/**
 * A campaign webhook token minted in an EARLIER membership of its minter came back to life when
 * the minter was removed and later added back (the removal's sweep having missed it): the lookup
 * asked only whether the minter is a member now, never whether the token predates the current
 * membership (API keys and, now, invites have that rule). The records are changed directly here,
 * without the removal's sweep: the lookup alone must refuse.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignWebhookTokens } from '../../shared/adapters/dynamo-campaign-triggers';
import { memberSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { newToken, sha256 } from '../../shared/identity/tokens';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r16i-fix-hookmember-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const JOINED = '2025-06-01T12:00:00.000Z';
const MINTED = '2025-06-01T12:00:01.000Z';
const REJOINED = '2025-06-01T12:01:00.000Z';

async function minted() {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const userId = `u-${randomUUID().slice(0, 8)}`;
  const put = (Item: Record<string, unknown>) => db.send(new PutCommand({ TableName: CORE, Item }));
  const member = (joinedAt: string) =>
    put({
      pk: workspacePk(workspaceId),
      sk: memberSk(userId),
      type: 'membership',
      workspaceId,
      organizationId: 'org1',
      userId,
      role: 'admin',
      joinedAt,
    });
  await member(JOINED);
  await put({ pk: userPk(userId), sk: USER_PROFILE_SK, type: 'user', userId, email: `${userId}@example.com` });
  const tokens = dynamoCampaignWebhookTokens(db, CORE);
  const token = newToken();
  await tokens.rotate(workspaceId, 'cmp1', sha256(token), MINTED, userId);
  return {
    find: () => tokens.find(sha256(token)),
    owner: { workspaceId, campaignId: 'cmp1' },
    member,
    removeMember: () =>
      db.send(new DeleteCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) } })),
  };
}

describe('a webhook token minted in an earlier membership of its minter', () => {
  it('works in the membership it was minted in', async () => {
    const t = await minted();
    expect(await t.find()).toEqual(t.owner);
  });

  it('is refused once the minter was removed and added back, though no sweep ended it', async () => {
    const t = await minted();
    await t.removeMember();
    expect(await t.find()).toBeUndefined();
    await t.member(REJOINED);
    expect(await t.find(), 'a token from an ended membership enrols again after a re-add').toBeUndefined();
  });
});
