/**
 * AI call records and monthly usage on the embedded DynamoDB: the conditional claim under a race
 * (three deliveries, one model call), lapsed claims, workspace isolation, and atomic usage counters.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoAiUsage } from '../../shared/adapters/dynamo-ai-usage';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import type { ContactIntelligence } from '../../shared/ai/agents/contact-intelligence';
import type { AiCallRecord, AiCallStore } from '../../shared/ai/ai-call';
import type { AiUsageStore } from '../../shared/ai/budgets';
import { recordContactIntelligence } from '../../shared/ai/record-contact-intelligence';
import { runAiCall } from '../../shared/ai/run-ai-call';
import { scoreInteraction } from '../../shared/crm/scoring/score-interaction';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';
import { intentJson, memorySettings, scriptedProvider } from '../unit/ai/fakes';

let dynamo: DynamoHarness;
let calls: AiCallStore;
let usage: AiUsageStore;

beforeAll(async () => {
  dynamo = await startDynamo('aicalls-');
  calls = dynamoAiResults(dynamo.db, dynamo.table('core'));
  usage = dynamoAiUsage(dynamo.db, dynamo.table('core'));
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const fresh = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;
const at = new Date('2026-12-04T13:00:00.000Z');
const later = (ms: number) => new Date(at.getTime() + ms);

const queuedCall = (workspaceId: string, callId: string): AiCallRecord => ({
  workspaceId,
  callId,
  agent: 'content-personalisation',
  request: {
    agent: 'content-personalisation',
    input: { contact: { firstName: 'Ada' }, goal: 'Book demos', tone: 'friendly' },
  },
  status: 'queued',
  createdAt: at.toISOString(),
  createdBy: 'user-1',
  updatedAt: at.toISOString(),
  attempts: 0,
});

describe('dynamoAiResults', () => {
  it('creates a call once and reads it back only in its own workspace', async () => {
    const [ws, id] = [fresh('ws'), fresh('call')];
    expect(await calls.create(queuedCall(ws, id))).toBe(true);
    expect(await calls.create({ ...queuedCall(ws, id), createdBy: 'someone-else' })).toBe(false);
    expect(await calls.get(ws, id)).toEqual(queuedCall(ws, id));
    expect(await calls.get(fresh('other-ws'), id)).toBeUndefined();
  });

  it('lets exactly one of three racing deliveries claim a call; the holder alone finishes it', async () => {
    const [ws, id] = [fresh('ws'), fresh('call')];
    await calls.create(queuedCall(ws, id));
    const claims = await Promise.all(['a', 'b', 'c'].map((c) => calls.claim(ws, id, c, at, later(120_000))));
    expect(claims.map((c) => c.outcome).sort()).toEqual(['busy', 'busy', 'claimed']);
    const holder = ['a', 'b', 'c'][claims.findIndex((c) => c.outcome === 'claimed')] as string;
    const outcome = { status: 'completed' as const, output: { subjectLines: ['x'] } };
    expect(await calls.finish(ws, id, 'not-the-holder', outcome, later(1000))).toBe(false);
    expect(await calls.finish(ws, id, holder, outcome, later(1000))).toBe(true);
    expect(await calls.get(ws, id)).toMatchObject({
      status: 'completed',
      attempts: 1,
      output: { subjectLines: ['x'] },
    });
    expect((await calls.claim(ws, id, 'late', later(500_000), later(620_000))).outcome).toBe('done');
    expect((await calls.claim(ws, fresh('nothing'), 'x', at, later(1))).outcome).toBe('missing');
  });

  it('hands a lapsed claim to the next delivery, and a released call back to the queue', async () => {
    const [ws, id] = [fresh('ws'), fresh('call')];
    await calls.create(queuedCall(ws, id));
    await calls.claim(ws, id, 'crashed', at, later(120_000));
    expect((await calls.claim(ws, id, 'early', later(60_000), later(180_000))).outcome).toBe('busy');
    expect((await calls.claim(ws, id, 'next', later(121_000), later(241_000))).outcome).toBe('claimed');
    // The crashed run, were it to wake up, can no longer store anything.
    expect(await calls.finish(ws, id, 'crashed', { status: 'offline' }, later(122_000))).toBe(false);
    await calls.release(ws, id, 'next', 'overloaded: try later', later(123_000));
    expect(await calls.get(ws, id)).toMatchObject({
      status: 'queued',
      attempts: 2,
      lastError: 'overloaded: try later',
    });
  });

  it('runs a call delivered three times at once with one model call', async () => {
    const ws = fresh('ws');
    const id = fresh('call');
    await calls.create({
      ...queuedCall(ws, id),
      agent: 'email-intent',
      request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Can we meet?' } },
    });
    const provider = scriptedProvider(intentJson, intentJson, intentJson);
    let ids = 0;
    const deps = {
      calls,
      usage,
      provider,
      settings: memorySettings(),
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      metrics: { recorded: () => {} },
      now: () => at,
      newId: () => `claim-${++ids}`,
      maxReceives: 3,
      deadlineMs: 50_000,
      // An email-intent call: nothing is scored.
      scoring: {
        store: dynamoScoreStore(dynamo.db, dynamo.table('core')),
        events: { publish: async () => {} },
        contacts: { get: async () => undefined },
        now: () => at,
      },
    };
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((receiveCount) => runAiCall({ workspaceId: ws, callId: id }, { receiveCount }, deps)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value)).toEqual(['completed']);
    expect(provider.requests).toHaveLength(1);
    expect(await calls.get(ws, id)).toMatchObject({
      status: 'completed',
      run: { model: 'claude-test', inputTokens: 100 },
    });
    expect((await usage.read(ws, '2026-12')).total).toEqual({ tokensIn: 100, tokensOut: 50, costUsd: 0.001, calls: 1 });
  });
});

describe('dynamoAiUsage', () => {
  it('adds concurrent usage exactly, per agent and in total, per workspace and month', async () => {
    const ws = fresh('ws');
    const delta = { tokensIn: 120, tokensOut: 30, costUsd: 0.000_45, calls: 1 };
    await Promise.all([
      ...Array.from({ length: 8 }, () => usage.add(ws, '2026-12', 'email-intent', delta)),
      ...Array.from({ length: 4 }, () => usage.add(ws, '2026-12', 'contact-intelligence', delta)),
    ]);
    const month = await usage.read(ws, '2026-12');
    expect(month.total).toEqual({ tokensIn: 1440, tokensOut: 360, costUsd: 0.0054, calls: 12 });
    expect(month.byAgent).toEqual({
      'email-intent': { tokensIn: 960, tokensOut: 240, costUsd: 0.0036, calls: 8 },
      'contact-intelligence': { tokensIn: 480, tokensOut: 120, costUsd: 0.0018, calls: 4 },
    });
    expect(await usage.read(ws, '2027-01')).toEqual({
      month: '2027-01',
      total: { tokensIn: 0, tokensOut: 0, costUsd: 0, calls: 0 },
      byAgent: {},
    });
    expect((await usage.read(fresh('other-ws'), '2026-12')).total.calls).toBe(0);
  });

  it('reserves concurrently only what fits the token budget, and settles back to the actual usage', async () => {
    const ws = fresh('ws');
    const budgets = { monthlyTokens: 10_000, monthlyCostUsd: 25 };
    await usage.add(ws, '2026-12', 'email-intent', { tokensIn: 6000, tokensOut: 0, costUsd: 0, calls: 1 });
    const estimate = { tokensIn: 700, tokensOut: 300, costUsd: 0.01, calls: 0 };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => usage.reserve(ws, '2026-12', 'email-intent', estimate, budgets)),
    );
    expect(results.filter((r) => r.reserved)).toHaveLength(4); // 6,000 + 4 x 1,000 = the budget exactly
    const refused = results.find((r) => !r.reserved);
    expect(refused).toMatchObject({ reserved: false, usage: { total: { tokensIn: 8800, tokensOut: 1200 } } });
    // Each settles to 100 + 50 tokens used.
    await Promise.all(
      Array.from({ length: 4 }, () =>
        usage.add(ws, '2026-12', 'email-intent', { tokensIn: -600, tokensOut: -250, costUsd: -0.009, calls: 1 }),
      ),
    );
    expect((await usage.read(ws, '2026-12')).total).toEqual({
      tokensIn: 6400,
      tokensOut: 200,
      costUsd: 0.004,
      calls: 5,
    });
    expect(await usage.reserve(ws, '2026-12', 'email-intent', estimate, budgets)).toEqual({ reserved: true });
  });

  it('refuses a reservation past the cost budget, or larger than the whole budget', async () => {
    const ws = fresh('ws');
    const budgets = { monthlyTokens: 10_000, monthlyCostUsd: 1 };
    await usage.add(ws, '2026-12', 'email-intent', { tokensIn: 10, tokensOut: 0, costUsd: 0.95, calls: 1 });
    const small = { tokensIn: 10, tokensOut: 10, costUsd: 0, calls: 0 };
    expect((await usage.reserve(ws, '2026-12', 'email-intent', { ...small, costUsd: 0.1 }, budgets)).reserved).toBe(
      false,
    );
    expect((await usage.reserve(ws, '2026-12', 'email-intent', small, budgets)).reserved).toBe(true);
    const empty = fresh('ws');
    const huge = { tokensIn: 20_000, tokensOut: 0, costUsd: 0, calls: 0 };
    expect(await usage.reserve(empty, '2026-12', 'email-intent', huge, budgets)).toMatchObject({ reserved: false });
    expect((await usage.read(empty, '2026-12')).total.calls).toBe(0);
  });

  it('backfills the token total of a month written before reservations existed, then reserves against it', async () => {
    const ws = fresh('ws');
    // A month item as the adapter wrote it before `total.tokens`.
    await dynamo.db.send(
      new UpdateCommand({
        TableName: dynamo.table('core'),
        Key: { pk: `WS#${ws}`, sk: 'AIUSAGE#2026-12' },
        UpdateExpression: 'SET #in = :in, #out = :out, #cost = :cost, #calls = :calls',
        ExpressionAttributeNames: {
          '#in': 'total.tokensIn',
          '#out': 'total.tokensOut',
          '#cost': 'total.costUsd',
          '#calls': 'total.calls',
        },
        ExpressionAttributeValues: { ':in': 8000, ':out': 1500, ':cost': 0, ':calls': 3 },
      }),
    );
    expect((await usage.read(ws, '2026-12')).total.tokensIn).toBe(8000);
    const budgets = { monthlyTokens: 10_000, monthlyCostUsd: 25 };
    const estimate = { tokensIn: 300, tokensOut: 300, costUsd: 0, calls: 0 };
    expect((await usage.reserve(ws, '2026-12', 'email-intent', estimate, budgets)).reserved).toBe(false);
    expect(
      (await usage.reserve(ws, '2026-12', 'email-intent', { ...estimate, tokensOut: 100 }, budgets)).reserved,
    ).toBe(true);
  });
});

describe('contact intelligence in the score (DynamoDB)', () => {
  it('stores the signals on the contact with the score, once per call, and later interactions keep the AI composite', async () => {
    const ws = fresh('ws');
    const contacts = dynamoContacts(dynamo.db, dynamo.table('core'));
    const store = dynamoScoreStore(dynamo.db, dynamo.table('core'));
    const published: unknown[] = [];
    const deps = {
      store,
      contacts,
      events: { publish: async (e: readonly unknown[]) => void published.push(...e) },
      now: () => at,
    };
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
    const result: ContactIntelligence = {
      buyingSignals: [],
      aiIntent: 30,
      engagementVelocity: 1,
      roleType: 'decision_maker',
      buyingIntent: 'medium',
      decisionStage: 'consideration',
      summary: 'Comparing plans.',
    };
    const source = { callId: 'call-1', provider: 'anthropic' as const, model: 'claude-haiku-4-5-local' };
    const first = await recordContactIntelligence(ws, 'c-1', result, source, deps);
    const again = await recordContactIntelligence(ws, 'c-1', result, source, deps);
    expect(first).toEqual({ score: 75, tier: 'hot', previousScore: 0, previousTier: 'cold' });
    expect(again).toMatchObject({ score: 75, previousScore: 75 });
    const stored = await contacts.get(ws, 'c-1');
    expect(stored).toMatchObject({
      score: 75,
      tier: 'hot',
      aiSignals: { aiScore: 30, engagementVelocity: 1, roleType: 'decision_maker' },
    });
    // One crossing: the replay publishes it again under the same event id (a publish that failed
    // after the commit is not lost), which every consumer dedupes.
    const crossings = published as { detail: { eventId: string } }[];
    expect(new Set(crossings.map((e) => e.detail.eventId))).toEqual(new Set([expect.stringMatching(/^tier-c-1-hot-/)]));
    // An opened email afterwards is scored on top of the AI composite, not instead of it.
    const after = await scoreInteraction(
      stored as NonNullable<typeof stored>,
      { interactionId: 'i-1', type: 'email_opened', occurredAt: at.toISOString() } as never,
      deps,
    );
    expect(after.score).toBeGreaterThanOrEqual(75);
    expect((await store.readState(ws, 'c-1'))?.model).toBe('ai');
  });
});
