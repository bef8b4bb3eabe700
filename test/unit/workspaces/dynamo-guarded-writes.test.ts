/**
 * Review round 13 (suspicion, made a rule): the DynamoDB writes that change someone's access are
 * conditional on what the decision was made on, and the reads it was made on are strongly
 * consistent. Checked on the commands the adapters send (the behaviour is exercised on the
 * emulator by test/e2e/identity-grants-end.test.ts and identity-access-review13.test.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignWebhookTokens } from '../../../shared/adapters/dynamo-campaign-triggers';
import { dynamoWorkspaces } from '../../../shared/adapters/dynamo-workspaces';

type Input = Record<string, unknown>;

/** A client that records every command's input and answers `answer(input)`. */
function recordingDb(answer: (input: Input) => Record<string, unknown> = () => ({})) {
  const inputs: Input[] = [];
  const db = {
    send: async (command: { input: Input }) => {
      inputs.push(command.input);
      return answer(command.input);
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, inputs };
}

const member = { workspaceId: 'ws1', organizationId: 'o1', userId: 'u2', role: 'member', joinedAt: 't' };

describe('dynamoWorkspaces', () => {
  it('changes or removes a member only while they, and the actor, still have the roles read', async () => {
    const { db, inputs } = recordingDb();
    const store = dynamoWorkspaces(db, 'core');
    const actor = { userId: 'u1', role: 'admin' };
    await store.setRole('ws1', 'u2', { role: 'viewer', expectedRole: 'member', actor });
    await store.removeMember('ws1', 'u2', 'member', actor);
    for (const input of inputs) {
      const [write, standing] = input.TransactItems as Array<Record<string, Input>>;
      const target = (write?.Update ?? write?.Delete) as Input;
      expect(target.ConditionExpression).toContain('#role = :expected');
      expect(target.ExpressionAttributeValues).toMatchObject({ ':expected': 'member' });
      // Review round 24: the actor's membership, with the role the edge read, in the same transaction.
      expect(standing?.ConditionCheck).toMatchObject({
        Key: { pk: 'WS#ws1', sk: 'MEMBER#u1' },
        ExpressionAttributeValues: { ':role': 'admin' },
      });
    }
    // Changing one's own role: the update's own condition is the actor's (one item, one operation).
    await store.setRole('ws1', 'u1', { role: 'viewer', expectedRole: 'admin', actor });
    expect(inputs.at(-1)?.TransactItems).toHaveLength(1);
  });

  it('reads a member, the members and the roles strongly consistent', async () => {
    const { db, inputs } = recordingDb(() => ({ Items: [] }));
    const store = dynamoWorkspaces(db, 'core');
    await store.member('ws1', 'u2');
    await store.members('ws1');
    await store.roles('ws1');
    expect(inputs.map((i) => i.ConsistentRead)).toEqual([true, true, true]);
  });

  it('redefines a role only while it is as read, and creates one only while absent', async () => {
    const { db, inputs } = recordingDb();
    const store = dynamoWorkspaces(db, 'core');
    const role = { workspaceId: 'ws1', name: 'senior', permissions: [], createdAt: 'new' } as const;
    const actor = { userId: 'u1', role: 'admin' };
    await store.putRole(role, { ...role, createdAt: 'old' }, 50, actor);
    await store.putRole(role, undefined, 50, actor);
    const redefined = inputs[0] as { TransactItems: Array<Record<string, Input>> };
    expect(redefined.TransactItems[0]?.Put).toMatchObject({
      ConditionExpression: 'createdAt = :previous',
      ExpressionAttributeValues: { ':previous': 'old' },
    });
    // Review round 24: on the actor's membership as the edge read it.
    expect(redefined.TransactItems[1]?.ConditionCheck).toMatchObject({
      Key: { pk: 'WS#ws1', sk: 'MEMBER#u1' },
      ExpressionAttributeValues: { ':role': 'admin' },
    });
    // A new role is written with the workspace's role count (r20r4), in one transaction.
    const created = inputs.at(-1) as { TransactItems: Array<{ Put?: Input; ConditionCheck?: Input }> };
    expect(created.TransactItems.find((i) => i.Put)?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(created.TransactItems.find((i) => i.ConditionCheck)?.ConditionCheck).toMatchObject({
      Key: { pk: 'WS#ws1', sk: 'MEMBER#u1' },
    });
  });

  it('accepts an invite in one transaction with a check that the inviter still has the role read', async () => {
    const { db, inputs } = recordingDb();
    const store = dynamoWorkspaces(db, 'core');
    const inviter = { ...member, userId: 'u1', role: 'admin' };
    expect(await store.acceptInvite('hash', member, inviter)).toBe('accepted');
    const items = inputs[0]?.TransactItems as Array<Record<string, Input>>;
    expect(items[2]?.ConditionCheck).toMatchObject({
      Key: { pk: 'WS#ws1', sk: 'MEMBER#u1' },
      ExpressionAttributeValues: { ':role': 'admin' },
    });
  });

  it('reads an inviter’s membership and profile (its password version too) in one strongly consistent call', async () => {
    const { db, inputs } = recordingDb(() => ({
      Responses: {
        core: [
          { pk: 'WS#ws1', sk: 'MEMBER#u1', ...member, userId: 'u1', role: 'admin' },
          { pk: 'USER#u1', sk: 'PROFILE', grantsValidFrom: '2026-01-01T00:00:00.000Z', passwordVersion: 2 },
        ],
      },
    }));
    const standing = await dynamoWorkspaces(db, 'core').standingOf('ws1', 'u1');
    expect(standing).toEqual({
      membership: { ...member, userId: 'u1', role: 'admin' },
      grantsValidFrom: '2026-01-01T00:00:00.000Z',
      passwordVersion: 2,
    });
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ RequestItems: { core: { ConsistentRead: true } } });
  });
});

