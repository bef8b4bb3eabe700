/**
 * Review round 22 (c), the class of test/integration/r22c-ai-output-unstorable-number.test.ts and
 * test/unit/r22c-ai-dlq-redrive-never-runs.test.ts: whatever fails after the model answered goes
 * through the worker's one error handling, so a call is never left `running`:
 * - the store refusing the answer for good (a DynamoDB ValidationException: not transient) fails
 *   the call at once, with the paid run: asking the model again would be paid and refused again;
 * - a transient error (a throttle) gives the call back for a redelivery, and on the last delivery
 *   stores it `failed` and dead-lettered and fails the message; a redrive then runs it;
 * - a failure that passes by itself on the last delivery (every provider down) fails the message
 *   too, so it reaches the DLQ as docs/AI.md says, instead of being deleted.
 */
import { describe, expect, it } from 'vitest';
import type { AiCallOutcome, AiCallRecord } from '../../../shared/ai/ai-call';
import { AiProviderError } from '../../../shared/ai/ports';
import { runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact } from '../../../shared/crm/model';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { intentJson, memoryCalls, memorySettings, memoryUsage, type Step, scriptedProvider } from './fakes';

/** What the DynamoDB document client throws for an item it cannot store (HTTP 400, not retryable). */
const refused = () =>
  Object.assign(new Error('ExpressionAttributeValues contains invalid value: Number underflow'), {
    name: 'ValidationException',
    $metadata: { httpStatusCode: 400 },
  });
/** A throttle, as the SDK marks it (HTTP 400, `$retryable`). */
const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
    $retryable: { throttling: true },
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
const intelligenceJson = JSON.stringify({
  buyingSignals: [],
  aiIntent: 40,
  engagementVelocity: 0.5,
  roleType: 'unknown',
  buyingIntent: 'low',
  decisionStage: 'awareness',
  summary: 'A quiet contact.',
});

function world(agent: 'email-intent' | 'contact-intelligence', ...steps: Step[]) {
  let clock = Date.parse('2026-12-04T13:00:00.000Z');
  let ids = 0;
  const calls = memoryCalls();
  const provider = scriptedProvider(...steps);
  const scores = new MemoryScoreStore();
  scores.contactRecords.set('c-1', contact);
  const record: AiCallRecord = {
    workspaceId: 'ws-1',
    callId: 'call-1',
    agent,
    request:
      agent === 'email-intent'
        ? { agent, input: { subject: 'Hi', body: 'Can we meet Tuesday?' } }
        : { agent, input: { contactId: 'c-1' } },
    status: 'queued',
    createdAt: '2026-12-04T13:00:00.000Z',
    createdBy: 'user-1',
    updatedAt: '2026-12-04T13:00:00.000Z',
    attempts: 0,
  };
  const deps = {
    calls,
    usage: memoryUsage(),
    settings: memorySettings(),
    now: () => new Date(clock),
    newId: () => `claim-${++ids}`,
    contacts: { get: async (ws: string, id: string) => (ws === 'ws-1' && id === 'c-1' ? contact : undefined) },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider,
    metrics: { recorded: () => {} },
    maxReceives: 3,
    deadlineMs: 50_000,
    scoring: { store: scores, events: new MemoryEvents(), now: () => new Date(clock) },
  };
  /** The queue's delivery `receiveCount`, after the visibility timeout (360 s) since the last one. */
  const deliver = async (receiveCount: number) => {
    clock += 361_000;
    return runAiCall({ workspaceId: 'ws-1', callId: 'call-1' }, { receiveCount }, deps).then(
      (outcome) => outcome as string,
      (error: Error) => `threw ${error.name}`,
    );
  };
  return { calls, provider, deps, deliver, ready: () => calls.create(record) };
}

