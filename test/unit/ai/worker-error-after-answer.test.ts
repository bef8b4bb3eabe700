// Review round 12: this test failed at eab1d13 (a failing score step after the paid-for answer left the call `running` on the last delivery and made a redelivery ask (and bill) the model again).
/**
 * Review 12, finding 2 (HIGH): runAiCall records a completed contact-intelligence call in the
 * contact's score (recordContactIntelligence) *outside* its try block, after the model has
 * answered and been paid for. When that step throws (the score kept changing: ConflictError
 * SCORE_CONFLICT after 5 attempts on a busy contact; a DynamoDB throttle), the error escapes with
 * the claim still held: the validated output is thrown away, the call stays `running`, and
 *  - before the last delivery: the redelivery takes the lapsed claim and asks the model again
 *    (a second model call, billed a second time) - for an error the worker caught in-process,
 *    not a crash;
 *  - on the last delivery: nothing stores the call `failed`, so it stays `running` for good while
 *    its message sits in the DLQ (docs/AI.md: "on the last receive ... the call is stored
 *    `failed` ... so no call stays `queued` once its message is in the DLQ").
 *
 * Fault: shared/ai/run-ai-call.ts:runAiCall (the recordContactIntelligence call after the try).
 * Fix: keep the model's outcome once it is paid for - store it on the record (e.g. `completed`
 * with `score` pending, or the output on the claim) before scoring, and on any later error
 * release/fail the claim like the other errors (last delivery: `failed`, kind internal, run kept).
 */
import { describe, expect, it } from 'vitest';
import type { AiCallMessage, AiCallRecord } from '../../../shared/ai/ai-call';
import { LEASE_MS, runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact } from '../../../shared/crm/model';
import { ScoreConflictError } from '../../../shared/crm/scoring/ports';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { memoryCalls, memorySettings, memoryUsage, scriptedProvider } from './fakes';

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
const intelligenceJson = JSON.stringify({
  buyingSignals: [{ signal: 'Asked for pricing', evidence: 'email_replied 2026-12-01', strength: 'strong' }],
  aiIntent: 30,
  engagementVelocity: 1,
  roleType: 'decision_maker',
  buyingIntent: 'medium',
  decisionStage: 'consideration',
  summary: 'Ready to buy.',
});

async function world() {
  let clock = Date.parse('2026-12-04T13:00:00.000Z');
  let ids = 0;
  const calls = memoryCalls();
  const usage = memoryUsage();
  const provider = scriptedProvider(intelligenceJson, intelligenceJson);
  const scores = new MemoryScoreStore();
  scores.contactRecords.set('c-1', contact);
  let scoreWritesFail = true;
  // A contact whose score keeps moving (or a throttled table): every commit conflicts.
  scores.beforeCommit = () => {
    if (scoreWritesFail) throw new ScoreConflictError();
  };
  const record: AiCallRecord = {
    workspaceId: 'ws-1',
    callId: 'call-1',
    agent: 'contact-intelligence',
    request: { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
    status: 'queued',
    createdAt: '2026-12-04T13:00:00.000Z',
    createdBy: 'user-1',
    updatedAt: '2026-12-04T13:00:00.000Z',
    attempts: 0,
  };
  await calls.create(record);
  const deps = {
    calls,
    usage,
    settings: memorySettings(),
    now: () => new Date(clock),
    newId: () => `id-${++ids}`,
    contacts: { get: async (ws: string, id: string) => (ws === 'ws-1' && id === 'c-1' ? contact : undefined) },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider,
    metrics: { recorded: () => {} },
    maxReceives: 3,
    deadlineMs: 50_000,
    scoring: { store: scores, events: new MemoryEvents(), now: () => new Date(clock) },
  };
  const message: AiCallMessage = { workspaceId: 'ws-1', callId: 'call-1' };
  return {
    calls,
    usage,
    provider,
    deps,
    message,
    advance: (ms: number) => {
      clock += ms;
    },
    healScores: () => {
      scoreWritesFail = false;
    },
  };
}

describe('review12: the score step fails after the model answered', () => {
  it('on the last delivery, the call does not stay running with its message dead-lettered', async () => {
    const w = await world();
    await runAiCall(w.message, { receiveCount: 3 }, w.deps).catch(() => undefined);
    const stored = await w.calls.get('ws-1', 'call-1');
    // Stored as an outcome (failed, or completed without the score), never left `running`.
    expect(stored?.status).not.toBe('running');
    expect(['failed', 'completed']).toContain(stored?.status);
  });

  it('a redelivery after the failure does not ask (and bill) the model a second time', async () => {
    const w = await world();
    await runAiCall(w.message, { receiveCount: 1 }, w.deps).catch(() => undefined);
    expect(w.provider.requests).toHaveLength(1);

    // The message comes back after the visibility timeout (360 s > the 120 s lease); the score store is fine again.
    w.healScores();
    w.advance(LEASE_MS + 1);
    await runAiCall(w.message, { receiveCount: 2 }, w.deps).catch(() => undefined);

    expect(w.provider.requests).toHaveLength(1);
    const month = await w.usage.read('ws-1', '2026-12');
    expect(month.total.tokensIn).toBe(100);
    expect(month.total.tokensOut).toBe(50);
  });
});
