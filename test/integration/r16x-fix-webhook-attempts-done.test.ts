// Review round 16: this test failed at 1ef047a (the store only counted: a webhook's 2xx was not
// recorded, so every later copy of its step POSTed again and used up one of the 5 attempts).
// The webhook attempts' item on the local emulator: POSTs counted up to 5 whatever copies race, a
// 2xx recorded as done (later copies send and count nothing), failures recorded only while not
// done, and an attempt with no outcome judged in flight only while its copy may still run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoWebhookAttempts } from '../../shared/adapters/dynamo-webhook-attempts';
import { webhookAttemptsSk, workspacePk } from '../../shared/adapters/keys';
import { sendWebhook, WEBHOOK_SETTLE_MS, type WebhookAnswer } from '../../shared/campaigns/webhook-action';
import type { Contact } from '../../shared/crm/model';

const PREFIX = 'r16xwh-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r16xwh-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const itemOf = async (ws: string, key: string) =>
  (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(ws), sk: webhookAttemptsSk(key) } }))).Item;

describe('webhook attempts on the table', () => {
  it('counts POSTs up to 5 among racing copies, each key apart', async () => {
    const attempts = dynamoWebhookAttempts(db, CORE);
    const ws = `ws-${Date.now()}-race`;
    const starts = await Promise.all(Array.from({ length: 8 }, () => attempts.begin(ws, 'k#0')));
    const counted = starts.filter((s) => s.kind === 'counted').map((s) => (s.kind === 'counted' ? s.attempt : 0));
    expect(counted.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(starts.filter((s) => s.kind === 'spent')).toEqual([
      { kind: 'spent', failed: 0, unsettled: true },
      { kind: 'spent', failed: 0, unsettled: true },
      { kind: 'spent', failed: 0, unsettled: true },
    ]);
    expect(await attempts.begin(ws, 'k#1')).toEqual({ kind: 'counted', attempt: 1 });
    expect(await itemOf(ws, 'k#0')).toMatchObject({ attempts: 5, type: 'webhookAttempts' });
  });

  it('records a 2xx as done: later copies neither send nor count; a late failure is the effect done', async () => {
    const attempts = dynamoWebhookAttempts(db, CORE);
    const ws = `ws-${Date.now()}-done`;
    expect(await attempts.begin(ws, 'k#0')).toEqual({ kind: 'counted', attempt: 1 });
    expect(await attempts.begin(ws, 'k#0')).toEqual({ kind: 'counted', attempt: 2 });
    await attempts.succeeded(ws, 'k#0');
    expect(await attempts.begin(ws, 'k#0')).toEqual({ kind: 'done' });
    expect(await attempts.failed(ws, 'k#0')).toEqual({ kind: 'done' });
    expect(await itemOf(ws, 'k#0')).toMatchObject({ attempts: 2, done: expect.any(String) });
    expect(await itemOf(ws, 'k#0')).not.toHaveProperty('failed');
  });

  it('records failures, with the attempts still unsettled; spent once 5 were counted', async () => {
    let now = new Date('2026-12-01T00:00:00Z');
    const attempts = dynamoWebhookAttempts(db, CORE, () => now);
    const ws = `ws-${Date.now()}-fail`;
    await attempts.begin(ws, 'k#0');
    await attempts.begin(ws, 'k#0');
    expect(await attempts.failed(ws, 'k#0')).toEqual({ kind: 'failed', failed: 1, unsettled: 1 });
    for (let i = 0; i < 3; i++) await attempts.begin(ws, 'k#0');
    expect(await attempts.failed(ws, 'k#0')).toEqual({ kind: 'failed', failed: 2, unsettled: 3 });
    expect(await attempts.begin(ws, 'k#0')).toEqual({ kind: 'spent', failed: 2, unsettled: true });
    // Past the time a copy may run: the unsettled ones ended without recording their outcome.
    now = new Date(now.getTime() + WEBHOOK_SETTLE_MS + 1);
    expect(await attempts.begin(ws, 'k#0')).toEqual({ kind: 'spent', failed: 2, unsettled: false });
    expect(await itemOf(ws, 'k#0')).toMatchObject({ attempts: 5, failed: 2 });
  });

  it('a webhook that succeeded costs one write more, and its step run again posts nothing', async () => {
    const attempts = dynamoWebhookAttempts(db, CORE);
    const ws = `ws-${Date.now()}-step`;
    const writes: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        writes.push(command.constructor.name);
        return db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const counted = dynamoWebhookAttempts(counting, CORE);
    let posts = 0;
    const poster = {
      post: async (): Promise<WebhookAnswer> => {
        posts += 1;
        return { kind: 'answered', status: 200 };
      },
    };
    const contact = {
      contactId: 'c-1',
      workspaceId: ws,
      email: 'c1@example.com',
      status: 'lead',
      tags: [],
      customFields: {},
      score: 0,
      tier: 'cold',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    } as Contact;
    const target = {
      workspaceId: ws,
      campaignId: 'camp-1',
      contactId: 'c-1',
      nodeId: 'hook',
      version: 1,
      run: 1,
      step: 3,
      idempotencyKey: 'campaign#camp-1#c-1#1#hook#3',
    };
    const send = () =>
      sendWebhook('https://h.example.com', target, contact, {
        secret: 's',
        poster,
        now: () => new Date(),
        attempts: counted,
      });
    await send();
    expect(writes).toEqual(['UpdateCommand', 'UpdateCommand']);
    for (let i = 0; i < 6; i++) await send();
    expect(posts).toBe(1);
    expect(await itemOf(ws, `${target.idempotencyKey}#0`)).toMatchObject({ attempts: 1, done: expect.any(String) });
    // A person's retry of the enrolment: a new round under its own key.
    await sendWebhook('https://h.example.com', { ...target, retry: 1 }, contact, {
      secret: 's',
      poster,
      now: () => new Date(),
      attempts,
    });
    expect(posts).toBe(2);
  });
});