describe('an error after the model answered', () => {
  it('the outcome write refused for good: the call fails at once with its paid run, and the model is asked once', async () => {
    const w = world('email-intent', intentJson, intentJson, intentJson);
    await w.ready();
    const finish = w.calls.finish.bind(w.calls);
    // The store refuses the answer (an item it cannot hold), not the failure that replaces it.
    w.calls.finish = async (ws, id, claim, outcome: AiCallOutcome, now) => {
      if (outcome.output !== undefined) throw refused();
      return finish(ws, id, claim, outcome, now);
    };
    expect(await w.deliver(1)).toBe('failed');
    expect(await w.deliver(2)).toBe('duplicate');
    expect(w.provider.requests).toHaveLength(1);
    expect(await w.calls.get('ws-1', 'call-1')).toMatchObject({
      status: 'failed',
      failure: { kind: 'internal', reason: expect.stringContaining('ValidationException') },
      run: { attempts: 1, inputTokens: 100 },
    });
  });

  it('the answer not kept for good (contact intelligence): the same, and the contact is not scored', async () => {
    const w = world('contact-intelligence', intelligenceJson, intelligenceJson);
    await w.ready();
    w.calls.keepAnswer = async () => {
      throw refused();
    };
    expect(await w.deliver(1)).toBe('failed');
    expect(w.provider.requests).toHaveLength(1);
    const stored = await w.calls.get('ws-1', 'call-1');
    expect(stored).toMatchObject({ status: 'failed', failure: { kind: 'internal' } });
    expect(stored).not.toHaveProperty('score');
  });

  it('a transient error: given back, then on the last delivery failed and dead-lettered; a redrive completes it', async () => {
    const w = world('contact-intelligence', ...Array.from({ length: 4 }, () => intelligenceJson));
    await w.ready();
    const keepAnswer = w.calls.keepAnswer.bind(w.calls);
    let throttle = true;
    w.calls.keepAnswer = async (...args) => {
      if (throttle) throw throttled();
      return keepAnswer(...args);
    };
    expect(await w.deliver(1)).toBe('threw ProvisionedThroughputExceededException');
    expect(await w.calls.get('ws-1', 'call-1')).toMatchObject({ status: 'queued' });
    expect(await w.deliver(2)).toBe('threw ProvisionedThroughputExceededException');
    expect(await w.deliver(3)).toBe('threw ProvisionedThroughputExceededException');
    expect(await w.calls.get('ws-1', 'call-1')).toMatchObject({
      status: 'failed',
      failure: { kind: 'internal', deadLettered: true },
      // The last answer's run: it was paid for.
      run: { attempts: 1 },
    });

    throttle = false;
    expect(await w.deliver(1)).toBe('completed');
    const stored = await w.calls.get('ws-1', 'call-1');
    expect(stored).toMatchObject({ status: 'completed', attempts: 4, score: { previousScore: 10 } });
    expect(stored).not.toHaveProperty('failure');
    expect(w.provider.requests).toHaveLength(4);
  });

  it('a kept answer survives the DLQ: the redrive scores from it and asks no model', async () => {
    const w = world('contact-intelligence', intelligenceJson);
    await w.ready();
    const finish = w.calls.finish.bind(w.calls);
    let throttle = true;
    w.calls.finish = async (ws, id, claim, outcome: AiCallOutcome, now) => {
      if (throttle && outcome.status === 'completed') throw throttled();
      return finish(ws, id, claim, outcome, now);
    };
    expect(await w.deliver(3)).toBe('threw ProvisionedThroughputExceededException');
    expect(await w.calls.get('ws-1', 'call-1')).toMatchObject({
      status: 'failed',
      failure: { deadLettered: true },
      output: { aiIntent: 40 },
    });
    throttle = false;
    expect(await w.deliver(1)).toBe('completed');
    expect(w.provider.requests).toHaveLength(1);
    expect(await w.calls.get('ws-1', 'call-1')).toMatchObject({ status: 'completed', output: { aiIntent: 40 } });
  });
});

describe('the last delivery of a failure that may pass by itself', () => {
  it('every provider down: stored failed and dead-lettered, the message failed; a redrive runs the call', async () => {
    const down = new AiProviderError('every provider failed', 'unavailable', 'anthropic');
    const w = world('email-intent', down, intentJson);
    await w.ready();
    expect(await w.deliver(3)).toBe('threw AiProviderError');
    expect(await w.calls.get('ws-1', 'call-1')).toMatchObject({
      status: 'failed',
      failure: { kind: 'unavailable', deadLettered: true },
    });
    expect(await w.deliver(1)).toBe('completed');
  });

  it('a failure no redelivery can cure is stored once and the message deleted: a redrive changes nothing', async () => {
    const spent = new AiProviderError('credit balance too low', 'spend-limit', 'anthropic');
    const w = world('email-intent', spent, intentJson);
    await w.ready();
    expect(await w.deliver(3)).toBe('failed');
    const stored = await w.calls.get('ws-1', 'call-1');
    expect(stored).toMatchObject({ status: 'failed', failure: { kind: 'spend-limit' } });
    expect(stored?.failure).not.toHaveProperty('deadLettered');
    expect(await w.deliver(1)).toBe('duplicate');
    expect(w.provider.requests).toHaveLength(1);
  });
});
