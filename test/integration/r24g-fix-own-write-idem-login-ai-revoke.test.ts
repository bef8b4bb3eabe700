// Review round 24: this test failed at 0f69cc0.
/**
 * Review round 24 (g), r24b's class (a conditional write the SDK retried after DynamoDB applied it
 * is refused by its own write) in more stores:
 * - the Idempotency-Key claim: its retry was refused by its own record, read as another attempt's
 *   run in progress (409 and the key blocked for the lease); a lease take-over likewise.
 * - the log-in attempt counters: a window's opening reservation retried fell to the ADD (one log-in
 *   counted as two attempts), a later reservation's ADD retried while the allowance still held
 *   counted twice, and a give-back retried gave back twice (a lockout counted short). Each
 *   reservation now has an id, among the counter's attempts being checked (`checking`) until it
 *   fails or is given back.
 * - the AI call's claim: refused by its own claim, it read the call as another delivery's (`busy`):
 *   the call waited out a lease. A refusal answers from the refusing item: no read after it.
 * - a session's revocation: a revoke retried after it landed read "not active" and answered false
 *   (DELETE /api/auth/sessions/{id}: 404 SESSION_NOT_FOUND and no audit entry for a revoke that
 *   landed; a reset's count of sessions ended one short). An API key's revocation is a transaction,
 *   which the SDK retries with the same ClientRequestToken: not affected.
 * - an enrolment's move (the plain Put, `#step = :expected`): retried after it landed it read as
 *   moved by another step: the step answered `stale` (no timer set) and the move's counters were
 *   never added to the campaign's stats.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoEnrolmentStates } from '../../shared/adapters/dynamo-enrolments';
import { dynamoIdempotency } from '../../shared/adapters/dynamo-idempotency';
import { dynamoLoginAttempts } from '../../shared/adapters/dynamo-login-attempts';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import {
  IDEMPOTENCY_SK,
  idempotencyPk,
  LOGIN_ATTEMPTS_SK,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from '../../shared/adapters/keys';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r24gown-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const ephemeral = () => dynamo.table('ephemeral');
const lossy = (command: string, when?: (input: Record<string, unknown>) => boolean) =>
  losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command, when);
const id = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

describe('the Idempotency-Key claim after a lost answer', () => {
  const scope = () => ({ workspaceId: id('ws'), operation: 'interactions.create', key: id('k') });
  const claim = (leaseId: string) => ({
    fingerprint: 'fp',
    plan: '{}',
    leaseId,
    leaseUntil: Date.now() + 35_000,
    expiresAt: new Date(Date.now() + 3600_000),
  });
  const record = async (s: ReturnType<typeof scope>) =>
    (
      await dynamo.db.send(
        new GetCommand({
          TableName: ephemeral(),
          Key: { pk: idempotencyPk(s.workspaceId, s.operation, s.key), sk: IDEMPOTENCY_SK },
          ConsistentRead: true,
        }),
      )
    ).Item;

  it('is the claim of the request whose put landed: it runs, no read after', async () => {
    const s = scope();
    const l = lossy('PutItemCommand');
    expect(await dynamoIdempotency(l.db, ephemeral()).claim(s, claim('lease-1'))).toBeUndefined();
    expect(l.lost()).toBe(1);
    expect(l.calls).toEqual(['PutCommand']);
    expect((await record(s))?.leaseId).toBe('lease-1');
    // Another request under the key still finds it held.
    const other = await dynamoIdempotency(dynamo.db, ephemeral()).claim(s, claim('lease-2'));
    expect(other).toMatchObject({ status: 'in-progress', leaseId: 'lease-1' });
  });

  it('a take-over retried after it landed holds the lease', async () => {
    const s = scope();
    const store = dynamoIdempotency(dynamo.db, ephemeral());
    expect(await store.claim(s, { ...claim('lease-1'), leaseUntil: 0 })).toBeUndefined();
    const l = lossy('UpdateItemCommand');
    expect(await dynamoIdempotency(l.db, ephemeral()).takeOver(s, 'lease-1', 'lease-2', Date.now() + 35_000)).toBe(
      true,
    );
    expect(l.lost()).toBe(1);
    expect((await record(s))?.leaseId).toBe('lease-2');
    expect(await store.complete(s, 'lease-2', '"done"')).toBe(true);
  });
});

describe('the log-in attempt counters after a lost answer', () => {
  const NOW = new Date('2026-12-07T10:00:00Z');
  const limits = { windowSeconds: 900, freeBelow: 5 };
  const attempts = async (key: string) =>
    (
      await dynamo.db.send(
        new GetCommand({ TableName: ephemeral(), Key: { pk: key, sk: LOGIN_ATTEMPTS_SK }, ConsistentRead: true }),
      )
    ).Item?.attempts;

  it("the window's opening reservation counts once", async () => {
    const key = id('login');
    const l = lossy('PutItemCommand');
    expect(await dynamoLoginAttempts(l.db, ephemeral()).reserve(key, undefined, NOW, limits, 'r1')).toMatchObject({
      attempts: 1,
    });
    expect(l.lost()).toBe(1);
    expect(l.calls).toEqual(['PutCommand']);
    expect(await attempts(key)).toBe(1);
  });

  it('a later reservation counts once', async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    const first = await store.reserve(key, undefined, NOW, limits, 'r1');
    const l = lossy('UpdateItemCommand');
    expect(await dynamoLoginAttempts(l.db, ephemeral()).reserve(key, first, NOW, limits, 'r2')).toMatchObject({
      attempts: 2,
    });
    expect(l.lost()).toBe(1);
    expect(await attempts(key)).toBe(2);
  });

  it('a give-back gives back once, and only what its reservation took', async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    const first = await store.reserve(key, undefined, NOW, limits, 'r1');
    await store.reserve(key, first, NOW, limits, 'r2');
    const l = lossy('UpdateItemCommand');
    await dynamoLoginAttempts(l.db, ephemeral()).release(key, NOW, 'r1');
    expect(l.lost()).toBe(1);
    expect(await attempts(key)).toBe(1);
    // Given back already: a second give-back of r1 changes nothing; r2's still counts until given back.
    await store.release(key, NOW, 'r1');
    expect(await attempts(key)).toBe(1);
    await store.release(key, NOW, 'r2');
    expect(await attempts(key)).toBe(0);
  });

  it('a failure stays counted and is never given back', async () => {
    const key = id('login');
    const store = dynamoLoginAttempts(dynamo.db, ephemeral());
    await store.reserve(key, undefined, NOW, limits, 'r1');
    expect(await store.fail(key, NOW, 900, 'r1')).toMatchObject({ attempts: 1, failures: 1 });
    await store.release(key, NOW, 'r1');
    expect(await attempts(key)).toBe(1);
  });
});

describe("the AI call's claim after a lost answer", () => {
  const at = new Date('2026-12-07T10:00:00.000Z');
  const queued = (workspaceId: string, callId: string) => ({
    workspaceId,
    callId,
    agent: 'email-intent' as const,
    request: { agent: 'email-intent' as const, input: { subject: 'Hi', body: 'Can we meet Tuesday?' } },
    status: 'queued' as const,
    createdAt: at.toISOString(),
    createdBy: 'user-1',
    updatedAt: at.toISOString(),
    attempts: 0,
  });

  it('is claimed by the delivery whose write landed, counted once; another delivery finds it busy', async () => {
    const ws = id('ws');
    const callId = id('call');
    const core = dynamo.table('core');
    await dynamoAiResults(dynamo.db, core).create(queued(ws, callId));
    const l = lossy('UpdateItemCommand');
    const claim = await dynamoAiResults(l.db, core).claim(ws, callId, 'c1', at, new Date(at.getTime() + 120_000));
    expect(l.lost()).toBe(1);
    expect(l.calls).toEqual(['UpdateCommand']);
    expect(claim).toMatchObject({ outcome: 'claimed', record: { status: 'running', attempts: 1 } });
    const other = dynamoAiResults(dynamo.db, core);
    expect((await other.claim(ws, callId, 'c2', at, new Date(at.getTime() + 120_000))).outcome).toBe('busy');
    expect(await other.get(ws, callId)).toMatchObject({ status: 'running', attempts: 1 });
  });
});

describe("a session's revocation after a lost answer", () => {
  const at = new Date();
  const session = (userId: string) => ({
    sessionId: id('s'),
    userId,
    ip: '192.0.2.1',
    userAgent: 'test',
    createdAt: new Date(at.getTime() - 60_000).toISOString(),
    lastSeenAt: new Date(at.getTime() - 60_000).toISOString(),
    expiresAt: new Date(at.getTime() + 3600_000).toISOString(),
  });

  it('is the revocation that landed, by its token hash or by its id', async () => {
    const userId = id('u');
    const store = dynamoSessions(dynamo.db, dynamo.table('core'));
    const [byHash, byId] = [session(userId), session(userId)];
    await store.create(`hash-${byHash.sessionId}`, byHash);
    await store.create(`hash-${byId.sessionId}`, byId);

    const l1 = lossy('UpdateItemCommand');
    expect(
      await dynamoSessions(l1.db, dynamo.table('core')).revoke(
        userId,
        byHash.sessionId,
        at,
        `hash-${byHash.sessionId}`,
      ),
    ).toBe(true);
    expect(l1.lost()).toBe(1);
    const l2 = lossy('UpdateItemCommand');
    expect(await dynamoSessions(l2.db, dynamo.table('core')).revoke(userId, byId.sessionId, at)).toBe(true);
    expect(l2.lost()).toBe(1);
    expect(await store.listActive(userId, at)).toEqual([]);
    // Revoked already: another revoke of it is still "none active".
    expect(await store.revoke(userId, byId.sessionId, new Date(at.getTime() + 1))).toBe(false);
  });

  it("a reset's revokeAll counts the session whose mark landed", async () => {
    const userId = id('u');
    const core = dynamo.table('core');
    await dynamo.db.send(
      new PutCommand({ TableName: core, Item: { pk: userPk(userId), sk: USER_PROFILE_SK, type: 'user', userId } }),
    );
    const one = session(userId);
    await dynamoSessions(dynamo.db, core).create(`hash-${one.sessionId}`, one);
    const l = lossy('UpdateItemCommand', (input) => String(input.UpdateExpression).includes('revokedAt'));
    expect(await dynamoSessions(l.db, core).revokeAll(userId, at)).toBe(1);
    expect(l.lost()).toBe(1);
  });
});

describe("an enrolment's move after a lost answer", () => {
  it('is the move that landed: saved, and its counters added once', async () => {
    const core = dynamo.table('core');
    const ws = id('ws');
    const state = {
      workspaceId: ws,
      campaignId: 'cmp1',
      contactId: 'c1',
      run: 1,
      version: 1,
      node: 'start',
      step: 0,
      status: 'waiting',
      dueAt: '2026-12-07T10:00:00.000Z',
      enteredAt: '2026-12-07T10:00:00.000Z',
      emails: {},
      arms: {},
    } as EnrolmentState;
    const store = dynamoEnrolmentStates(dynamo.db, core);
    expect(await store.save(state, undefined, { waiting: 1 })).toBe(true);
    const l = lossy('PutItemCommand');
    const next = { ...state, step: 1, status: 'completed', endedAt: '2026-12-07T10:01:00.000Z' } as EnrolmentState;
    expect(await dynamoEnrolmentStates(l.db, core).save(next, 0, { waiting: -1, completed: 1 })).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await store.get(ws, 'cmp1', 'c1')).toMatchObject({ step: 1, status: 'completed' });
    const stats =
      (
        await dynamo.db.send(
          new QueryCommand({
            TableName: core,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :stats)',
            ExpressionAttributeValues: { ':pk': workspacePk(ws), ':stats': 'CAMPAIGNSTATS#cmp1#' },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    const sum = (name: string) => stats.reduce((total, item) => total + Number(item[name] ?? 0), 0);
    expect({ waiting: sum('waiting'), completed: sum('completed') }).toEqual({ waiting: 0, completed: 1 });
    // Another step that read step 0 still finds it moved.
    expect(await store.save({ ...state, step: 1 }, 0, {})).toBe(false);
  });
});
