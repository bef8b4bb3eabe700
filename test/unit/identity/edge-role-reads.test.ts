/**
 * Review round 13: this test failed at f87176e (the edge's MembershipLookup read the caller's
 * custom role and membership eventually consistently: no ConsistentRead on either GetItem).
 * Fixed at the root: shared/adapters/dynamo-memberships.ts reads both strongly consistent, as
 * everything the edge authenticates with is.
 *
 * Severity: MEDIUM.
 * Fault: shared/adapters/dynamo-memberships.ts:dynamoMemberships (customRole, find): the edge's
 * MembershipLookup reads the caller's custom role (every request of a custom-role member, session
 * or API key) and, when the request names no workspace, the membership with an eventually
 * consistent GetItem. Everything else the edge reads (session, profile, key, the prefetched
 * membership) is strongly consistent for exactly this reason: right after an owner narrows a
 * custom role (PUT /roles/{name}), its holders' next requests may still be judged on the old
 * permissions ("a role change takes effect on the next request" does not hold on DynamoDB).
 * Fix: pass `{ consistent: true }` to both getItem calls in dynamoMemberships.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoMemberships } from '../../../shared/adapters/dynamo-memberships';

function recordingDb() {
  const inputs: Array<Record<string, unknown>> = [];
  const db = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      return {
        Item: {
          workspaceId: 'ws1',
          organizationId: 'org1',
          userId: 'u1',
          role: 'editor',
          joinedAt: '2026-01-01T00:00:00.000Z',
          name: 'editor',
          permissions: ['contacts:read'],
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, inputs };
}

describe('the edge reads roles and memberships strongly consistent', () => {
  it('customRole is a consistent read (a narrowed role holds on the next request)', async () => {
    const { db, inputs } = recordingDb();
    await dynamoMemberships(db, 'core').customRole('ws1', 'editor');
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.ConsistentRead).toBe(true);
  });

  it('find is a consistent read (a removal holds on the next request)', async () => {
    const { db, inputs } = recordingDb();
    await dynamoMemberships(db, 'core').find('ws1', 'u1');
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.ConsistentRead).toBe(true);
  });
});