describe('dynamoCampaignWebhookTokens', () => {
  const hook = { pk: 'CAMPAIGNHOOK#h', sk: 'HOOK', workspaceId: 'ws1', campaignId: 'c1' };
  const pointer = { pk: 'WS#ws1', sk: 'CAMPAIGNHOOK#c1', tokenHash: 'h' };
  // Joined before the mints below: a token minted in an earlier membership is refused.
  const membership = { pk: 'WS#ws1', sk: 'MEMBER#u1', ...member, userId: 'u1', joinedAt: '2026-01-01T00:00:00.000Z' };
  const profile = { pk: 'USER#u1', sk: 'PROFILE' };
  const tokens = (items: Input[], hookItem: Input) =>
    recordingDb((input) => (input.RequestItems ? { Responses: { core: items } } : { Item: hookItem }));

  it('records who minted a token on its pointer and its hook item', async () => {
    const { db, inputs } = recordingDb(() => ({}));
    await dynamoCampaignWebhookTokens(db, 'core').rotate('ws1', 'c1', 'h', '2026-01-01T00:00:00.000Z', 'u1');
    const items = inputs[1]?.TransactItems as Array<Record<string, Input>>;
    for (const put of items.map((i) => i.Put)) {
      expect(put?.Item).toMatchObject({ mintedBy: 'u1', mintedAt: '2026-01-01T00:00:00.000Z' });
    }
  });

  it('finds a token while its minter is a member who has not reset since, in two calls', async () => {
    const minted = { ...hook, mintedBy: 'u1', mintedAt: '2026-01-02T00:00:00.000Z' };
    const live = tokens([{ ...pointer, mintedBy: 'u1' }, membership, profile], minted);
    expect(await dynamoCampaignWebhookTokens(live.db, 'core').find('h')).toEqual({
      workspaceId: 'ws1',
      campaignId: 'c1',
    });
    expect(live.inputs).toHaveLength(2);

    const left = tokens([{ ...pointer, mintedBy: 'u1' }, profile], minted);
    expect(await dynamoCampaignWebhookTokens(left.db, 'core').find('h')).toBeUndefined();

    const reset = { ...profile, grantsValidFrom: '2026-01-03T00:00:00.000Z' };
    const afterReset = tokens([{ ...pointer, mintedBy: 'u1' }, membership, reset], minted);
    expect(await dynamoCampaignWebhookTokens(afterReset.db, 'core').find('h')).toBeUndefined();
  });

  it('keeps a token minted before minters were recorded working until it is rotated', async () => {
    const legacy = tokens([pointer], hook);
    expect(await dynamoCampaignWebhookTokens(legacy.db, 'core').find('h')).toEqual({
      workspaceId: 'ws1',
      campaignId: 'c1',
    });
  });
});
