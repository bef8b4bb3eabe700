import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueueDeclaration, type QueueName, queues, tables } from '../../lib/definition';
import {
  type Emulators,
  ensureQueues,
  ensureTables,
  localClientConfig,
  startEmulators,
  startTtlSweeper,
} from '../../lib/local/emulators';
import { levelIteratorPrototype } from '../../lib/local/emulators/level-iterators';
import { isItemTooLarge, MAX_ITEM_BYTES } from '../../shared/adapters/dynamo/item-size';

const PREFIX = 'test-';
const CORE = `${PREFIX}core`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let sqs: SQSClient;
let ses: SESv2Client;

async function connect(): Promise<void> {
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  ddb = DynamoDBDocumentClient.from(raw);
  sqs = new SQSClient(localClientConfig(emulators.sqs.endpoint));
  ses = new SESv2Client(localClientConfig(emulators.ses.endpoint));
}

function disconnect(): void {
  for (const client of [raw, sqs, ses]) client?.destroy();
}

const item = (pk: string, extra: Record<string, unknown> = {}) => ({ pk, sk: 'item', ...extra });
const getItem = async (pk: string) =>
  (await ddb.send(new GetCommand({ TableName: CORE, Key: { pk, sk: 'item' } }))).Item;

/** Runs `send` expecting a rejection; returns the error. */
async function rejection(send: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await send();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'emulators-'));
  const started = Date.now();
  await connect();
  expect(Date.now() - started).toBeLessThan(3000);
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  disconnect();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('DynamoDB', () => {
  it('creates the declared tables idempotently', async () => {
    await ensureTables(raw, tables, PREFIX);
    const { TableNames } = await raw.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(expect.arrayContaining(tables.map((t) => `${PREFIX}${t.name}`)));
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: CORE }));
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
  });

  it('lets go of the LevelDB iterator of every Query and Scan, paged or read to the end', async () => {
    // Iterators that were read and not yet closed, tracked on the prototype dynalite's all share.
    const prototype = levelIteratorPrototype() as unknown as Record<string, (...args: unknown[]) => unknown>;
    const { next, close } = prototype as { next: (...a: unknown[]) => unknown; close: (...a: unknown[]) => unknown };
    const open = new Set<unknown>();
    prototype.next = function (this: unknown, ...args: unknown[]) {
      open.add(this);
      return next.apply(this, args);
    };
    prototype.close = function (this: unknown, ...args: unknown[]) {
      open.delete(this);
      return close.apply(this, args);
    };
    try {
      for (let i = 0; i < 5; i += 1) {
        await ddb.send(new PutCommand({ TableName: CORE, Item: { pk: 'iterators', sk: `item-${i}` } }));
      }
      const query = (limit?: number) =>
        ddb.send(
          new QueryCommand({
            TableName: CORE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'iterators' },
            ...(limit ? { Limit: limit } : {}),
          }),
        );
      for (let round = 0; round < 20; round += 1) {
        // A page that stops early (Limit), a query read to its end, a scan's first page.
        const [page, all] = await Promise.all([
          query(2),
          query(),
          ddb.send(new ScanCommand({ TableName: CORE, Limit: 3 })),
        ]);
        expect(page.Items).toHaveLength(2);
        expect(all.Items).toHaveLength(5);
      }
      // Closing finishes a moment after the answer.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(open.size).toBe(0);
    } finally {
      prototype.next = next;
      prototype.close = close;
    }
  });

  it('puts and gets an item', async () => {
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('put-get', { name: 'Ada' }) }));
    expect(await getItem('put-get')).toEqual(item('put-get', { name: 'Ada' }));
  });

  it('commits a TransactWriteItems and reads it back with TransactGetItems', async () => {
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('tx-counter', { n: 1 }) }));
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: CORE, Item: item('tx-a'), ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: CORE,
              Key: { pk: 'tx-counter', sk: 'item' },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          {
            ConditionCheck: {
              TableName: CORE,
              Key: { pk: 'put-get', sk: 'item' },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
    const { Responses } = await ddb.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: CORE, Key: { pk: 'tx-a', sk: 'item' } } },
          { Get: { TableName: CORE, Key: { pk: 'tx-counter', sk: 'item' } } },
          { Get: { TableName: CORE, Key: { pk: 'absent', sk: 'item' } } },
        ],
      }),
    );
    expect(Responses?.map((r) => r.Item)).toEqual([item('tx-a'), item('tx-counter', { n: 2 }), undefined]);
  });

  it('cancels a transaction without changing anything and reports the reasons', async () => {
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('tx-keep', { v: 'old' }) }));
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('tx-guard', { state: 'closed' }) }));
    const error = await rejection(() =>
      ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: CORE, Item: item('tx-new') } },
            { Delete: { TableName: CORE, Key: { pk: 'tx-keep', sk: 'item' } } },
            {
              Update: {
                TableName: CORE,
                Key: { pk: 'tx-guard', sk: 'item' },
                UpdateExpression: 'SET #s = :open',
                ConditionExpression: '#s = :open',
                ExpressionAttributeNames: { '#s': 'state' },
                ExpressionAttributeValues: { ':open': 'open' },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      ),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]',
    );
    const reasons = (error as unknown as TransactionCanceledException).CancellationReasons;
    expect(reasons?.map((r) => r.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
    expect(reasons?.[2]?.Message).toBe('The conditional request failed');
    expect(reasons?.[2]?.Item).toEqual({ pk: { S: 'tx-guard' }, sk: { S: 'item' }, state: { S: 'closed' } });
    expect(await getItem('tx-new')).toBeUndefined();
    expect(await getItem('tx-keep')).toEqual(item('tx-keep', { v: 'old' }));
    expect(await getItem('tx-guard')).toEqual(item('tx-guard', { state: 'closed' }));
  });

  it('rejects duplicate items and more than 100 actions with ValidationException', async () => {
    const put = (pk: string) => ({ Put: { TableName: CORE, Item: { pk: { S: pk }, sk: { S: 'item' } } } });
    const duplicate = await rejection(() =>
      raw.send(new TransactWriteItemsCommand({ TransactItems: [put('d'), put('d')] })),
    );
    expect(duplicate.name).toBe('ValidationException');
    expect(duplicate.message).toBe('Transaction request cannot include multiple operations on one item');
    const tooMany = Array.from({ length: 101 }, (_, i) => put(`many-${i}`));
    const limit = await rejection(() => raw.send(new TransactWriteItemsCommand({ TransactItems: tooMany })));
    expect(limit.name).toBe('ValidationException');
    expect(limit.message).toMatch(
      /at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    );
    expect(await getItem('many-0')).toBeUndefined();
  });

  it('fails a malformed action up front and a data-dependent one as ValidationError', async () => {
    const update = (pk: string, expression: string, values?: Record<string, unknown>) => ({
      Update: {
        TableName: CORE,
        Key: { pk, sk: 'item' },
        UpdateExpression: expression,
        ExpressionAttributeValues: values,
      },
    });
    const malformed = await rejection(() =>
      ddb.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: CORE, Item: item('bad-1') } }, update('bad-2', 'SET a = :missing')],
        }),
      ),
    );
    expect(malformed.name).toBe('ValidationException');
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('text', { n: 'not a number' }) }));
    const wrongType = await rejection(() =>
      ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: CORE, Item: item('bad-1') } },
            update('text', 'ADD n :one', { ':one': 1 }),
          ],
        }),
      ),
    );
    expect(wrongType).toBeInstanceOf(TransactionCanceledException);
    expect((wrongType as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'ValidationError',
    ]);
    expect(await getItem('bad-1')).toBeUndefined();
  });

  it('refuses an item over 400 KB in a Put, an Update and a transaction, as DynamoDB does, and nothing is written', async () => {
    const big = 'x'.repeat(MAX_ITEM_BYTES + 1);
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('big-update') }));
    const attempts = [
      new PutCommand({ TableName: CORE, Item: item('big-put', { big }) }),
      new UpdateCommand({
        TableName: CORE,
        Key: { pk: 'big-update', sk: 'item' },
        UpdateExpression: 'SET big = :b',
        ExpressionAttributeValues: { ':b': big },
      }),
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: CORE, Item: item('big-tx-1') } },
          { Put: { TableName: CORE, Item: item('big-tx-2', { big }) } },
        ],
      }),
    ];
    for (const command of attempts) {
      // Recognised whichever write it was, also when an adapter wraps it: the edge answers 413.
      const refused = await rejection(() => ddb.send(command as PutCommand));
      expect(isItemTooLarge(refused), `${refused.name}: ${refused.message}`).toBe(true);
      expect(isItemTooLarge(new Error('wrapped', { cause: refused }))).toBe(true);
    }
    expect(await getItem('big-put')).toBeUndefined();
    expect(await getItem('big-tx-1')).toBeUndefined();
    expect(Object.keys((await getItem('big-update')) ?? {})).not.toContain('big');
    // Other refusals are not mistaken for it.
    const other = await rejection(() => ddb.send(new PutCommand({ TableName: CORE, Item: { pk: 'no-sort-key' } })));
    expect(other.name).toBe('ValidationException');
    expect(isItemTooLarge(other)).toBe(false);
  });

  it('applies a TransactWriteItems once per ClientRequestToken', async () => {
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('tx-token', { n: 0 }) }));
    const command = () =>
      new TransactWriteCommand({
        ClientRequestToken: 'token-1',
        TransactItems: [
          {
            Update: {
              TableName: CORE,
              Key: { pk: 'tx-token', sk: 'item' },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
      });
    await ddb.send(command());
    await ddb.send(command());
    expect(await getItem('tx-token')).toEqual(item('tx-token', { n: 1 }));
  });

  it('deletes expired items with the TTL sweeper', async () => {
    const table = `${PREFIX}ephemeral`;
    const now = Math.floor(Date.now() / 1000);
    await ddb.send(new PutCommand({ TableName: table, Item: { pk: 'ttl', sk: 'expired', expiresAt: now - 10 } }));
    await ddb.send(new PutCommand({ TableName: table, Item: { pk: 'ttl', sk: 'alive', expiresAt: now + 3600 } }));
    await ddb.send(new PutCommand({ TableName: table, Item: { pk: 'ttl', sk: 'not-a-number', expiresAt: 'soon' } }));
    const stop = startTtlSweeper(raw, tables, PREFIX, 50);
    const exists = async (sk: string) =>
      (await ddb.send(new GetCommand({ TableName: table, Key: { pk: 'ttl', sk } }))).Item !== undefined;
    await expect.poll(() => exists('expired'), { timeout: 3000, interval: 50 }).toBe(false);
    await stop();
    expect(await exists('alive')).toBe(true);
    expect(await exists('not-a-number')).toBe(true);
  });
});

