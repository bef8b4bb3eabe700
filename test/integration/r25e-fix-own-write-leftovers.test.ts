/**
 * Review round 25 (e), the leftovers of round 24's class: a write the SDK retried after DynamoDB
 * applied it (its answer lost) either applied its effect twice (an unconditional ADD) or was refused
 * by its own first try and read as another writer's (shared/adapters/dynamo/own-write.ts).
 *
 * - the log-in counter's `fail`: the ADD of a failure retried counted one wrong password twice (a
 *   user locked out after fewer failures than documented);
 * - the webhook attempts: a `begin` retried spent two of a webhook's attempts for one POST (and at
 *   the last attempt read its own count as "spent": no POST at all); a `failed` retried counted one
 *   failure twice;
 * - a session's creation without a password version: its put retried was refused by itself and
 *   threw (a log-in answered 5xx although its session was created);
 * - the Idempotency-Key's `complete` and an AI call's `finish` read their own landed write as a
 *   lost lease or claim (false: the AI delivery answered `lost-claim` for a call it had finished).
 *   `keepAnswer` changes neither status nor claim, so its retry passes its condition again: kept.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoIdempotency } from '../../shared/adapters/dynamo-idempotency';
import { dynamoLoginAttempts } from '../../shared/adapters/dynamo-login-attempts';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoWebhookAttempts } from '../../shared/adapters/dynamo-webhook-attempts';
import {
  IDEMPOTENCY_SK,
  idempotencyPk,
  LOGIN_ATTEMPTS_SK,
  webhookAttemptsSk,
  workspacePk,
} from '../../shared/adapters/keys';
import type { AiCallRecord } from '../../shared/ai/ai-call';
import { WEBHOOK_ATTEMPTS } from '../../shared/campaigns/webhook-action';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r25eown-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const ephemeral = () => dynamo.table('ephemeral');
const core = () => dynamo.table('core');
const lossy = (command: string, when?: (input: Record<string, unknown>) => boolean, between?: () => Promise<void>) =>
  losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command, when, between);
const id = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
const get = async (table: string, pk: string, sk: string) =>
  (await dynamo.db.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;

describe("the log-in counter's failure after a lost answer", () => {
  const NOW = new Date('2026-12-07T10:00:00Z');
  const limits = { windowSeconds: 900, freeBelow: 5 };
  const counter = (key: string) => get(ephemeral(), key, LOGIN_ATTEMPTS_SK);

  it('counts one wrong password once', async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    await store.reserve(key, undefined, NOW, limits, 'r1');
    const l = lossy('UpdateItemCommand');
    expect(await dynamoLoginAttempts(l.db, ephemeral()).fail(key, NOW, 900, 'r1')).toMatchObject({
      attempts: 1,
      failures: 1,
    });
    expect(l.lost()).toBe(1);
    expect(await counter(key)).toMatchObject({ attempts: 1, failures: 1 });
  });

  it("counts once with another attempt's failure landing between the two tries", async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    const first = await store.reserve(key, undefined, NOW, limits, 'r1');
    await store.reserve(key, first, NOW, limits, 'r2');
    const l = lossy('UpdateItemCommand', undefined, async () => {
      await store.fail(key, NOW, 900, 'r2');
    });
    const count = await dynamoLoginAttempts(l.db, ephemeral()).fail(key, NOW, 900, 'r1');
    expect(l.lost()).toBe(1);
    expect(count.failures).toBeGreaterThanOrEqual(1);
    expect(await counter(key)).toMatchObject({ attempts: 2, failures: 2 });
    // A failure is failed once: failing r1 again counts nothing more.
    expect(await store.fail(key, NOW, 900, 'r1')).toMatchObject({ attempts: 2, failures: 2 });
  });

  it('a success forgets the failures and their marks; new failures count again', async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    await store.reserve(key, undefined, NOW, limits, 'r1');
    await store.fail(key, NOW, 900, 'r1');
    await store.forgive(key, NOW);
    const after = await counter(key);
    expect(after).toMatchObject({ attempts: 0, failures: 0 });
    const count = await store.read(key, NOW);
    await store.reserve(key, count, NOW, limits, 'r2');
    expect(await store.fail(key, NOW, 900, 'r2')).toMatchObject({ attempts: 1, failures: 1 });
  });

  it('a failure whose counter expired meanwhile starts it over, once', async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    await store.reserve(key, undefined, NOW, limits, 'r1');
    const later = new Date(NOW.getTime() + 901_000);
    const l = lossy('UpdateItemCommand');
    expect(await dynamoLoginAttempts(l.db, ephemeral()).fail(key, later, 900, 'r1')).toMatchObject({
      attempts: 1,
      failures: 1,
    });
    expect(await counter(key)).toMatchObject({ attempts: 1, failures: 1 });
  });
});

describe('the webhook attempts after a lost answer', () => {
  const counted = (ws: string, key: string) => get(core(), workspacePk(ws), webhookAttemptsSk(key));

  it('a begin spends one attempt', async () => {
    const ws = id('ws');
    const key = id('hook');
    const l = lossy('UpdateItemCommand');
    expect(await dynamoWebhookAttempts(l.db, core()).begin(ws, key)).toEqual({ kind: 'counted', attempt: 1 });
    expect(l.lost()).toBe(1);
    expect((await counted(ws, key))?.attempts).toBe(1);
  });

  it('the last attempt, retried, is counted (not read as spent) and spends one', async () => {
    const ws = id('ws');
    const key = id('hook');
    const store = dynamoWebhookAttempts(dynamo.db, core());
    for (let i = 1; i < WEBHOOK_ATTEMPTS; i++) {
      await store.begin(ws, key);
      await store.failed(ws, key);
    }
    const l = lossy('UpdateItemCommand');
    expect(await dynamoWebhookAttempts(l.db, core()).begin(ws, key)).toEqual({
      kind: 'counted',
      attempt: WEBHOOK_ATTEMPTS,
    });
    expect(l.lost()).toBe(1);
    expect((await counted(ws, key))?.attempts).toBe(WEBHOOK_ATTEMPTS);
  });

  it("a begin counts once with another copy's begin landing between the two tries", async () => {
    const ws = id('ws');
    const key = id('hook');
    const other = dynamoWebhookAttempts(dynamo.db, core());
    const l = lossy('UpdateItemCommand', undefined, async () => {
      expect((await other.begin(ws, key)).kind).toBe('counted');
    });
    expect((await dynamoWebhookAttempts(l.db, core()).begin(ws, key)).kind).toBe('counted');
    expect((await counted(ws, key))?.attempts).toBe(2);
  });

  it('a failure is recorded once', async () => {
    const ws = id('ws');
    const key = id('hook');
    const store = dynamoWebhookAttempts(dynamo.db, core());
    await store.begin(ws, key);
    await store.begin(ws, key);
    const l = lossy('UpdateItemCommand');
    expect(await dynamoWebhookAttempts(l.db, core()).failed(ws, key)).toEqual({
      kind: 'failed',
      failed: 1,
      unsettled: 1,
    });
    expect(l.lost()).toBe(1);
    expect((await counted(ws, key))?.failed).toBe(1);
    // A success meanwhile still makes a later failure "done".
    await store.succeeded(ws, key);
    expect(await store.failed(ws, key)).toEqual({ kind: 'done' });
  });
});

describe("a session's creation without a password version after a lost answer", () => {
  it('is the session created: no error, and it is active', async () => {
    const userId = id('u');
    const at = new Date();
    const session = {
      sessionId: id('s'),
      userId,
      ip: '192.0.2.1',
      userAgent: 'test',
      createdAt: at.toISOString(),
      lastSeenAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + 3600_000).toISOString(),
    };
    const l = lossy('PutItemCommand');
    expect(await dynamoSessions(l.db, core()).create(`hash-${session.sessionId}`, session)).toBe(true);
    expect(l.lost()).toBe(1);
    const store = dynamoSessions(dynamo.db, core());
    expect((await store.listActive(userId, at)).map((s) => s.sessionId)).toEqual([session.sessionId]);
    // Another session under the same token hash is still refused.
    await expect(store.create(`hash-${session.sessionId}`, { ...session, sessionId: id('s') })).rejects.toThrow();
  });
});

describe("the Idempotency-Key's completion after a lost answer", () => {
  it('is the completion that landed: true, the answer stored', async () => {
    const scope = { workspaceId: id('ws'), operation: 'interactions.create', key: id('k') };
    const store = dynamoIdempotency(dynamo.db, ephemeral());
    const claim = {
      fingerprint: 'fp',
      plan: '{}',
      leaseId: 'lease-1',
      leaseUntil: Date.now() + 35_000,
      expiresAt: new Date(Date.now() + 3600_000),
    };
    expect(await store.claim(scope, claim)).toBeUndefined();
    const l = lossy('UpdateItemCommand');
    expect(await dynamoIdempotency(l.db, ephemeral()).complete(scope, 'lease-1', '"done"')).toBe(true);
    expect(l.lost()).toBe(1);
    const record = await get(ephemeral(), idempotencyPk(scope.workspaceId, scope.operation, scope.key), IDEMPOTENCY_SK);
    expect(record).toMatchObject({ status: 'completed', result: '"done"' });
    // Another lease's completion is still refused.
    expect(await store.complete(scope, 'lease-2', '"other"')).toBe(false);
  });
});

describe("an AI call's stored answer and outcome after a lost answer", () => {
  const at = new Date('2026-12-07T10:00:00.000Z');
  const queued = (workspaceId: string, callId: string): AiCallRecord => ({
    workspaceId,
    callId,
    agent: 'email-intent',
    request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Can we meet Tuesday?' } },
    status: 'queued',
    createdAt: at.toISOString(),
    createdBy: 'user-1',
    updatedAt: at.toISOString(),
    attempts: 0,
  });
  const claimed = async () => {
    const ws = id('ws');
    const callId = id('call');
    const store = dynamoAiResults(dynamo.db, core());
    expect(await store.create(queued(ws, callId))).toBe(true);
    expect((await store.claim(ws, callId, 'c1', at, new Date(at.getTime() + 120_000))).outcome).toBe('claimed');
    return { ws, callId, store };
  };

  it('a finish is the outcome stored: true', async () => {
    const { ws, callId, store } = await claimed();
    const l = lossy('UpdateItemCommand');
    const outcome = { status: 'completed' as const, output: { intent: 'meeting' } };
    expect(await dynamoAiResults(l.db, core()).finish(ws, callId, 'c1', outcome, at)).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await store.get(ws, callId)).toMatchObject({ status: 'completed', output: { intent: 'meeting' } });
    // Another claim's finish is still refused.
    expect(await store.finish(ws, callId, 'c2', { status: 'failed' }, at)).toBe(false);
  });

  it('a kept answer is kept: true', async () => {
    const { ws, callId, store } = await claimed();
    const l = lossy('UpdateItemCommand');
    const outcome = { status: 'completed' as const, output: { intent: 'meeting' } };
    expect(await dynamoAiResults(l.db, core()).keepAnswer(ws, callId, 'c1', outcome, at)).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await store.get(ws, callId)).toMatchObject({ status: 'running', output: { intent: 'meeting' } });
  });
});
