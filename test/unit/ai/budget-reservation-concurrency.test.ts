/**
 * Regression (review 9): the monthly budget check was read-then-compare with usage added after the
 * model answered, so 20 concurrent queued calls against 1,000 tokens left took the month to 3.5x
 * its budget (the overshoot grew with the number of concurrent runs).
 * Fixed: each model call reserves its worst case (prompt estimate + maxOutputTokens, and its cost)
 * with one conditional ADD that only succeeds while the total stays within the budgets (refused:
 * 429 / `failed` budget-exceeded), and settles actual minus estimate when it answers (or gives the
 * estimate back when it fails); see budgets.ts meteredProvider and AiUsageStore.reserve.
 */
import { describe, expect, it } from 'vitest';
import { previewAgent } from '../../../shared/ai/ai-preview';
import { AI_TOKEN_BUDGET_SETTING, estimateOf } from '../../../shared/ai/budgets';
import { type AiAnswer, type AiProvider, AiProviderError } from '../../../shared/ai/ports';
import { runAiCall } from '../../../shared/ai/run-ai-call';
import { AiBudgetExceededError } from '../../../shared/errors';
import { intentJson, memoryCalls, memorySettings, memoryUsage, scriptedProvider } from './fakes';

describe('budget: concurrent queued calls', () => {
  it('cannot take the month far past its budget', async () => {
    const calls = memoryCalls();
    const usage = memoryUsage();
    // 9,000 of the 10,000 tokens used already this month.
    await usage.add('ws-1', '2026-12', 'email-intent', { tokensIn: 9000, tokensOut: 0, costUsd: 0, calls: 1 });
    let modelCalls = 0;
    const provider: AiProvider = {
      name: 'anthropic',
      async answer(): Promise<AiAnswer> {
        modelCalls += 1;
        await new Promise((r) => setTimeout(r, 20)); // a model takes a while to answer
        return {
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          text: intentJson,
          usage: { inputTokens: 1000, outputTokens: 300 },
          costUsd: 0.0025,
          latencyMs: 20,
          offline: false,
        };
      },
    };
    const N = 20;
    for (let i = 0; i < N; i++) {
      await calls.create({
        workspaceId: 'ws-1',
        callId: `call-${i}`,
        agent: 'email-intent',
        request: { agent: 'email-intent', input: { subject: 'Hi', body: `Email ${i}` } },
        status: 'queued',
        createdAt: '2026-12-04T13:00:00.000Z',
        createdBy: 'user-1',
        updatedAt: '2026-12-04T13:00:00.000Z',
        attempts: 0,
      });
    }
    let ids = 0;
    const deps = {
      calls,
      usage,
      settings: memorySettings({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 10_000 }),
      now: () => new Date('2026-12-04T13:00:00Z'),
      newId: () => `claim-${++ids}`,
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      provider,
      metrics: { recorded: () => {} },
      maxReceives: 3,
      deadlineMs: 50_000,
      scoring: {} as never,
    };
    // An SQS batch / several worker instances: the calls run at the same time.
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        runAiCall({ workspaceId: 'ws-1', callId: `call-${i}` }, { receiveCount: 1 }, deps),
      ),
    );
    const total = (await usage.read('ws-1', '2026-12')).total;
    const used = total.tokensIn + total.tokensOut;
    expect({ modelCalls, used }, `${modelCalls} model calls admitted; ${used} of 10,000 tokens used`).toMatchObject({
      // With 1,000 tokens left, at most one ~1,300-token call may overshoot.
      used: expect.toSatisfy((n: number) => n <= 10_000 + 1_300),
    });
  });
});

describe('budget: reservations', () => {
  const request = { agent: 'email-intent' as const, input: { subject: 'Hi', body: 'Can we meet?' } };
  const deps = (usage: ReturnType<typeof memoryUsage>, provider: AiProvider, budget: number) => ({
    usage,
    settings: memorySettings({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: budget }),
    now: () => new Date('2026-12-04T13:00:00Z'),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider,
    metrics: { recorded: () => {} },
  });

  it('refuses a call the budget cannot take with 429 before the model is asked, even with tokens left', async () => {
    const usage = memoryUsage();
    const provider = scriptedProvider(intentJson);
    const error = await previewAgent('ws-1', request, deps(usage, provider, 500)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiBudgetExceededError);
    expect((error as AiBudgetExceededError).message).toMatch(/may need more than what is left/);
    expect(provider.requests).toHaveLength(0);
    expect((await usage.read('ws-1', '2026-12')).total.tokensIn).toBe(0);
  });

  it('gives the reservation back when a model call fails without an answer', async () => {
    const usage = memoryUsage();
    const provider = scriptedProvider(new AiProviderError('down', 'unavailable', 'anthropic'));
    const outcome = await previewAgent('ws-1', request, deps(usage, provider, 100_000));
    expect(outcome).toMatchObject({ status: 'failed', failure: { kind: 'unavailable' } });
    expect((await usage.read('ws-1', '2026-12')).total).toEqual({ tokensIn: 0, tokensOut: 0, costUsd: 0, calls: 0 });
  });

  it('reserves the cost at the dearest configured price when prices are known', () => {
    const price = { model: 'm', inputPerMTok: 3, outputPerMTok: 15 };
    const cheap = { model: 'c', inputPerMTok: 1, outputPerMTok: 5 };
    const agents = { 'email-intent': price, 'content-personalisation': price, 'contact-intelligence': price };
    const estimate = estimateOf(
      {
        agent: 'email-intent',
        system: 'x'.repeat(300),
        input: '',
        schema: { name: 'n', jsonSchema: {} },
        maxOutputTokens: 1000,
      },
      { anthropic: agents, openrouter: { ...agents, 'email-intent': cheap } },
    );
    expect(estimate).toEqual({ tokensIn: 101, tokensOut: 1000, costUsd: (3 * 101 + 15 * 1000) / 1e6, calls: 0 });
  });
});