describe('SQS', () => {
  it('creates queues with DLQs idempotently, sends, receives and deletes', async () => {
    const first = await ensureQueues(sqs, queues, PREFIX);
    const again = await ensureQueues(sqs, queues, PREFIX);
    expect(again).toEqual(first);
    const drip = first['drip-steps'];
    expect(drip?.dlqArn).toMatch(/:test-drip-steps-dlq$/);
    const QueueUrl = drip?.url ?? '';
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['hello']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }));
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    expect(after.Messages ?? []).toEqual([]);
  });

  it('answers a long poll as soon as one message arrives', async () => {
    const QueueUrl = (await ensureQueues(sqs, queues, PREFIX))['drip-steps']?.url ?? '';
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 10 }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' })), 200);
    const { Messages } = await polling;
    expect(Messages?.map((m) => m.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(2000);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }));
  });

  it('redrives a message to the DLQ after maxReceiveCount receives', async () => {
    const declaration: QueueDeclaration = {
      ...(queues[0] as QueueDeclaration),
      name: 'redrive' as QueueName,
      maxReceiveCount: 2,
    };
    const redrive = (await ensureQueues(sqs, [declaration], PREFIX)).redrive;
    const QueueUrl = redrive?.url ?? '';
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
    for (let receive = 1; receive <= 2; receive++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      expect(Messages?.[0]?.Body).toBe('poison');
    }
    const dlq = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: redrive?.dlqUrl,
        WaitTimeSeconds: 2,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(dlq.Messages?.[0]?.Body).toBe('poison');
  });
});

