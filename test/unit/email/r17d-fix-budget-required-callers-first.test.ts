// Review round 17 (re-review): this test failed at 2d592ec.
// The last units of SES's daily budget went to a round's callers in arrival order, so a caller with
// a backup provider could take the unit a caller of SES alone needed (that one then waited 5 min).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoSendPacer } from '../../../shared/adapters/dynamo-send-pacer';

function fakeTable() {
  let item: Record<string, unknown> | undefined;
  return {
    item: () => item,
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

function pacerWith(burst: number, dailyRemaining: number) {
  const table = fakeTable();
  const policy = { bucket: { ratePerSecond: burst, burst }, dailyRemaining, quotaReadAtMs: 1 };
  // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
  return { table, pacer: dynamoSendPacer(table as any, 'ephemeral', async () => policy) };
}

describe('the daily budget in a round of mixed callers', () => {
  it('serves the SES-only callers first, then optional ones with the units left, then the rate alone', async () => {
    const { table, pacer } = pacerWith(10, 3);
    const grants = await Promise.all(
      [true, true, false, true, false].map((budgetOptional) => pacer.take(1000, { budgetOptional })),
    );
    expect(grants).toEqual([
      { granted: true, waitMs: 0 }, // the unit left after the two callers of SES alone
      { granted: true, waitMs: 0, budgetSpent: true },
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 0, budgetSpent: true },
      { granted: true, waitMs: 0 },
    ]);
    expect(table.item()?.dailyRemaining).toBe(0);
  });

  it('with fewer tokens than callers, keeps the order of service and the unit of an SES-only caller left waiting', async () => {
    const { table, pacer } = pacerWith(2, 1);
    const grants = await Promise.all([true, true, false].map((budgetOptional) => pacer.take(1000, { budgetOptional })));
    // Two tokens, served in arrival order; the unit is kept for the SES-only caller, who comes back.
    expect(grants[0]).toEqual({ granted: true, waitMs: 0, budgetSpent: true });
    expect(grants[1]).toEqual({ granted: true, waitMs: 0, budgetSpent: true });
    expect(grants[2]).toMatchObject({ granted: false });
    expect(grants[2]?.waitMs).toBeLessThan(1000);
    expect(table.item()?.dailyRemaining).toBe(1);
    expect(await pacer.take(2000)).toEqual({ granted: true, waitMs: 0 });
  });

  it('a round of SES-only callers beyond the budget: the first are served, the rest wait for a newer read', async () => {
    const { pacer } = pacerWith(10, 1);
    const grants = await Promise.all([pacer.take(1000), pacer.take(1000)]);
    expect(grants[0]).toEqual({ granted: true, waitMs: 0 });
    expect(grants[1]).toEqual({ granted: false, waitMs: 5 * 60 * 1000 });
  });
});
