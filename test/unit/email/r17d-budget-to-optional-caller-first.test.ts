/**
 * Defect (LOW): since 77f79b5, a pacer round hands the last units of SES's daily budget to the
 * first callers of the round in arrival order, whether or not they could send without SES. A
 * caller whose chain has another provider (`budgetOptional`) takes the last unit (and sends
 * through SES), and a caller of a chain of SES alone, coming after it in the same round, is told
 * to wait 5 minutes (EXHAUSTED_WAIT_MS), though both could have been served at once (the optional
 * one with a token of the rate alone, skipping SES). Reachable in one Lambda batch: each record
 * builds its chain (functions/email-sender.ts currentChain), and a record whose Resend/SMTP secret
 * read failed has a chain of SES alone.
 * Root cause: shared/adapters/dynamo-send-pacer.ts takeMany (the `plan`: budget units are given
 * in order, before looking at which callers need them).
 * Correct: the budget's units go first to the callers that cannot send without SES; an optional
 * caller takes a unit only when one is left over, else a token of the rate (`budgetSpent`).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoSendPacer } from '../../../shared/adapters/dynamo-send-pacer';

function fakeTable() {
  let item: Record<string, unknown> | undefined;
  return {
    async send(command: unknown) {
      if (command instanceof GetCommand) return { Item: item ? { ...item } : undefined };
      if (command instanceof PutCommand) {
        const expected = command.input.ExpressionAttributeValues?.[':v'];
        if (item ? item.version !== expected : false) {
          throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
        }
        item = { ...(command.input.Item as Record<string, unknown>) };
        return {};
      }
      throw new Error('unexpected command');
    },
  };
}

describe('the last unit of the daily budget in a mixed round', () => {
  it('goes to the caller that needs SES; the one with a backup gets a token of the rate', async () => {
    const policy = { bucket: { ratePerSecond: 10, burst: 10 }, dailyRemaining: 1, quotaReadAtMs: 1 };
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    const pacer = dynamoSendPacer(fakeTable() as any, 'ephemeral', async () => policy);
    // One round (same tick): a record whose chain has Resend, then one whose chain is SES alone.
    const [withBackup, sesOnly] = await Promise.all([pacer.take(1000, { budgetOptional: true }), pacer.take(1000)]);
    expect(sesOnly).toMatchObject({ granted: true });
    expect(withBackup).toMatchObject({ granted: true, budgetSpent: true });
  });
});