describe('SES', () => {
  it('records SendEmail in the outbox store and serves an offline outbox page', async () => {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@example.com',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: { Simple: { Subject: { Data: 'Welcome' }, Body: { Text: { Data: 'Hi Ada' } } } },
      }),
    );
    const store = (await (await fetch(`${emulators.ses.endpoint}/store`)).json()) as { emails: { subject: string }[] };
    expect(store.emails.map((e) => e.subject)).toContain('Welcome');
    const page = await (await fetch(emulators.ses.outboxUrl)).text();
    expect(page).toContain('<html');
    expect(page).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });
});

describe('SES persistence', () => {
  it('journals each email as it is accepted and leaves the periodic snapshot alone', async () => {
    // Rewriting the whole outbox every interval cost time in proportion to the mail sent so far.
    const snapshot = join(dataDir, 'ses-outbox.json');
    const emailsIn = async () => {
      try {
        return ((JSON.parse(await readFile(snapshot, 'utf8')) as { emails: unknown[] }).emails ?? []).length;
      } catch {
        return 0;
      }
    };
    // The first snapshot of this run (written at the first interval) is the baseline.
    for (let i = 0; i < 40 && !existsSync(snapshot); i++) await new Promise((r) => setTimeout(r, 100));
    const before = await emailsIn();
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@example.com',
        Destination: { ToAddresses: ['journal@example.com'] },
        Content: { Simple: { Subject: { Data: 'Journaled' }, Body: { Text: { Data: '.' } } } },
      }),
    );
    const journal = await readFile(join(dataDir, 'ses-outbox.journal.jsonl'), 'utf8');
    expect(journal.split('\n').filter((l) => l.includes('"Journaled"'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2_500)); // past the 2 s snapshot interval
    expect(await emailsIn()).toBe(before);
  });
});

