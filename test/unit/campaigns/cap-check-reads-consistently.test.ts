/**
 * Review round 12: this test failed at eab1d13 (the send-log Query had no ConsistentRead).
 *
 * Review 12 (campaign engine): the frequency cap's check under the contact's cap lock must see the
 * send the previous lock holder logged.
 *
 * SEVERITY: LOW-MEDIUM (cap passed by one under concurrency: "two capped campaigns' steps for one
 * contact take turns instead of both finding room for one more mail", docs/CAMPAIGNS.md Rules).
 * AT FAULT: shared/adapters/dynamo-marketing-send-log.ts `dynamoMarketingSendLog().since`: a
 * Query without `ConsistentRead`. Step A (campaign 1) logs its send and lets the lock go; step B
 * (campaign 2) takes the lock a moment later and reads the log eventually consistently, which may
 * not show A's entry yet: both mails go, one over the cap. The lock buys nothing without a
 * strongly consistent read behind it (the enrolment, contact and suppression reads all are).
 * FIX: `ConsistentRead: true` on the `since` Query (the partition is the contact's: one read).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoMarketingSendLog } from '../../../shared/adapters/dynamo-marketing-send-log';

describe('review12: the cap check under the lock', () => {
  it('reads the contact’s marketing-send log strongly consistently', async () => {
    const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
    const db = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return { Items: [{ sk: 'MKTSEND#x', atMs: 1 }] };
      },
    } as unknown as DynamoDBDocumentClient;
    const log = dynamoMarketingSendLog(db, 'core');
    expect(await log.since('ws', 'c1', 0)).toEqual([1]);
    const queries = sent.filter((c) => c.name === 'QueryCommand');
    expect(queries).toHaveLength(1);
    // Fails today: the Query carries no ConsistentRead.
    expect(queries[0]?.input).toMatchObject({ ConsistentRead: true });
  });
});
