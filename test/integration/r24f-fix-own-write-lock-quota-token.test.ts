// Review round 24: this test failed at 6e21191.
/**
 * Review round 24 (f), r24b's class in three more writes, and r24a's in one more grant:
 * - the contact's cap lock: a lock write retried after its answer was lost read its own lock as
 *   another step's and waited out the 30 s lease;
 * - the reset-mail quota: a take retried after it was applied counted twice (the window's opening
 *   put refused by itself fell to the ADD; the ADD, retried, added again);
 * - a campaign webhook token is minted only while its minter is still a member with the role the
 *   edge read (409 CONCURRENT_CHANGE), like every other grant (memberStillHolds).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignWebhookTokens } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoMailQuota } from '../../shared/adapters/dynamo-mail-quota';
import { dynamoMarketingSendLog } from '../../shared/adapters/dynamo-marketing-send-log';
import { MAIL_QUOTA_SK, memberSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import { ConflictError } from '../../shared/errors';
import { sha256 } from '../../shared/identity/tokens';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r24fown-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const core = () => dynamo.table('core');
const ephemeral = () => dynamo.table('ephemeral');
const lossy = (command: string, when?: (input: Record<string, unknown>) => boolean) =>
  losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command, when);
const id = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

describe("the contact's cap lock after a lost answer", () => {
  it('is taken by the step whose write landed, and let go by it', async () => {
    const workspaceId = id('ws');
    const contactId = id('c');
    const l = lossy('PutItemCommand');
    const release = await dynamoMarketingSendLog(l.db, core()).lock(workspaceId, contactId);

    expect(l.lost()).toBe(1);
    expect(release).toBeTypeOf('function');
    expect(l.calls).toEqual(['PutCommand']);
    // Held: another step waits its turn.
    const other = dynamoMarketingSendLog(dynamo.db, core());
    expect(await other.lock(workspaceId, contactId)).toBeUndefined();
    await release?.();
    // Let go: the next step takes it.
    expect(await other.lock(workspaceId, contactId)).toBeTypeOf('function');
  });
});

describe('the reset-mail quota after a lost answer', () => {
  const NOW = new Date('2026-12-07T10:00:00Z');
  const sent = async (key: string) =>
    (
      await dynamo.db.send(
        new GetCommand({ TableName: ephemeral(), Key: { pk: key, sk: MAIL_QUOTA_SK }, ConsistentRead: true }),
      )
    ).Item?.sent;

  it("the window's opening take counts once", async () => {
    const key = id('quota');
    const l = lossy('PutItemCommand');
    expect(await dynamoMailQuota(l.db, ephemeral()).take(key, 5, 3600, NOW)).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await sent(key)).toBe(1);
  });

  it('a later take counts once, and the limit still holds', async () => {
    const key = id('quota');
    const quota = dynamoMailQuota(dynamo.db, ephemeral());
    expect(await quota.take(key, 3, 3600, NOW)).toBe(true);
    const l = lossy('UpdateItemCommand');
    expect(await dynamoMailQuota(l.db, ephemeral()).take(key, 3, 3600, NOW)).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await sent(key)).toBe(2);
    expect(await quota.take(key, 3, 3600, NOW)).toBe(true);
    expect(await quota.take(key, 3, 3600, NOW)).toBe(false);
    expect(await sent(key)).toBe(3);
    // A new window opens afresh.
    expect(await quota.take(key, 3, 3600, new Date(NOW.getTime() + 3_601_000))).toBe(true);
    expect(await sent(key)).toBe(1);
  });
});

describe("a webhook token is minted only on the minter's standing", () => {
  async function member(role: string) {
    const workspaceId = id('ws');
    const userId = id('u');
    const put = (Item: Record<string, unknown>) => dynamo.db.send(new PutCommand({ TableName: core(), Item }));
    await put({ pk: workspacePk(workspaceId), sk: memberSk(userId), type: 'membership', workspaceId, userId, role });
    await put({ pk: userPk(userId), sk: USER_PROFILE_SK, type: 'user', userId, email: `${userId}@example.com` });
    return { workspaceId, userId };
  }
  const at = new Date().toISOString();

  it('a removed member’s mint is a 409 CONCURRENT_CHANGE and leaves no token', async () => {
    const { workspaceId, userId } = await member('admin');
    await dynamo.db.send(
      new DeleteCommand({ TableName: core(), Key: { pk: workspacePk(workspaceId), sk: memberSk(userId) } }),
    );
    const tokens = dynamoCampaignWebhookTokens(dynamo.db, core());
    const minting = tokens.rotate(workspaceId, 'cmp1', sha256('t1'), at, userId, undefined, 'admin');
    await expect(minting).rejects.toBeInstanceOf(ConflictError);
    await expect(minting).rejects.toMatchObject({ code: 'CONCURRENT_CHANGE' });
    expect(await tokens.find(sha256('t1'))).toBeUndefined();
  });

  it('a member whose role changed since the edge read it: 409; one who still holds it mints', async () => {
    const { workspaceId, userId } = await member('member');
    const tokens = dynamoCampaignWebhookTokens(dynamo.db, core());
    await expect(
      tokens.rotate(workspaceId, 'cmp1', sha256('t2'), at, userId, undefined, 'admin'),
    ).rejects.toMatchObject({ code: 'CONCURRENT_CHANGE' });
    await tokens.rotate(workspaceId, 'cmp1', sha256('t3'), at, userId, undefined, 'member');
    expect(await tokens.find(sha256('t3'))).toEqual({ workspaceId, campaignId: 'cmp1' });
  });
});
