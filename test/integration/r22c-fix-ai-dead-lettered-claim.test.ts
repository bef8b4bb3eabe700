/**
 * Review round 22 (c): the DynamoDB adapter's claim takes a call whose last delivery stored it
 * `failed` with `deadLettered: true` (its message redriven from the DLQ), removing the failure and
 * keeping an answer kept before it; a call failed for good stays done. On the DynamoDB emulator, with
 * the worker's whole round trip (three failed deliveries, a redrive) as the runbook describes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoAiUsage } from '../../shared/adapters/dynamo-ai-usage';
import type { AiCallRecord } from '../../shared/ai/ai-call';
import { AiProviderError } from '../../shared/ai/ports';
import { runAiCall } from '../../shared/ai/run-ai-call';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';
import { intentJson, memorySettings, scriptedProvider } from '../unit/ai/fakes';

let dynamo: DynamoHarness;
beforeAll(async () => {
  dynamo = await startDynamo('r22c-dlq-');
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const at = new Date('2026-12-04T13:00:00.000Z');
const fresh = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;
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
const run = {
  provider: 'anthropic' as const,
  model: 'claude-haiku-4-5',
  inputTokens: 100,
  outputTokens: 50,
  costUsd: 0.001,
  latencyMs: 900,
  offline: false,
  attempts: 1,
};

describe('claiming a dead-lettered AI call (DynamoDB)', () => {
  it('takes it again without its failure, keeping a kept answer; a call failed for good stays done', async () => {
    const calls = dynamoAiResults(dynamo.db, dynamo.table('core'));
    const ws = fresh('ws');
    const later = (s: number) => new Date(at.getTime() + s * 1000);

    const redrivable = fresh('call');
    await calls.create(queued(ws, redrivable));
    expect((await calls.claim(ws, redrivable, 'c1', at, later(120))).outcome).toBe('claimed');
    expect(await calls.keepAnswer(ws, redrivable, 'c1', { status: 'completed', run, output: { a: 1 } }, at)).toBe(true);
    const failure = { kind: 'internal' as const, reason: 'Error: throttled', deadLettered: true };
    expect(await calls.finish(ws, redrivable, 'c1', { status: 'failed', failure }, later(1))).toBe(true);
    const again = await calls.claim(ws, redrivable, 'c2', later(600), later(720));
    expect(again.outcome).toBe('claimed');
    const record = await calls.get(ws, redrivable);
    expect(record).toMatchObject({ status: 'running', attempts: 2, output: { a: 1 }, run: { attempts: 1 } });
    expect(record).not.toHaveProperty('failure');
    expect(record).not.toHaveProperty('completedAt');

    const final = fresh('call');
    await calls.create(queued(ws, final));
    await calls.claim(ws, final, 'c1', at, later(120));
    await calls.finish(
      ws,
      final,
      'c1',
      { status: 'failed', failure: { kind: 'spend-limit', reason: 'no credit' } },
      at,
    );
    expect((await calls.claim(ws, final, 'c2', later(600), later(720))).outcome).toBe('done');
  });

  it('three failed deliveries, then the redriven message runs the call once', async () => {
    const core = dynamo.table('core');
    const calls = dynamoAiResults(dynamo.db, core);
    const ws = fresh('ws');
    const callId = fresh('call');
    await calls.create(queued(ws, callId));
    const down = () => new AiProviderError('every provider failed', 'unavailable', 'anthropic');
    const provider = scriptedProvider(down(), down(), down(), intentJson);
    let now = at;
    let ids = 0;
    const deps = {
      calls,
      usage: dynamoAiUsage(dynamo.db, core),
      settings: memorySettings(),
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      provider,
      metrics: { recorded: () => {} },
      now: () => now,
      newId: () => `claim-${++ids}`,
      maxReceives: 3,
      deadlineMs: 50_000,
      scoring: {} as never,
    };
    for (const receiveCount of [1, 2, 3]) {
      now = new Date(at.getTime() + receiveCount * 361_000);
      await expect(runAiCall({ workspaceId: ws, callId }, { receiveCount }, deps)).rejects.toThrow(AiProviderError);
    }
    expect(await calls.get(ws, callId)).toMatchObject({
      status: 'failed',
      failure: { kind: 'unavailable', deadLettered: true },
    });
    now = new Date(at.getTime() + 3600_000);
    expect(await runAiCall({ workspaceId: ws, callId }, { receiveCount: 1 }, deps)).toBe('completed');
    expect(await runAiCall({ workspaceId: ws, callId }, { receiveCount: 2 }, deps)).toBe('duplicate');
    expect(provider.requests).toHaveLength(4);
    const stored = await calls.get(ws, callId);
    expect(stored).toMatchObject({ status: 'completed', attempts: 4, output: { intent: 'meeting_request' } });
    expect(stored).not.toHaveProperty('failure');
  });
});
