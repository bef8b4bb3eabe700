/**
 * Defect: when storing a contact-intelligence call's outcome fails AFTER its score was committed
 * (the `finish` write throttled or erroring once), the message's redelivery takes the lapsed claim
 * and asks the model AGAIN: a second paid model call, whose new answer is then stored as the call's
 * output while the contact keeps the FIRST answer's signals (the score claim `ai#<callId>` is
 * taken, so the second answer is never applied and the record says `score` unchanged). The call's
 * record and the contact's score now disagree about what the AI said, and the ledger entry names a
 * call whose stored output is not the one it applied. docs/AI.md: "an error after the model's
 * answer never asks the model again".
 *
 * Severity: LOW-MEDIUM (an extra billed model call and an inconsistent record after one transient
 * DynamoDB error; no data loss).
 *
 * Root cause: shared/ai/run-ai-call.ts `runAiCall`: the score is committed before the outcome is
 * stored (`scoreOf` then `finish`), and a claim whose run already has an answer is re-run from
 * scratch on redelivery.
 *
 * Correct: store the completed outcome first (as the score-failure path already does) and score from
 * the stored output (followUpDone); or, on a re-claim, find the call's score claim taken and not
 * ask the model again. Either way one model call, and the stored output is the applied one.
 */
import { describe, expect, it } from 'vitest';
import type { AiCallMessage, AiCallRecord } from '../../../shared/ai/ai-call';
import { LEASE_MS, runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact } from '../../../shared/crm/model';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { memoryCalls, memorySettings, memoryUsage, scriptedProvider } from './fakes';

const intelligence = (aiIntent: number) =>
  JSON.stringify({
    buyingSignals: [],
    aiIntent,
    engagementVelocity: 0,
    roleType: 'unknown',
    buyingIntent: aiIntent > 50 ? 'high' : 'low',
    decisionStage: 'awareness',
    summary: `Assessment at ${aiIntent}.`,
  });

describe('runAiCall: the outcome write fails after the score was committed', () => {
  it('the redelivery asks no model again, and the stored output is the one the contact got', async () => {
    let clock = Date.parse('2026-12-04T13:00:00.000Z');
    let ids = 0;
    const calls = memoryCalls();
    // The first outcome write fails once (a throttle), after the score step committed.
    const finish = calls.finish.bind(calls);
    let failFinish = 1;
    calls.finish = async (...args) => {
      if (failFinish-- > 0) throw new Error('ProvisionedThroughputExceededException: Rate of requests exceeds');
      return finish(...args);
    };
    const provider = scriptedProvider(intelligence(20), intelligence(95));
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
      usage: memoryUsage(),
      settings: memorySettings(),
      now: () => new Date(clock),
      newId: () => `id-${++ids}`,
      contacts: {
        get: async (ws: string, id: string) => (ws === 'ws-1' ? (scores.contactRecords.get(id) as Contact) : undefined),
      },
      interactions: { timeline: async () => ({ interactions: [] }) },
      provider,
      metrics: { recorded: () => {} },
      maxReceives: 3,
      deadlineMs: 50_000,
      scoring: { store: scores, events: new MemoryEvents(), now: () => new Date(clock) },
    };
    const message: AiCallMessage = { workspaceId: 'ws-1', callId: 'call-1' };

    await expect(runAiCall(message, { receiveCount: 1 }, deps)).rejects.toThrow('ProvisionedThroughput');
    expect(scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 20 });

    // The message comes back after the visibility timeout (360 s), past the claim's lease.
    clock += Math.max(LEASE_MS, 360_000) + 1;
    await runAiCall(message, { receiveCount: 2 }, deps);

    const stored = await calls.get('ws-1', 'call-1');
    const applied = scores.contactRecords.get('c-1')?.aiSignals?.aiScore;
    expect(
      { modelCalls: provider.requests.length, storedAiIntent: (stored?.output as { aiIntent?: number })?.aiIntent },
      'one model call, and the stored output is the one applied to the contact',
    ).toEqual({ modelCalls: 1, storedAiIntent: applied });
  });
});
