/**
 * Was failing (review 9, MEDIUM): with 5 sends left of the SES account's 24-hour quota, the pacer
 * kept granting at the full rate for up to 5 minutes (60 grants in 6 s): cachedQuotaPolicy cached
 * `dailyRemaining` for its TTL and takeMany capped each round by it without ever subtracting
 * what it granted.
 * Fixed: the remaining daily budget lives in the shared bucket item (`dailyRemaining`,
 * `quotaReadAtMs`): the newest quota read of any process sets it, and each grant subtracts from it
 * in the same compare-and-set that takes the tokens.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { cachedQuotaPolicy, dynamoSendPacer } from '../../../shared/adapters/dynamo-send-pacer';

/** A one-item table honouring the pacer's compare-and-set. */
function fakeTable() {
  let item: Record<string, unknown> | undefined;
  return {
    async send(command: unknown) {
      if (command instanceof GetCommand) return { Item: item ? { ...item } : undefined };
      if (command instanceof PutCommand) {
        const next = command.input.Item as Record<string, unknown>;
        const expected = command.input.ExpressionAttributeValues?.[':v'];
        if (item ? item.version !== expected : false) {
          throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
        }
        item = { ...next };
        return {};
      }
      throw new Error('unexpected command');
    },
  };
}

describe('the daily sending budget', () => {
  it('caps the grants at what is left of the 24-hour quota', async () => {
    let clock = Date.parse('2026-12-04T23:50:00Z');
    const policy = cachedQuotaPolicy(async () => ({ maxSendRate: 12.5, max24HourSend: 1000, sentLast24Hours: 995 }), {
      now: () => clock,
    });
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    const pacer = dynamoSendPacer(fakeTable() as any, 'ephemeral', policy);
    let granted = 0;
    for (let step = 0; step < 60; step++) {
      if ((await pacer.take(clock)).granted) granted++;
      clock += 100; // 10 takes a second for 6 seconds, within the policy's 5-minute cache
    }
    expect(granted).toBeLessThanOrEqual(5);
  });
});

describe('the shared daily budget', () => {
  const bucket = { ratePerSecond: 100, burst: 100 };

  it('is shared by every process: what one grants, the others cannot', async () => {
    const table = fakeTable();
    const read = { bucket, dailyRemaining: 3, quotaReadAtMs: 1 };
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    const a = dynamoSendPacer(table as any, 'ephemeral', async () => read);
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    const b = dynamoSendPacer(table as any, 'ephemeral', async () => read);
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await a.take(1000 + i)).granted, (await b.take(1000 + i)).granted);
    expect(results.filter(Boolean)).toHaveLength(3);
  });

  it('is set again by a newer quota read, never raised by an older one', async () => {
    const table = fakeTable();
    let policy = { bucket, dailyRemaining: 1, quotaReadAtMs: 10 };
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    const pacer = dynamoSendPacer(table as any, 'ephemeral', async () => policy);
    expect((await pacer.take(1000)).granted).toBe(true);
    expect((await pacer.take(1001)).granted).toBe(false);
    policy = { bucket, dailyRemaining: 50, quotaReadAtMs: 5 }; // a process's older cached read
    expect((await pacer.take(1002)).granted).toBe(false);
    policy = { bucket, dailyRemaining: 2, quotaReadAtMs: 20 }; // the window rolled on: a newer read
    expect((await pacer.take(1003)).granted).toBe(true);
    expect((await pacer.take(1004)).granted).toBe(true);
    expect((await pacer.take(1005)).granted).toBe(false);
  });

  it('is unlimited again when a newer read says so', async () => {
    const table = fakeTable();
    let policy = { bucket, dailyRemaining: 0, quotaReadAtMs: 10 };
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    const pacer = dynamoSendPacer(table as any, 'ephemeral', async () => policy);
    expect((await pacer.take(1000)).granted).toBe(false);
    policy = { bucket, dailyRemaining: Number.POSITIVE_INFINITY, quotaReadAtMs: 20 };
    for (let i = 0; i < 5; i++) expect((await pacer.take(1001 + i)).granted).toBe(true);
  });
});
