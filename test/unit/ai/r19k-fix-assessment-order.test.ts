// Review round 19: this test failed at e88bb96.
// A contact-intelligence result was applied whenever it arrived: one based on older data (a slow
// call, a score step retried later) replaced a newer assessment, and the call never said so.
import { describe, expect, it } from 'vitest';
import type { ContactIntelligence } from '../../../shared/ai/agents/contact-intelligence';
import type { AiCallMessage, AiCallRecord } from '../../../shared/ai/ai-call';
import type { AiAnswer, AiProvider, AiRequest } from '../../../shared/ai/ports';
import { recordContactIntelligence } from '../../../shared/ai/record-contact-intelligence';
import { LEASE_MS, runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact } from '../../../shared/crm/model';
import { ScoreConflictError } from '../../../shared/crm/scoring/ports';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { memoryCalls, memorySettings, memoryUsage } from './fakes';

const result = (aiIntent: number): ContactIntelligence => ({
  buyingSignals: [],
  aiIntent,
  engagementVelocity: 0,
  roleType: 'unknown',
  buyingIntent: aiIntent > 50 ? 'high' : 'low',
  decisionStage: 'awareness',
  summary: `Assessment at ${aiIntent}.`,
});

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

const T0 = Date.parse('2026-12-04T13:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('recordContactIntelligence: the order of assessments', () => {
  const world = () => {
    const store = new MemoryScoreStore();
    store.contactRecords.set('c-1', contact);
    return { store, deps: { store, events: new MemoryEvents(), now: () => new Date(T0 + 60_000) } };
  };
  const source = (callId: string) => ({ callId, provider: 'anthropic' as const, model: 'm' });

  it('keeps the newer assessment and says the older one was superseded', async () => {
    const { store, deps } = world();
    const newer = await recordContactIntelligence('ws-1', 'c-1', result(90), source('b'), deps, iso(T0 + 5000));
    expect(newer).toMatchObject({ previousScore: 10 });
    const older = await recordContactIntelligence('ws-1', 'c-1', result(5), source('a'), deps, iso(T0));
    expect(older).toEqual({ superseded: { by: iso(T0 + 5000) } });
    expect(store.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 90, basedOn: iso(T0 + 5000) });
    expect(store.ledger).toHaveLength(1);
    expect(store.commits).toBe(1);
  });

  it('applies an assessment as new as the stored one, or newer', async () => {
    const { store, deps } = world();
    await recordContactIntelligence('ws-1', 'c-1', result(20), source('a'), deps, iso(T0));
    await recordContactIntelligence('ws-1', 'c-1', result(40), source('b'), deps, iso(T0));
    expect(store.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 40 });
    await recordContactIntelligence('ws-1', 'c-1', result(60), source('c'), deps, iso(T0 + 1));
    expect(store.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 60, basedOn: iso(T0 + 1) });
    expect(store.ledger).toHaveLength(3);
  });

  it('a result without a time (a call stored before it was kept) never replaces one that has it', async () => {
    const { store, deps } = world();
    await recordContactIntelligence('ws-1', 'c-1', result(70), source('b'), deps, iso(T0));
    expect(await recordContactIntelligence('ws-1', 'c-1', result(5), source('a'), deps)).toEqual({
      superseded: { by: iso(T0) },
    });
    expect(store.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 70 });
  });

  it('decides on the state its write is conditional on: a newer assessment committed meanwhile wins', async () => {
    const { store, deps } = world();
    // Between this call's read and its write, a newer call's assessment is committed.
    let raced = false;
    store.beforeCommit = (w) => {
      if (raced) return;
      raced = true;
      const current = store.contactRecords.get('c-1') as Contact;
      store.contactRecords.set('c-1', {
        ...current,
        aiSignals: { aiScore: 90, engagementVelocity: 0, basedOn: iso(T0 + 9000) },
      });
      const state = store.states.get('c-1');
      store.states.set('c-1', { ...(w.state as NonNullable<typeof state>), version: (w.expectedVersion ?? 0) + 1 });
      throw new ScoreConflictError();
    };
    const outcome = await recordContactIntelligence('ws-1', 'c-1', result(5), source('a'), deps, iso(T0));
    expect(outcome).toEqual({ superseded: { by: iso(T0 + 9000) } });
    expect(store.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 90 });
  });
});

/** A provider whose answers the test hands out, one per request, in any order. */
function gatedProvider() {
  const pending: Array<{ request: AiRequest; resolve: (a: AiAnswer) => void }> = [];
  const provider: AiProvider = {
    name: 'anthropic',
    answer: (request) => new Promise<AiAnswer>((resolve) => pending.push({ request, resolve })),
  };
  return { provider, pending };
}

const answerOf = (r: ContactIntelligence): AiAnswer => ({
  provider: 'anthropic',
  model: 'claude-test',
  text: JSON.stringify(r),
  usage: { inputTokens: 100, outputTokens: 50 },
  costUsd: 0.001,
  latencyMs: 20,
  offline: false,
});