describe('persistence', () => {
  it('keeps items, queued and in-flight messages and sent mail across a restart', async () => {
    const queueUrl = (await ensureQueues(sqs, queues, PREFIX))['ai-calls']?.url ?? '';
    await ddb.send(new PutCommand({ TableName: CORE, Item: item('persisted', { n: 42 }) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'in-flight' }));
    const inFlight = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(inFlight.Messages?.[0]?.Body).toBe('in-flight');
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'queued' }));
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@example.com',
        Destination: { ToAddresses: ['grace@example.com'] },
        Content: { Simple: { Subject: { Data: 'Persisted mail' }, Body: { Text: { Data: '.' } } } },
      }),
    );

    disconnect();
    await emulators.stop();
    await connect();

    expect(await getItem('persisted')).toEqual(item('persisted', { n: 42 }));
    const restartedUrl = (await ensureQueues(sqs, queues, PREFIX))['ai-calls']?.url ?? '';
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: restartedUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(received.Messages?.map((m) => m.Body).sort()).toEqual(['in-flight', 'queued']);
    const redelivered = received.Messages?.find((m) => m.Body === 'in-flight');
    expect(redelivered?.Attributes?.ApproximateReceiveCount).toBe('2');
    const store = (await (await fetch(`${emulators.ses.endpoint}/store`)).json()) as { emails: { subject: string }[] };
    expect(store.emails.map((e) => e.subject)).toEqual(['Welcome', 'Journaled', 'Persisted mail']);
    // The stop compacted the journal's mail into the snapshot.
    const saved = JSON.parse(await readFile(join(dataDir, 'ses-outbox.json'), 'utf8')) as { emails: unknown[] };
    expect(saved.emails).toHaveLength(3);
  });
});
