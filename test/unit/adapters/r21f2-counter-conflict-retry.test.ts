// The retry schedules of a transaction cancelled by a conflict (shared/adapters/dynamo/transact.ts):
// the default one, and the more patient one of a transaction that moves a shared counter, whose
// every create and delete of a workspace's roles, settings or API keys meets the others.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  CONFLICT_RETRY,
  COUNTER_CONFLICT_RETRY,
  type ConflictRetry,
  transactWrite,
} from '../../../shared/adapters/dynamo/transact';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client answering `answers` in turn (an error thrown, undefined a success). */
function client(answers: Array<Error | undefined>) {
  let calls = 0;
  const db = {
    send: async () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls += 1;
      if (answer) throw answer;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, calls: () => calls };
}

/** Runs a transaction that always conflicts under `retry`; the waits it took. */
async function waitsOf(retry: ConflictRetry): Promise<{ waits: number[]; calls: number }> {
  const { db, calls } = client([cancelled('TransactionConflict', 'None')]);
  const waits: number[] = [];
  await expect(transactWrite(db, [], async (ms) => void waits.push(ms), retry)).rejects.toBeInstanceOf(
    TransactionCanceledException,
  );
  return { waits, calls: calls() };
}

describe('r21f2: a transaction cancelled by a conflict is tried again on a schedule', () => {
  it('by default: five attempts, waits below 40, 80, 160 and 320 ms (as before)', async () => {
    const { waits, calls } = await waitsOf(CONFLICT_RETRY);
    expect(calls).toBe(5);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(40 * 2 ** i);
    });
  });

  it('on a shared counter: ten attempts, waits below 50 ms doubling up to 500, 3.25 s in all', async () => {
    const { waits, calls } = await waitsOf(COUNTER_CONFLICT_RETRY);
    expect(calls).toBe(10);
    expect(waits).toHaveLength(9);
    for (const [i, ms] of waits.entries()) expect(ms).toBeLessThan(Math.min(500, 50 * 2 ** i));
    const worst = Array.from({ length: 9 }, (_, i) => Math.min(500, 50 * 2 ** i)).reduce((a, b) => a + b);
    expect(worst).toBe(3_250);
  });

  it('never tries again a transaction whose condition failed, conflict or not', async () => {
    const { db, calls } = client([cancelled('ConditionalCheckFailed', 'TransactionConflict'), undefined]);
    await expect(transactWrite(db, [], async () => {}, COUNTER_CONFLICT_RETRY)).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect(calls()).toBe(1);
  });

  it('lands once the conflict is gone', async () => {
    const { db, calls } = client([
      cancelled('None', 'TransactionConflict'),
      cancelled('TransactionConflict'),
      undefined,
    ]);
    await transactWrite(db, [], async () => {}, COUNTER_CONFLICT_RETRY);
    expect(calls()).toBe(3);
  });
});
