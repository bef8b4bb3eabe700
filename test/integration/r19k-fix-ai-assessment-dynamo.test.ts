// Review round 19: this test failed at e88bb96.
// On DynamoDB: an AI assessment based on older data replaced a newer one (the write had no
// condition on it), and a call's answer could not be kept before its score step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import type { ContactIntelligence } from '../../shared/ai/agents/contact-intelligence';
import type { AiCallRecord } from '../../shared/ai/ai-call';
import { recordContactIntelligence } from '../../shared/ai/record-contact-intelligence';
import { ScoreConflictError } from '../../shared/crm/scoring/ports';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

let dynamo: DynamoHarness;
beforeAll(async () => {
  dynamo = await startDynamo('r19k-');
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const fresh = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;
const at = new Date('2026-12-04T13:00:00.000Z');
const iso = (ms: number) => new Date(at.getTime() + ms).toISOString();
const result = (aiIntent: number): ContactIntelligence => ({
  buyingSignals: [],
  aiIntent,
  engagementVelocity: 0,
  roleType: 'unknown',
  buyingIntent: aiIntent > 50 ? 'high' : 'low',
  decisionStage: 'awareness',
  summary: `Assessment at ${aiIntent}.`,
});

async function contactIn(ws: string) {
  const contacts = dynamoContacts(dynamo.db, dynamo.table('core'));
  await contacts.create({
    contactId: 'c-1',
    workspaceId: ws,
    email: 'ada@example.com',
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  });
  return contacts;
}

describe('AI assessments on DynamoDB: an older one never replaces a newer one', () => {
  it('keeps the newer signals, with the time they are based on', async () => {
    const ws = fresh('ws');
    const contacts = await contactIn(ws);
    const store = dynamoScoreStore(dynamo.db, dynamo.table('core'));
    const deps = { store, events: { publish: async () => {} }, now: () => at };
    const source = (callId: string) => ({ callId, provider: 'anthropic' as const, model: 'm' });
    await recordContactIntelligence(ws, 'c-1', result(90), source('b'), deps, iso(5000));
    const older = await recordContactIntelligence(ws, 'c-1', result(5), source('a'), deps, iso(0));
    expect(older).toEqual({ superseded: { by: iso(5000) } });
    expect((await contacts.get(ws, 'c-1'))?.aiSignals).toMatchObject({ aiScore: 90, basedOn: iso(5000) });
  });

  it('the write itself refuses signals older than the stored ones (a conflict: the next read decides)', async () => {
    const ws = fresh('ws');
    await contactIn(ws);
    const store = dynamoScoreStore(dynamo.db, dynamo.table('core'));
    const deps = { store, events: { publish: async () => {} }, now: () => at };
    await recordContactIntelligence(
      ws,
      'c-1',
      result(90),
      { callId: 'b', provider: 'anthropic', model: 'm' },
      deps,
      iso(5000),
    );
    const state = await store.readState(ws, 'c-1');
    if (!state) throw new Error('no state');
    // A write planned from a read taken before the newer assessment, with the version it finds now.
    await expect(
      store.commit({
        workspaceId: ws,
        contactId: 'c-1',
        expectedVersion: state.version,
        state: { ...state, version: state.version + 1 },
        entries: [],
        interactionId: 'ai#a',
        aiSignals: { aiScore: 5, engagementVelocity: 0, basedOn: iso(0) },
      }),
    ).rejects.toBeInstanceOf(ScoreConflictError);
  });
});

describe('dynamoAiResults: the kept answer and a later score step', () => {
  const calls = () => dynamoAiResults(dynamo.db, dynamo.table('core'));
  const queued = (ws: string, callId: string): AiCallRecord => ({
    workspaceId: ws,
    callId,
    agent: 'contact-intelligence',
    request: { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
    status: 'queued',
    createdAt: at.toISOString(),
    createdBy: 'user-1',
    updatedAt: at.toISOString(),
    attempts: 0,
  });
  const run = {
    provider: 'anthropic' as const,
    model: 'm',
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    latencyMs: 1,
    offline: false,
    attempts: 1,
  };

  it('keeps the answer under the claim only, and the next claim finds it', async () => {
    const store = calls();
    const [ws, id] = [fresh('ws'), fresh('call')];
    await store.create(queued(ws, id));
    await store.claim(ws, id, 'first', at, new Date(at.getTime() + 120_000));
    const outcome = { status: 'completed' as const, run, output: result(20), basedOn: iso(0) };
    expect(await store.keepAnswer(ws, id, 'not-the-holder', outcome, at)).toBe(false);
    expect(await store.keepAnswer(ws, id, 'first', outcome, at)).toBe(true);
    const next = await store.claim(
      ws,
      id,
      'second',
      new Date(at.getTime() + 121_000),
      new Date(at.getTime() + 241_000),
    );
    expect(next).toMatchObject({
      outcome: 'claimed',
      record: { status: 'running', run, output: result(20), basedOn: iso(0) },
    });
  });

  it('records a later score step once, on a completed call only', async () => {
    const store = calls();
    const [ws, id] = [fresh('ws'), fresh('call')];
    await store.create(queued(ws, id));
    const superseded = { superseded: { by: iso(9000) } };
    expect(await store.recordScore(ws, id, superseded, at)).toBe(false);
    await store.claim(ws, id, 'first', at, new Date(at.getTime() + 120_000));
    await store.finish(ws, id, 'first', { status: 'completed', run, output: result(20), basedOn: iso(0) }, at);
    expect(await store.recordScore(ws, id, superseded, at)).toBe(true);
    const score = { score: { score: 1, tier: 'cold' as const, previousScore: 0, previousTier: 'cold' as const } };
    expect(await store.recordScore(ws, id, score, at)).toBe(false);
    expect(await store.get(ws, id)).toMatchObject({ status: 'completed', basedOn: iso(0), ...superseded });
    expect((await store.get(ws, id))?.score).toBeUndefined();
  });
});
