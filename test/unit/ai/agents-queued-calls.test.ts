/**
 * Queued calls: idempotent by client key, refused over budget before anything is queued, and run
 * once by the worker however often the message comes.
 */
import { describe, expect, it } from 'vitest';
import { type AiCallMessage, type AiCallOutcome, queueAiCall } from '../../../shared/ai/ai-call';
import { AI_TOKEN_BUDGET_SETTING } from '../../../shared/ai/budgets';
import { AiProviderError } from '../../../shared/ai/ports';
import { AiCallBusyError, LEASE_MS, runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact } from '../../../shared/crm/model';
import type { IdempotencyRecord, IdempotencyStore } from '../../../shared/idempotency/ports';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import {
  intentJson,
  memoryCalls,
  memorySettings,
  memoryUsage,
  offlineAnswer,
  type Step,
  scriptedProvider,
} from './fakes';

const email = { agent: 'email-intent' as const, input: { subject: 'Hi', body: 'Can we meet on Tuesday?' } };
/** One contact of ws-1, `c-1`, with no interactions (any other id is not found). */
const contact: Contact = {
  contactId: 'c-1',
  workspaceId: 'ws-1',
  email: 'c1@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 10,
  tier: 'cold',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const noData = {
  contacts: { get: async (ws: string, id: string) => (ws === 'ws-1' && id === 'c-1' ? contact : undefined) },
  interactions: { timeline: async () => ({ interactions: [] }) },
};
const intelligenceJson = JSON.stringify({
  buyingSignals: [{ signal: 'Asked for pricing', evidence: 'email_replied 2026-12-01', strength: 'strong' }],
  aiIntent: 30,
  engagementVelocity: 1,
  roleType: 'decision_maker',
  buyingIntent: 'medium',
  decisionStage: 'consideration',
  summary: 'Ready to buy.',
});

function memoryIdempotency(): IdempotencyStore {
  const records = new Map<string, IdempotencyRecord>();
  const k = (s: { workspaceId: string; operation: string; key: string }) => `${s.workspaceId}|${s.operation}|${s.key}`;
  return {
    async claim(scope, claim) {
      const found = records.get(k(scope));
      if (found) return found;
      records.set(k(scope), { ...claim, status: 'in-progress' });
      return undefined;
    },
    async takeOver() {
      return false;
    },
    async complete(scope, leaseId, result) {
      const found = records.get(k(scope));
      if (found?.leaseId !== leaseId) return false;
      records.set(k(scope), { ...found, status: 'completed', result });
      return true;
    },
    async release(scope) {
      const found = records.get(k(scope));
      if (found) records.set(k(scope), { ...found, leaseUntil: 0 });
    },
  };
}

function world(settings: Record<string, unknown> = {}, ...steps: Step[]) {
  let clock = Date.parse('2026-12-04T13:00:00.000Z');
  let ids = 0;
  const sent: AiCallMessage[] = [];
  const recorded: AiCallOutcome[] = [];
  const calls = memoryCalls();
  const usage = memoryUsage();
  const provider = scriptedProvider(...steps);
  const scores = new MemoryScoreStore();
  scores.contactRecords.set('c-1', contact);
  const events = new MemoryEvents();
  const common = {
    usage,
    settings: memorySettings(settings),
    now: () => new Date(clock),
    newId: () => `id-${++ids}`,
    ...noData,
    calls,
  };
  return {
    calls,
    usage,
    provider,
    sent,
    recorded,
    scores,
    events,
    advance: (ms: number) => {
      clock += ms;
    },
    queueDeps: {
      ...common,
      idempotency: memoryIdempotency(),
      queue: { send: async (m: AiCallMessage) => void sent.push(m) },
    },
    workerDeps: {
      ...common,
      provider,
      metrics: { recorded: (_a: string, o: AiCallOutcome) => void recorded.push(o) },
      maxReceives: 3,
      deadlineMs: 50_000,
      scoring: { store: scores, events, now: () => new Date(clock) },
    },
  };
}
const caller = { workspaceId: 'ws-1', userId: 'user-1' };

describe('queueAiCall', () => {
  it('gives the same call for the same client key and queues it once', async () => {
    const w = world();
    const first = await queueAiCall(caller, { ...email, clientKey: 'key-1' }, undefined, w.queueDeps);
    const again = await queueAiCall(caller, { ...email, clientKey: 'key-1' }, undefined, w.queueDeps);
    expect(first).toMatchObject({ status: 'queued', replayed: false });
    expect(again).toMatchObject({ callId: first.callId, replayed: true });
    expect(w.sent).toEqual([{ workspaceId: 'ws-1', callId: first.callId }]);
    expect(w.calls.records.size).toBe(1);
    // The same key with another request is refused.
    await expect(
      queueAiCall(
        caller,
        { ...email, input: { subject: 'Other', body: 'x' }, clientKey: 'key-1' },
        undefined,
        w.queueDeps,
      ),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('queues nothing and stores nothing over budget', async () => {
    const w = world({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 0 });
    await expect(queueAiCall(caller, email, undefined, w.queueDeps)).rejects.toMatchObject({
      status: 429,
      code: 'AI_BUDGET_EXCEEDED',
    });
    expect(w.sent).toEqual([]);
    expect(w.calls.records.size).toBe(0);
  });

  it('refuses a contact of another workspace before queueing', async () => {
    const w = world();
    const request = { agent: 'contact-intelligence' as const, input: { contactId: 'c-elsewhere' } };
    await expect(queueAiCall(caller, request, undefined, w.queueDeps)).rejects.toMatchObject({
      code: 'CONTACT_NOT_FOUND',
    });
    expect(w.sent).toEqual([]);
  });
});

describe('runAiCall', () => {
  const queued = async (w: ReturnType<typeof world>) => {
    const { callId } = await queueAiCall(caller, email, undefined, w.queueDeps);
    return { workspaceId: 'ws-1', callId };
  };

  it('runs once when the message is delivered three times, and adds the usage once', async () => {
    const w = world({}, intentJson);
    const message = await queued(w);
    expect(await runAiCall(message, { receiveCount: 1 }, w.workerDeps)).toBe('completed');
    expect(await runAiCall(message, { receiveCount: 2 }, w.workerDeps)).toBe('duplicate');
    expect(await runAiCall(message, { receiveCount: 3 }, w.workerDeps)).toBe('duplicate');
    expect(w.provider.requests).toHaveLength(1);
    expect(w.usage.adds).toBe(1);
    expect(await w.calls.get('ws-1', message.callId)).toMatchObject({
      status: 'completed',
      attempts: 1,
      output: { intent: 'meeting_request' },
      run: { provider: 'anthropic', model: 'claude-test', inputTokens: 100, outputTokens: 50, offline: false },
    });
  });

  it('retries a delivery that finds the call running, and re-runs a call whose claim lapsed (a crashed run)', async () => {
    const w = world({}, intentJson);
    const message = await queued(w);
    await w.calls.claim(
      'ws-1',
      message.callId,
      'crashed-run',
      new Date('2026-12-04T13:00:00Z'),
      new Date(Date.parse('2026-12-04T13:00:00Z') + LEASE_MS),
    );
    await expect(runAiCall(message, { receiveCount: 2 }, w.workerDeps)).rejects.toBeInstanceOf(AiCallBusyError);
    expect(w.provider.requests).toHaveLength(0);
    w.advance(LEASE_MS + 1);
    expect(await runAiCall(message, { receiveCount: 3 }, w.workerDeps)).toBe('completed');
    expect(await w.calls.get('ws-1', message.callId)).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('fails a call over budget with that reason, without a model call', async () => {
    const w = world({}, intentJson);
    const message = await queued(w);
    // The budget was lowered after the call was queued.
    const worker = { ...w.workerDeps, settings: memorySettings({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 0 }) };
    expect(await runAiCall(message, { receiveCount: 1 }, worker)).toBe('failed');
    expect(w.provider.requests).toHaveLength(0);
    const record = await w.calls.get('ws-1', message.callId);
    expect(record).toMatchObject({
      status: 'failed',
      failure: { kind: 'budget-exceeded', details: { resetsAt: '2027-01-01T00:00:00.000Z' } },
    });
    expect(record).not.toHaveProperty('run');
    expect(w.recorded).toEqual([
      expect.objectContaining({ failure: expect.objectContaining({ kind: 'budget-exceeded' }) }),
    ]);
  });

  it('gives the call back on a retryable failure, and on the last delivery stores it dead-lettered and fails the message', async () => {
    const down = () => new AiProviderError('every provider failed', 'unavailable', 'anthropic');
    const w = world({}, down(), down());
    const message = await queued(w);
    await expect(runAiCall(message, { receiveCount: 1 }, w.workerDeps)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await w.calls.get('ws-1', message.callId)).toMatchObject({
      status: 'queued',
      lastError: expect.stringContaining('unavailable'),
    });
    // Review round 22: the last delivery fails the message too (docs/AI.md: it lands in the DLQ with
    // the reason), the call marked so, and a redrive runs it (r22c-ai-dlq-redrive-never-runs.test.ts).
    await expect(runAiCall(message, { receiveCount: 3 }, w.workerDeps)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await w.calls.get('ws-1', message.callId)).toMatchObject({
      status: 'failed',
      failure: { kind: 'unavailable', reason: 'every provider failed', deadLettered: true },
    });
  });

  it('fails at once on a spend limit (retrying cannot fix it)', async () => {
    const w = world({}, new AiProviderError('credit balance too low', 'spend-limit', 'anthropic'));
    const message = await queued(w);
    expect(await runAiCall(message, { receiveCount: 1 }, w.workerDeps)).toBe('failed');
    expect(await w.calls.get('ws-1', message.callId)).toMatchObject({ failure: { kind: 'spend-limit' } });
  });

  it('stores an offline answer as offline, with no output', async () => {
    const w = world({}, offlineAnswer);
    const message = await queued(w);
    expect(await runAiCall(message, { receiveCount: 1 }, w.workerDeps)).toBe('offline');
    const record = await w.calls.get('ws-1', message.callId);
    expect(record).toMatchObject({ status: 'offline', run: { offline: true, provider: 'offline' } });
    expect(record).not.toHaveProperty('output');
  });

  it('stores invalid output as a failure with its issues, its tokens counted', async () => {
    const w = world({}, '{"intent": "shopping"}', '{"intent": "shopping"}');
    const message = await queued(w);
    expect(await runAiCall(message, { receiveCount: 1 }, w.workerDeps)).toBe('failed');
    expect(await w.calls.get('ws-1', message.callId)).toMatchObject({
      failure: {
        kind: 'invalid-output',
        issues: expect.arrayContaining([expect.objectContaining({ path: 'intent' })]),
      },
      run: { attempts: 2, inputTokens: 200 },
    });
    expect((await w.usage.read('ws-1', '2026-12')).total.tokensIn).toBe(200);
  });

  it('records a completed contact intelligence in the score once, naming the model, however often it runs', async () => {
    const w = world({}, intelligenceJson, intelligenceJson);
    const { callId } = await queueAiCall(
      caller,
      { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
      undefined,
      w.queueDeps,
    );
    const message = { workspaceId: 'ws-1', callId };
    expect(await runAiCall(message, { receiveCount: 1 }, w.workerDeps)).toBe('completed');
    expect(await runAiCall(message, { receiveCount: 2 }, w.workerDeps)).toBe('duplicate');
    // v1's AI composite: intent 30 + 5 x velocity 1 + decision maker 15 + medium intent 10 + consideration 15 = 75.
    const record = await w.calls.get('ws-1', callId);
    expect(record?.score).toEqual({ score: 75, tier: 'hot', previousScore: 10, previousTier: 'cold' });
    expect(w.scores.commits).toBe(1);
    expect(w.scores.ledger).toEqual([
      expect.objectContaining({
        ruleId: 'ai:contact-intelligence',
        provider: 'anthropic',
        model: 'claude-test',
        callId,
        scoreBefore: 10,
        scoreAfter: 75,
      }),
    ]);
    expect(w.events.published.map((e) => e.type)).toEqual(['contact.score_threshold_crossed']);
  });

  it('takes a re-run of the same call (a crash before its result was stored) into the score once', async () => {
    const w = world({}, intelligenceJson, intelligenceJson);
    const { callId } = await queueAiCall(
      caller,
      { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
      undefined,
      w.queueDeps,
    );
    const message = { workspaceId: 'ws-1', callId };
    // The first run commits the score, then "crashes" before finishing: its claim lapses.
    const finish = w.calls.finish;
    w.calls.finish = async () => {
      throw new Error('killed');
    };
    await expect(runAiCall(message, { receiveCount: 1 }, w.workerDeps)).rejects.toThrow('killed');
    w.calls.finish = finish;
    w.advance(LEASE_MS + 1);
    expect(await runAiCall(message, { receiveCount: 2 }, w.workerDeps)).toBe('completed');
    // The answer was kept before the score step (review round 19): the re-run asks no model.
    expect(w.provider.requests).toHaveLength(1);
    expect(w.scores.commits).toBe(1);
    expect(w.scores.ledger).toHaveLength(1);
    // The stored result says the score did not move in this run (the first run moved it).
    expect((await w.calls.get('ws-1', callId))?.score).toMatchObject({ score: 75, previousScore: 75 });
  });
});
