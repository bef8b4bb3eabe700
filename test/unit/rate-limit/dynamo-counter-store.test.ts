/**
 * The counter store's requests, against a stubbed client. The emulator test
 * (test/integration/rate-limit-counters.test.ts) covers the behaviour against the local emulator,
 * which returns the refusing item as DynamoDB does (lib/local/emulators/condition-failure-item.ts);
 * this pins the exact requests, and the read the store falls back on when a refusal carries no item
 * (bare dynalite, before that fix, never returned one).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCounterStore } from '../../../shared/adapters/dynamo-counter-store';
import type { CounterGroup } from '../../../shared/rate-limit/rate-limiter';

const GROUP: CounterGroup = {
  key: 'RL#ip:198.51.100.9#60#1700000040',
  expiresAt: 1_700_000_160,
  counters: [
    { name: 'all.7', limit: 100, previous: 'all.6' },
    { name: 'tier-public.0', limit: 20 },
  ],
};

function stubbed(answer: (command: unknown) => unknown) {
  const sent: unknown[] = [];
  const db = {
    send: async (command: unknown) => {
      sent.push(command);
      return answer(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { store: dynamoCounterStore(db, 'ephemeral'), sent };
}

const refusal = (item?: Record<string, { N: string }>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: item });

describe('dynamoCounterStore.countRequest', () => {
  it('is one conditional UpdateItem: ADD each counter, keep the expiry, REMOVE previous windows', async () => {
    const { store, sent } = stubbed(() => ({ Attributes: { 'all.7': 3, 'tier-public.0': 9, expiresAt: 1 } }));
    expect(await store.countRequest(GROUP)).toEqual({ admitted: true, counts: { 'all.7': 3, 'tier-public.0': 9 } });
    expect(sent).toHaveLength(1);
    expect((sent[0] as UpdateCommand).input).toEqual({
      TableName: 'ephemeral',
      Key: { pk: GROUP.key, sk: 'counter' },
      UpdateExpression: 'ADD #c0 :one, #c1 :one SET expiresAt = if_not_exists(expiresAt, :expires) REMOVE #p0',
      ConditionExpression: '(attribute_not_exists(#c0) OR #c0 < :l0) AND (attribute_not_exists(#c1) OR #c1 < :l1)',
      ExpressionAttributeNames: { '#c0': 'all.7', '#p0': 'all.6', '#c1': 'tier-public.0' },
      ExpressionAttributeValues: { ':one': 1, ':expires': 1_700_000_160, ':l0': 100, ':l1': 20 },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reads the refusing counts from the failed write when DynamoDB returns the item', async () => {
    const { store, sent } = stubbed(() => {
      throw refusal({ 'all.7': { N: '40' }, 'tier-public.0': { N: '20' } });
    });
    expect(await store.countRequest(GROUP)).toEqual({ admitted: false, counts: { 'all.7': 40, 'tier-public.0': 20 } });
    expect(sent).toHaveLength(1);
  });

  it('falls back to a consistent read when the refusal carries no item (dynalite)', async () => {
    const { store, sent } = stubbed((command) => {
      if (command instanceof GetCommand) return { Item: { 'tier-public.0': 20 } };
      throw refusal();
    });
    expect(await store.countRequest(GROUP)).toEqual({ admitted: false, counts: { 'tier-public.0': 20 } });
    expect(sent.map((c) => (c as object).constructor)).toEqual([UpdateCommand, GetCommand]);
    expect((sent[1] as GetCommand).input).toMatchObject({
      Key: { pk: GROUP.key, sk: 'counter' },
      ConsistentRead: true,
    });
  });

  it('passes other errors on', async () => {
    const { store } = stubbed(() => {
      throw new Error('ProvisionedThroughputExceeded');
    });
    await expect(store.countRequest(GROUP)).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});