const flush = async () => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
};

function worker(provider: AiProvider) {
  let clock = T0;
  let ids = 0;
  const calls = memoryCalls();
  const scores = new MemoryScoreStore();
  scores.contactRecords.set('c-1', contact);
  const deps = {
    calls,
    usage: memoryUsage(),
    settings: memorySettings(),
    now: () => new Date(clock),
    newId: () => `id-${++ids}`,
    contacts: { get: async (_ws: string, id: string) => scores.contactRecords.get(id) as Contact | undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider,
    metrics: { recorded: () => {} },
    maxReceives: 3,
    deadlineMs: 50_000,
    scoring: { store: scores, events: new MemoryEvents(), now: () => new Date(clock) },
  };
  const queue = async (callId: string): Promise<AiCallMessage> => {
    const record: AiCallRecord = {
      workspaceId: 'ws-1',
      callId,
      agent: 'contact-intelligence',
      request: { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
      status: 'queued',
      createdAt: new Date(clock).toISOString(),
      createdBy: 'user-1',
      updatedAt: new Date(clock).toISOString(),
      attempts: 0,
    };
    await calls.create(record);
    return { workspaceId: 'ws-1', callId };
  };
  return {
    deps,
    calls,
    scores,
    queue,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('runAiCall: a superseded assessment is recorded on the call', () => {
  it('the overtaken call is completed with its output, `superseded` by the applied one, and no score', async () => {
    const gate = gatedProvider();
    const w = worker(gate.provider);
    const runA = runAiCall(await w.queue('call-a'), { receiveCount: 1 }, w.deps);
    await flush();
    w.advance(5000);
    const runB = runAiCall(await w.queue('call-b'), { receiveCount: 1 }, w.deps);
    await flush();
    gate.pending[1]?.resolve(answerOf(result(90)));
    await expect(runB).resolves.toBe('completed');
    gate.pending[0]?.resolve(answerOf(result(5)));
    await expect(runA).resolves.toBe('completed');

    const a = await w.calls.get('ws-1', 'call-a');
    const b = await w.calls.get('ws-1', 'call-b');
    expect(b).toMatchObject({ status: 'completed', basedOn: iso(T0 + 5000), score: { previousScore: 10 } });
    expect(a).toMatchObject({ status: 'completed', basedOn: iso(T0), superseded: { by: iso(T0 + 5000) } });
    expect(a?.score).toBeUndefined();
    expect((a?.output as ContactIntelligence | undefined)?.aiIntent).toBe(5);
    expect(w.scores.ledger.map((e) => (e as { callId?: string }).callId)).toEqual(['call-b']);
  });

  it('a score step retried on a redelivery records what it did on the call (applied, or superseded)', async () => {
    const gate = gatedProvider();
    const w = worker(gate.provider);
    let conflicts = 5;
    w.scores.beforeCommit = () => {
      if (conflicts-- > 0) throw new ScoreConflictError();
    };
    const a = await w.queue('call-a');
    const runA = runAiCall(a, { receiveCount: 1 }, w.deps);
    await flush();
    gate.pending[0]?.resolve(answerOf(result(30)));
    await expect(runA).rejects.toThrow();
    expect(await w.calls.get('ws-1', 'call-a')).toMatchObject({ status: 'completed', basedOn: iso(T0) });

    // The redelivery scores it from the stored output, and the call shows the score.
    w.advance(LEASE_MS + 360_000);
    await expect(runAiCall(a, { receiveCount: 2 }, w.deps)).resolves.toBe('duplicate');
    expect(await w.calls.get('ws-1', 'call-a')).toMatchObject({
      score: { score: expect.any(Number), previousScore: 10 },
    });
    expect(gate.pending).toHaveLength(1);
  });
});

describe('runAiCall: the answer is kept before the score step', () => {
  it('a run whose claim lapsed while the model answered applies nothing: the holder of the claim does', async () => {
    const gate = gatedProvider();
    const w = worker(gate.provider);
    const message = await w.queue('call-a');
    const first = runAiCall(message, { receiveCount: 1 }, w.deps);
    await flush();
    // The first run's model is slow; its lease lapses and a redelivery takes the call.
    w.advance(LEASE_MS + 1);
    const second = runAiCall(message, { receiveCount: 2 }, w.deps);
    await flush();
    expect(gate.pending).toHaveLength(2);
    gate.pending[0]?.resolve(answerOf(result(5)));
    await expect(first).resolves.toBe('lost-claim');
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toBeUndefined();
    gate.pending[1]?.resolve(answerOf(result(40)));
    await expect(second).resolves.toBe('completed');

    const stored = await w.calls.get('ws-1', 'call-a');
    expect((stored?.output as ContactIntelligence | undefined)?.aiIntent).toBe(40);
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 40 });
    expect(stored?.score).toMatchObject({ previousScore: 10 });
  });
});
