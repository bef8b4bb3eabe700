/**
 * Defect: a contact-intelligence result that is OLDER than the one already applied to the contact
 * replaces it. Each call's result is applied to the contact's AI signals (and so its score and
 * tier) whenever it gets there, with no check of what data it was based on, or whether a newer
 * assessment of the same contact is already applied:
 *   1. two calls for one contact overlap: call A reads the contact and its timeline, its model is
 *      slow (a retry, a fallback: up to 45 s); meanwhile a new interaction arrives and call B reads
 *      it, answers and is applied; then A's answer (about the older data) lands and replaces B's;
 *   2. a completed call whose score step failed (SCORE_CONFLICT on a busy contact) is stored without
 *      its score and scored "from the stored output" on a later delivery or a DLQ redrive (minutes
 *      to days later, docs/AI.md): by then a newer call may have scored the contact, and the old
 *      output silently overwrites the newer assessment.
 * Either way the contact's score, tier and `aiSignals` describe stale data, the ledger says the
 * AI moved the score back, and a tier crossing may be published for it.
 *
 * Severity: MEDIUM (wrong lead score/tier from reordered or late answers; no error anywhere).
 *
 * Root cause: shared/ai/record-contact-intelligence.ts `recordContactIntelligence` (its plan applies
 * any result; nothing records what data or when the applied assessment was made), reached from
 * shared/ai/run-ai-call.ts `runAiCall` / `followUpDone`.
 *
 * Correct: an assessment is applied only if it is at least as new as the one the contact carries
 * (e.g. keep the time the call read its data, or the contact/timeline version, with the AI signals,
 * and skip, recording the call as superseded, when the stored one is newer).
 */
import { describe, expect, it } from 'vitest';
import type { AiCallMessage, AiCallRecord } from '../../../shared/ai/ai-call';
import type { AiAnswer, AiProvider, AiRequest } from '../../../shared/ai/ports';
import { LEASE_MS, runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact, Interaction } from '../../../shared/crm/model';
import { ScoreConflictError } from '../../../shared/crm/scoring/ports';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { memoryCalls, memorySettings, memoryUsage } from './fakes';

const intelligence = (aiIntent: number, buyingIntent: 'high' | 'low') =>
  JSON.stringify({
    buyingSignals: [],
    aiIntent,
    engagementVelocity: 0,
    roleType: 'unknown',
    buyingIntent,
    decisionStage: 'awareness',
    summary: `Assessment at ${aiIntent}.`,
  });

const answerOf = (text: string): AiAnswer => ({
  provider: 'anthropic',
  model: 'claude-test',
  text,
  usage: { inputTokens: 100, outputTokens: 50 },
  costUsd: 0.001,
  latencyMs: 20,
  offline: false,
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

const flush = async () => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
};

function world(provider: AiProvider) {
  let clock = Date.parse('2026-12-04T13:00:00.000Z');
  let ids = 0;
  const calls = memoryCalls();
  const scores = new MemoryScoreStore();
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
  scores.contactRecords.set('c-1', contact);
  const timeline: Interaction[] = [];
  const deps = {
    calls,
    usage: memoryUsage(),
    settings: memorySettings(),
    now: () => new Date(clock),
    newId: () => `id-${++ids}`,
    contacts: {
      get: async (ws: string, id: string) =>
        ws === 'ws-1' ? (scores.contactRecords.get(id) as Contact | undefined) : undefined,
    },
    interactions: { timeline: async () => ({ interactions: [...timeline] }) },
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
  const addInteraction = () => {
    timeline.unshift({
      interactionId: `i-${timeline.length + 1}`,
      workspaceId: 'ws-1',
      contactId: 'c-1',
      type: 'email_replied',
      occurredAt: new Date(clock).toISOString(),
      metadata: { subject: 'Ready to sign, send the contract' },
      source: 'gmail',
    } as Interaction);
  };
  return {
    deps,
    scores,
    queue,
    addInteraction,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('contact intelligence: an older assessment never replaces a newer one', () => {
  it('overlapping calls: the slow call about older data does not overwrite the newer call applied before it', async () => {
    const gate = gatedProvider();
    const w = world(gate.provider);
    const a = await w.queue('call-a');
    const b = await w.queue('call-b');

    // A reads the contact (no interactions yet) and waits for its model.
    const runA = runAiCall(a, { receiveCount: 1 }, w.deps);
    await flush();
    expect(gate.pending).toHaveLength(1);
    expect(gate.pending[0]?.request.input).toContain('(no interactions recorded)');

    // A buying reply arrives; B reads it, answers and is applied.
    w.advance(5_000);
    w.addInteraction();
    const runB = runAiCall(b, { receiveCount: 1 }, w.deps);
    await flush();
    expect(gate.pending).toHaveLength(2);
    expect(gate.pending[1]?.request.input).toContain('Ready to sign');
    gate.pending[1]?.resolve(answerOf(intelligence(90, 'high')));
    await expect(runB).resolves.toBe('completed');
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 90, buyingIntent: 'high' });

    // Now A's answer, about the data before the reply, arrives.
    w.advance(20_000);
    gate.pending[0]?.resolve(answerOf(intelligence(5, 'low')));
    await runA;

    // The contact keeps the assessment of its newest data.
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 90, buyingIntent: 'high' });
  });

  it('a late score step (redelivery or DLQ redrive) does not overwrite an assessment made after it', async () => {
    const gate = gatedProvider();
    const w = world(gate.provider);
    // The first call's score step meets a busy contact on every try: stored completed, no score.
    let conflicts = 5;
    w.scores.beforeCommit = () => {
      if (conflicts-- > 0) throw new ScoreConflictError();
    };
    const a = await w.queue('call-a');
    const runA = runAiCall(a, { receiveCount: 1 }, w.deps);
    await flush();
    gate.pending[0]?.resolve(answerOf(intelligence(5, 'low')));
    await expect(runA).rejects.toThrow();
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toBeUndefined();

    // Later: a reply arrives and a new call assesses the contact.
    w.advance(60_000);
    w.addInteraction();
    const b = await w.queue('call-b');
    const runB = runAiCall(b, { receiveCount: 1 }, w.deps);
    await flush();
    gate.pending[1]?.resolve(answerOf(intelligence(90, 'high')));
    await expect(runB).resolves.toBe('completed');
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 90 });

    // The first call's message comes back (visibility timeout, or a redrive from the DLQ).
    w.advance(LEASE_MS + 360_000);
    await expect(runAiCall(a, { receiveCount: 2 }, w.deps)).resolves.toBe('duplicate');

    // The contact keeps the newer assessment.
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 90, buyingIntent: 'high' });
  });
});
