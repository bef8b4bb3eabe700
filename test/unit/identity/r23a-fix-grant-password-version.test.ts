// Review round 23 (fixer a): grants are tied to their grantor's password version, not to a clock.
/**
 * The rule (shared/identity/grant-standing.ts) and the writes that carry it: an invite and a webhook
 * token record the grantor's password version and are written in one transaction with a
 * ConditionCheck that the grantor's profile still has it (as API keys are). The behaviour on the
 * emulator: test/integration/r23a-fix-grants-tied-to-password.test.ts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignWebhookTokens } from '../../../shared/adapters/dynamo-campaign-triggers';
import { dynamoWorkspaces } from '../../../shared/adapters/dynamo-workspaces';
import { grantStands } from '../../../shared/identity/grant-standing';
import type { Invite } from '../../../shared/workspaces/ports';

type Input = Record<string, unknown>;

function recordingDb() {
  const inputs: Input[] = [];
  const db = {
    send: async (command: { input: Input }) => {
      inputs.push(command.input);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, inputs };
}

const membership = { joinedAt: '2026-01-01T00:00:00.000Z' };
const AFTER_RESET = '2026-01-03T00:00:00.000Z';

describe('grantStands', () => {
  it('judges a versioned grant by its version alone: no clock is compared', () => {
    const grantor = { membership, grantsValidFrom: '2026-01-02T00:00:00.000Z', passwordVersion: 1 };
    // Made under the current password, by an instance whose clock was behind the reset's stamp.
    expect(grantStands({ grantedAt: '2026-01-01T12:00:00.000Z', passwordVersion: 1 }, grantor)).toBe(true);
    // Made under the old password, timed after the stamp (another instance's clock).
    expect(grantStands({ grantedAt: AFTER_RESET, passwordVersion: 0 }, grantor)).toBe(false);
    // No version on the profile is version 0.
    expect(grantStands({ grantedAt: AFTER_RESET, passwordVersion: 0 }, { membership })).toBe(true);
  });

  it('keeps the reset stamp for grants from before versions, and the membership rule for all', () => {
    const grantor = { membership, grantsValidFrom: '2026-01-02T00:00:00.000Z', passwordVersion: 1 };
    expect(grantStands({ grantedAt: '2026-01-02T00:00:00.000Z' }, grantor)).toBe(false);
    expect(grantStands({ grantedAt: AFTER_RESET }, grantor)).toBe(true);
    expect(grantStands({ grantedAt: '2025-12-31T00:00:00.000Z', passwordVersion: 1 }, grantor)).toBe(false);
    expect(grantStands({ grantedAt: AFTER_RESET, passwordVersion: 1 }, {})).toBe(false);
  });
});

const profileCheck = (version: number) => ({
  ConditionCheck: {
    Key: { pk: 'USER#u1', sk: 'PROFILE' },
    ExpressionAttributeValues: { ':v': version },
  },
});

describe('the writes of a grant check the grantor’s password version', () => {
  const invite: Invite = {
    inviteId: 'i1',
    workspaceId: 'ws1',
    organizationId: 'o1',
    email: 'a@example.com',
    role: 'member',
    invitedBy: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-08T00:00:00.000Z',
    status: 'pending',
  };

  it('saves an invite with its version in one transaction with the check; one without, as before', async () => {
    const { db, inputs } = recordingDb();
    const store = dynamoWorkspaces(db, 'core');
    await store.saveInvite({ ...invite, passwordVersion: 3 }, 'hash');
    const items = inputs[0]?.TransactItems as Input[];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ Put: { Item: { passwordVersion: 3, invitedBy: 'u1' } } });
    expect(items[1]).toMatchObject(profileCheck(3));

    await store.saveInvite(invite, 'hash2');
    expect(inputs[1]).toMatchObject({ Item: { inviteId: 'i1' }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(inputs[1]?.TransactItems).toBeUndefined();
  });

  it('checks the inviter’s version again in the accept’s transaction', async () => {
    const { db, inputs } = recordingDb();
    const joining = { workspaceId: 'ws1', organizationId: 'o1', userId: 'u2', role: 'member', joinedAt: 't' };
    const inviter = { ...joining, userId: 'u1', role: 'admin' };
    await dynamoWorkspaces(db, 'core').acceptInvite('hash', joining, inviter, undefined, 2);
    const items = inputs[0]?.TransactItems as Input[];
    expect(items[3]).toMatchObject(profileCheck(2));
  });

  it('rotates a webhook token with its version recorded and the check first', async () => {
    const { db, inputs } = recordingDb();
    await dynamoCampaignWebhookTokens(db, 'core').rotate('ws1', 'c1', 'h', '2026-01-01T00:00:00.000Z', 'u1', 4);
    const items = inputs[1]?.TransactItems as Input[];
    expect(items[0]).toMatchObject(profileCheck(4));
    for (const put of items.slice(1).map((i) => i.Put as Input)) {
      expect(put.Item).toMatchObject({ mintedBy: 'u1', passwordVersion: 4 });
    }
  });
});
