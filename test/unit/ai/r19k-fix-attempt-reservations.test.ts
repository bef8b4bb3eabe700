// Review round 19: this test failed at e88bb96.
// One reservation covered a whole chain call, which can be billed for several answers (retries
// after a 200, a refusal then the fallback): the month passed its budget with every answer fitting.
import { describe, expect, it } from 'vitest';
import { AI_TOKEN_BUDGET_SETTING, estimateOf, meteredProvider, monthOf } from '../../../shared/ai/budgets';
import { type AiAnswer, type AiProvider, AiProviderError, type AiRequest } from '../../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { AiBudgetExceededError } from '../../../shared/errors';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { memorySettings, memoryUsage } from './fakes';

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'Could we see a demo on Tuesday? '.repeat(10),
  schema: { name: 'email_intent', jsonSchema: { type: 'object' } },
  maxOutputTokens: 200,
};
const estimate = estimateOf(request, undefined);
const perAnswer = estimate.tokensIn + estimate.tokensOut;
/** What one billed answer used: within the estimate. */
const billed = { inputTokens: estimate.tokensIn - 10, outputTokens: request.maxOutputTokens, costUsd: 0 };
const now = () => new Date('2026-12-04T13:00:00Z');

/** Anthropic billed and failing after the 200 on every attempt, OpenRouter answering: three billed answers a call. */
function world(budgetAnswers: number, options: { wrap?: boolean } = {}) {
  const sent = { anthropic: 0, openrouter: 0 };
  const counted: unknown[] = [];
  const anthropic: AiProvider = {
    name: 'anthropic',
    async answer() {
      sent.anthropic += 1;
      throw new AiProviderError('failed after the 200', 'server-error', 'anthropic', { billedUnused: billed });
    },
  };
  const openrouter: AiProvider = {
    name: 'openrouter',
    async answer(): Promise<AiAnswer> {
      sent.openrouter += 1;
      return {
        provider: 'openrouter',
        model: 'gpt-test',
        text: '{}',
        usage: { inputTokens: billed.inputTokens, outputTokens: billed.outputTokens },
        costUsd: 0,
        latencyMs: 5,
        offline: false,
      };
    },
  };
  const chain = providerChain({
    providers: [anthropic, openrouter],
    breakers: breakerRegistry(systemClock, {
      countsAsFailure: (error) => {
        counted.push(error);
        return countsAgainstAiProvider(error);
      },
    }),
    deadlineMs: 10_000,
    attemptTimeoutMs: 2_000,
    retries: 1,
    retryBaseMs: 1,
    retryCapMs: 2,
  });
  // As configuredProvider wraps the chain: the request is passed on as it is.
  const behind: AiProvider = options.wrap ? { name: 'anthropic', answer: (r) => chain.answer(r) } : chain;
  const usage = memoryUsage();
  const deps = {
    usage,
    settings: memorySettings({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: budgetAnswers * perAnswer }),
    now,
  };
  const month = async () => (await usage.read('ws-1', monthOf(now()))).total;
  return { sent, counted, usage, month, metered: () => meteredProvider('ws-1', 'email-intent', behind, deps) };
}

const tokens = (t: { tokensIn: number; tokensOut: number }) => t.tokensIn + t.tokensOut;
const billedTokens = billed.inputTokens + billed.outputTokens;

describe('meteredProvider over the chain: every billed attempt is reserved before it is sent', () => {
  it('a budget of two answers: the chain stops before its third attempt, the two billed ones stay counted', async () => {
    const w = world(2);
    await expect(w.metered().answer(request)).rejects.toBeInstanceOf(AiBudgetExceededError);
    expect(w.sent).toEqual({ anthropic: 2, openrouter: 0 });
    const month = await w.month();
    expect(tokens(month)).toBe(2 * billedTokens);
    expect(tokens(month)).toBeLessThanOrEqual(2 * perAnswer);
    expect(month.calls).toBe(1);
    // The refusal is the budget's, not the provider's: no breaker counted it.
    expect(w.counted.some((e) => e instanceof AiBudgetExceededError)).toBe(false);
  });

  it('a budget of three answers: the fallback answers, each attempt reserved and settled (through a wrapper too)', async () => {
    const w = world(3, { wrap: true });
    await expect(w.metered().answer(request)).resolves.toMatchObject({ provider: 'openrouter' });
    expect(w.sent).toEqual({ anthropic: 2, openrouter: 1 });
    expect(w.usage.reserves).toBe(3);
    const month = await w.month();
    expect(tokens(month)).toBe(3 * billedTokens);
    expect(month.calls).toBe(1);
  });

  it('concurrent calls together stay within the month', async () => {
    const w = world(4);
    const outcomes = await Promise.allSettled([w.metered().answer(request), w.metered().answer(request)]);
    expect(outcomes.filter((o) => o.status === 'rejected')).not.toHaveLength(0);
    expect(tokens(await w.month())).toBeLessThanOrEqual(4 * perAnswer);
  });

  it('an attempt that is not billed gives its reservation back (a hanging provider cut by its timeout)', async () => {
    const hang: AiProvider = {
      name: 'anthropic',
      answer: (r) =>
        new Promise<AiAnswer>((_, reject) => {
          r.signal?.addEventListener('abort', () => reject(r.signal?.reason), { once: true });
        }),
    };
    const answer: AiProvider = {
      name: 'openrouter',
      async answer() {
        return {
          provider: 'openrouter',
          model: 'gpt-test',
          text: '{}',
          usage: { inputTokens: 100, outputTokens: 20 },
          costUsd: 0,
          latencyMs: 5,
          offline: false,
        };
      },
    };
    const chain = providerChain({
      providers: [hang, answer],
      breakers: breakerRegistry(systemClock, { countsAsFailure: countsAgainstAiProvider }),
      deadlineMs: 2_000,
      attemptTimeoutMs: 50,
      retries: 1,
      retryBaseMs: 1,
      retryCapMs: 2,
    });
    const usage = memoryUsage();
    const metered = meteredProvider('ws-1', 'email-intent', chain, { usage, settings: memorySettings(), now });
    await expect(metered.answer(request)).resolves.toMatchObject({ provider: 'openrouter' });
    // The cut attempts settle when their provider calls give up; then only the answer is left.
    await new Promise((r) => setTimeout(r, 20));
    const month = (await usage.read('ws-1', monthOf(now()))).total;
    expect({ tokensIn: month.tokensIn, tokensOut: month.tokensOut, calls: month.calls }).toEqual({
      tokensIn: 100,
      tokensOut: 20,
      calls: 1,
    });
  });
});
