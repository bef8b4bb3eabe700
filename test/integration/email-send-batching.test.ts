/**
 * What keeps the send pipeline's DynamoDB calls per email low when the records of an SQS batch
 * run at once (measured by test/bench/email-send.bench.ts), against the real DynamoDB emulator:
 * - the pacer coalesces concurrent takes of one instance into one compare-and-set, still never
 *   granting more than the bucket holds;
 * - suppression lookups running at the same time share BatchGetItem calls and still see a
 *   suppression written a moment before;
 * - the local event source runs up to `concurrency` batches at once (the queue's maxConcurrency).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import type { FunctionHost } from '../../lib/local/function-host';
import { startSqsPoller } from '../../lib/local/sqs-poller';
import { dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';

const PREFIX = 'batching-';
const CORE = `${PREFIX}core`;
const EPHEMERAL = `${PREFIX}ephemeral`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
const calls: Record<string, number> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'email-batching-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName).replace(/Command$/, '');
      calls[op] = (calls[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'callCounter' },
  );
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const counting = async <T>(fn: () => Promise<T>) => {
  const before = { ...calls };
  const value = await fn();
  const delta = Object.fromEntries(Object.entries(calls).map(([op, n]) => [op, n - (before[op] ?? 0)]));
  return { value, delta };
};
const policy = (rate: number, burst: number) => () =>
  Promise.resolve({ bucket: { ratePerSecond: rate, burst }, dailyRemaining: Infinity });

describe('pacer: concurrent takes of one instance', () => {
  it('grants 10 concurrent takes with one compare-and-set when the bucket holds them', async () => {
    // Prepare
    const pacer = dynamoSendPacer(db, EPHEMERAL, policy(1000, 1000), `t-${randomUUID().slice(0, 6)}`);
    const now = Date.now();
    // Act
    const { value, delta } = await counting(() => Promise.all(Array.from({ length: 10 }, () => pacer.take(now))));
    // Assess
    expect(value.every((r) => r.granted)).toBe(true);
    expect(delta.PutItem).toBe(1);
    expect(delta.GetItem).toBe(1);
  });

  it('grants no more than the bucket holds; the rest are told when their turn comes, one token apart', async () => {
    const pacer = dynamoSendPacer(db, EPHEMERAL, policy(5, 5), `t-${randomUUID().slice(0, 6)}`);
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => pacer.take(now)));
    expect(results.filter((r) => r.granted)).toHaveLength(5);
    const refused = results.filter((r) => !r.granted);
    expect(refused).toHaveLength(15);
    // One token refills in 200 ms at 5/s: the first in line waits up to 200 ms, the 15th up to 3 s.
    const waits = refused.map((r) => r.waitMs);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(200);
    for (let i = 1; i < waits.length; i++) {
      expect((waits[i] as number) - (waits[i - 1] as number)).toBeGreaterThanOrEqual(199);
      expect((waits[i] as number) - (waits[i - 1] as number)).toBeLessThanOrEqual(201);
    }
  });
});

describe('suppressions: concurrent lookups', () => {
  it('share BatchGetItem calls and see a suppression written just before', async () => {
    // Prepare
    const store = dynamoSuppressions(db, CORE);
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const addresses = Array.from({ length: 10 }, (_, i) => `reader-${i}@example.com`);
    await store.suppress(workspaceId, 'reader-3@example.com', 'unsubscribe', Date.now());
    await store.suppress('global', 'reader-7@example.com', 'hard-bounce', Date.now());
    // Act
    const { value, delta } = await counting(() =>
      Promise.all(addresses.map((to) => store.reasonsFor(workspaceId, to))),
    );
    // Assess: 20 keys (workspace + global for each) in a couple of calls, not 20 GetItems.
    expect(value[3]).toEqual(['unsubscribe']);
    expect(value[7]).toEqual(['hard-bounce']);
    expect(value.filter((r) => r.length === 0)).toHaveLength(8);
    expect(delta.GetItem ?? 0).toBe(0);
    expect(delta.BatchGetItem).toBeLessThanOrEqual(2);
  });

  it('answers a lone lookup at once', async () => {
    const store = dynamoSuppressions(db, CORE);
    expect(await store.reasonsFor(`ws-${randomUUID().slice(0, 8)}`, 'nobody@example.com')).toEqual([]);
  });
});

describe('local event source', () => {
  it('runs up to `concurrency` batches at once', async () => {
    // Prepare: 30 messages; each invocation holds its batch for 300 ms.
    const sqs = new SQSClient(localClientConfig(emulators.sqs.endpoint));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `batching-${randomUUID().slice(0, 8)}` }));
    for (let b = 0; b < 3; b++) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `{"n":${b * 10 + i}}` })),
        }),
      );
    }
    let inFlight = 0;
    let peak = 0;
    let delivered = 0;
    const functions = {
      async invoke(_name: string, event: { Records: unknown[] }) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 300));
        inFlight -= 1;
        delivered += event.Records.length;
        return { batchItemFailures: [] };
      },
    } as unknown as FunctionHost;
    // Act
    const poller = startSqsPoller({
      client: sqs,
      queueUrl: QueueUrl as string,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:batching',
      consumer: 'email-sender',
      batchSize: 10,
      concurrency: 3,
      functions,
      log: () => {},
      waitSeconds: 1,
    });
    const deadline = Date.now() + 10_000;
    while (delivered < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await poller.stop();
    sqs.destroy();
    // Assess
    expect(delivered).toBe(30);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(3);
  });
});
