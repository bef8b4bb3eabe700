/**
 * The toolkit's writes: the one condition-failure detector (single writes and transactions)
 * and batches that send unprocessed items again until DynamoDB takes them, or fail.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGet, batchPut } from '../../../shared/adapters/dynamo/batch';
import { conditionally, isConditionFailure, isTransactionConflict } from '../../../shared/adapters/dynamo/conditions';
import { TRANSACTION_CONFLICT_ATTEMPTS, transactWrite } from '../../../shared/adapters/dynamo/transact';
import { RetryExhaustedError } from '../../../shared/resilience/errors';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('isConditionFailure', () => {
  it('recognises a conditional write that failed', () => {
    expect(isConditionFailure(conditionFailed())).toBe(true);
  });

  it("recognises a transaction cancelled by an item's condition, at that item when asked", () => {
    const error = cancelled('None', 'ConditionalCheckFailed');
    expect(isConditionFailure(error)).toBe(true);
    expect(isConditionFailure(error, 1)).toBe(true);
    expect(isConditionFailure(error, 0)).toBe(false);
  });

  it('does not take a conflict, a throttle or any other error for a failed condition', () => {
    expect(isConditionFailure(cancelled('None', 'TransactionConflict'))).toBe(false);
    expect(isConditionFailure(cancelled('ThrottlingError'))).toBe(false);
    expect(isConditionFailure(new Error('ConditionalCheckFailed'))).toBe(false);
    expect(isConditionFailure(conditionFailed(), 0)).toBe(false);
    expect(isTransactionConflict(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransactionConflict(cancelled('ConditionalCheckFailed'))).toBe(false);
  });
});

describe('conditionally', () => {
  it('is true when written, false when the condition failed, and throws anything else', async () => {
    expect(await conditionally(Promise.resolve({}))).toBe(true);
    expect(await conditionally(Promise.reject(conditionFailed()))).toBe(false);
    expect(await conditionally(Promise.reject(cancelled('ConditionalCheckFailed', 'None')), 0)).toBe(false);
    await expect(conditionally(Promise.reject(cancelled('None', 'ConditionalCheckFailed')), 0)).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    await expect(conditionally(Promise.reject(new Error('network')))).rejects.toThrow('network');
  });
});

/** A client that leaves the last item of every call unprocessed `stubborn` times. */
function throttling(stubborn: number) {
  const calls: number[] = [];
  let left = stubborn;
  const db = {
    send: async (command: BatchGetCommand | BatchWriteCommand) => {
      const input = command.input as { RequestItems: Record<string, unknown> };
      const request = input.RequestItems.t as { Keys?: unknown[] } | unknown[];
      const items = Array.isArray(request) ? request : (request.Keys ?? []);
      calls.push(items.length);
      const keep = left-- > 0 ? items.slice(-1) : [];
      const done = items.slice(0, items.length - keep.length);
      return Array.isArray(request)
        ? { UnprocessedItems: keep.length ? { t: keep } : {} }
        : { Responses: { t: done }, UnprocessedKeys: keep.length ? { t: { Keys: keep } } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, calls };
}

describe('batchGet and batchPut', () => {
  const keys = Array.from({ length: 230 }, (_, i) => ({ pk: 'P', sk: String(i) }));

  it('reads in chunks of 100 and sends the unprocessed keys again', async () => {
    const { db, calls } = throttling(2);
    const items = await batchGet(db, 't', keys);
    expect(items).toHaveLength(230);
    expect(new Set(items.map((i) => i.sk)).size).toBe(230);
    expect(calls.filter((n) => n === 1)).toHaveLength(2);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(232);
  });

  it('writes in chunks of 25 and sends the unprocessed items again', async () => {
    const { db, calls } = throttling(1);
    await batchPut(db, 't', keys.slice(0, 60));
    expect(calls.slice(0, 3).sort()).toEqual([10, 25, 25]);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(61);
  });

  it('fails, instead of answering part, when items stay unprocessed', async () => {
    const { db } = throttling(Number.POSITIVE_INFINITY);
    await expect(batchGet(db, 't', keys.slice(0, 3))).rejects.toBeInstanceOf(RetryExhaustedError);
  }, 20_000);

  it('sends nothing for nothing', async () => {
    const { db, calls } = throttling(0);
    expect(await batchGet(db, 't', [])).toEqual([]);
    await batchPut(db, 't', []);
    expect(calls).toEqual([]);
  });
});

describe('transactWrite', () => {
  const client = (answers: Array<Error | undefined>) => {
    let calls = 0;
    const db = {
      send: async () => {
        const answer = answers[calls];
        calls += 1;
        if (answer) throw answer;
        return {};
      },
    } as unknown as DynamoDBDocumentClient;
    return { db, calls: () => calls };
  };
  const noWait = async () => undefined;

  it('tries again when another transaction on the same item cancelled it, then succeeds', async () => {
    const { db, calls } = client([
      cancelled('None', 'TransactionConflict'),
      cancelled('TransactionConflict'),
      undefined,
    ]);
    await transactWrite(db, [], noWait);
    expect(calls()).toBe(3);
  });

  it('gives up after its attempts, and never retries a failed condition', async () => {
    const conflicts = client(Array.from({ length: 10 }, () => cancelled('TransactionConflict')));
    await expect(transactWrite(conflicts.db, [], noWait)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(conflicts.calls()).toBe(TRANSACTION_CONFLICT_ATTEMPTS);
    const condition = client([cancelled('ConditionalCheckFailed', 'TransactionConflict'), undefined]);
    await expect(transactWrite(condition.db, [], noWait)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(condition.calls()).toBe(1);
  });
});
