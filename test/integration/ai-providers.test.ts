/**
 * The real SDKs (`@anthropic-ai/sdk`, `openai`) against the local stand-ins on 127.0.0.1: a
 * structured answer that parses, usage with prompt caching, cost; each fault mapped to its kind;
 * the chain honouring retry-after, never retrying a spend limit; and the fault test of issue 14:
 * a 429 storm at Anthropic opens its breaker, OpenRouter serves the calls with the fallback
 * recorded, and after the storm and the cool-down the breaker half-opens and Anthropic answers
 * again, with the stand-ins' request counts showing no call ran more often than its retries allow.
 */
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defaultAiModels } from '../../lib/definition/ai-models';
import type { AiFaultMode } from '../../lib/local/emulators/ai-faults';
import { startLocalAi } from '../../lib/local/emulators/ai-stand-ins';
import { type AiStandIn, startAnthropicStandIn } from '../../lib/local/emulators/anthropic-server';
import { FAULT_PATH } from '../../lib/local/emulators/fault-switch';
import { startOpenRouterStandIn } from '../../lib/local/emulators/openrouter-server';
import { AiProviderError, type AiRequest, costOf } from '../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../shared/ai/provider-chain';
import { configuredProvider } from '../../shared/ai/providers';
import { anthropicProvider } from '../../shared/ai/providers/anthropic';
import { openRouterProvider } from '../../shared/ai/providers/openrouter';
import { breakerRegistry } from '../../shared/resilience/breaker-registry';
import { systemClock } from '../../shared/resilience/clock';

const intent = z.object({
  intent: z.enum(['purchase', 'support', 'complaint', 'other']),
  sentiment: z.number().min(-1).max(1),
  urgency: z.number().int().min(1).max(5),
  suggestedReply: z.string().min(20).max(600),
});

function requestFor(input: string): AiRequest {
  return {
    agent: 'email-intent',
    system: 'You read one inbound email and classify its intent, sentiment and urgency.',
    input,
    schema: { name: 'email_intent', jsonSchema: z.toJSONSchema(intent) as Record<string, unknown> },
    maxOutputTokens: 1000,
  };
}

let anthropic: AiStandIn;
let openrouter: AiStandIn;
const providers = () => ({
  anthropic: anthropicProvider({
    apiKey: anthropic.apiKey,
    baseURL: anthropic.endpoint,
    models: defaultAiModels.anthropic,
    timeoutMs: 5000,
  }),
  openrouter: openRouterProvider({
    apiKey: openrouter.apiKey,
    baseURL: openrouter.endpoint,
    models: defaultAiModels.openrouter,
    timeoutMs: 5000,
  }),
});

beforeAll(async () => {
  [anthropic, openrouter] = await Promise.all([
    startAnthropicStandIn({ port: 0, fault: 'off' }),
    startOpenRouterStandIn({ port: 0, fault: 'off' }),
  ]);
});
afterAll(async () => {
  await Promise.all([anthropic?.stop(), openrouter?.stop()]);
});
beforeEach(() => {
  anthropic.fault.set({ mode: 'off' });
  openrouter.fault.set({ mode: 'off' });
});

describe('the providers against the stand-ins', () => {
  it('Anthropic: a structured answer that parses, labelled local, with cache accounting and cost', async () => {
    const { anthropic: provider } = providers();
    const first = await provider.answer(requestFor('Can we get a demo next week? We are ready to buy.'));
    expect(intent.safeParse(JSON.parse(first.text)).success).toBe(true);
    expect(first).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5-local', offline: false });
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(first.costUsd).toBeCloseTo(costOf(first.usage, defaultAiModels.anthropic['email-intent']), 12);
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);

    // The same fixed system prompt again: read from the cache.
    const second = await provider.answer(requestFor('My invoice is wrong, please fix it.'));
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBeUndefined();
    // Different contacts, different (stable) answers.
    expect(second.text).not.toBe(first.text);
    const again = await provider.answer(requestFor('My invoice is wrong, please fix it.'));
    expect(again.text).toBe(second.text);
  });

  it('OpenRouter: a structured answer that parses, with usage and cost from the configured price', async () => {
    const answer = await providers().openrouter.answer(requestFor('Please cancel my subscription.'));
    expect(intent.safeParse(JSON.parse(answer.text)).success).toBe(true);
    expect(answer).toMatchObject({ provider: 'openrouter', model: 'openai/gpt-4o-mini-local', offline: false });
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
    expect(answer.usage.outputTokens).toBeGreaterThan(0);
    expect(answer.costUsd).toBeCloseTo(costOf(answer.usage, defaultAiModels.openrouter['email-intent']), 12);
  });

  const faults: Array<[AiFaultMode, string, string, number | undefined]> = [
    ['rate-limit', 'rate-limited', 'rate-limited', 2000],
    ['overloaded', 'overloaded', 'overloaded', undefined],
    ['server-error', 'server-error', 'server-error', undefined],
    ['spend-limit', 'spend-limit', 'spend-limit', undefined],
    ['credit-balance', 'spend-limit', 'spend-limit', undefined],
    ['auth', 'auth', 'auth', undefined],
  ];
  it.each(faults)('fault %s -> Anthropic %s, OpenRouter %s', async (mode, anthropicKind, openRouterKind, wait) => {
    anthropic.fault.set({ mode, retryAfterSeconds: 2 });
    openrouter.fault.set({ mode, retryAfterSeconds: 2 });
    const { anthropic: a, openrouter: o } = providers();
    const errorA = await a.answer(requestFor('x')).catch((e: unknown) => e);
    const errorO = await o.answer(requestFor('x')).catch((e: unknown) => e);
    expect(errorA).toBeInstanceOf(AiProviderError);
    expect(errorA).toMatchObject({ kind: anthropicKind, provider: 'anthropic' });
    expect(errorO).toMatchObject({ kind: openRouterKind, provider: 'openrouter' });
    expect((errorA as AiProviderError).options.retryAfterMs).toBe(wait);
    expect((errorO as AiProviderError).options.retryAfterMs).toBe(wait);
    expect((errorA as AiProviderError).retryable).toBe(
      ['rate-limited', 'overloaded', 'server-error'].includes(anthropicKind),
    );
  });

  it('slow beyond the SDK timeout -> timeout; nobody listening -> network', async () => {
    anthropic.fault.set({ mode: 'slow', delayMs: 1000, count: 1 });
    const slow = anthropicProvider({
      apiKey: anthropic.apiKey,
      baseURL: anthropic.endpoint,
      models: defaultAiModels.anthropic,
      timeoutMs: 150,
    });
    await expect(slow.answer(requestFor('x'))).rejects.toMatchObject({ kind: 'timeout', provider: 'anthropic' });
    const closed = await startOpenRouterStandIn({ port: 0 });
    await closed.stop();
    const nobody = openRouterProvider({ apiKey: 'k', baseURL: closed.endpoint, models: defaultAiModels.openrouter });
    await expect(nobody.answer(requestFor('x'))).rejects.toMatchObject({ kind: 'network', provider: 'openrouter' });
  });

  it('malformed: the answer is passed on as the model gave it, and does not parse', async () => {
    anthropic.fault.set({ mode: 'malformed', count: 1 });
    const answer = await providers().anthropic.answer(requestFor('x'));
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it('the fault switch is driven over HTTP on the stand-in port, and counts down', async () => {
    const put = await fetch(`${anthropic.endpoint}${FAULT_PATH}`, {
      method: 'PUT',
      body: JSON.stringify({ mode: '529', count: 1 }),
    });
    expect(await put.json()).toMatchObject({ mode: 'overloaded', remaining: 1 });
    await expect(providers().anthropic.answer(requestFor('x'))).rejects.toMatchObject({ kind: 'overloaded' });
    await expect(providers().anthropic.answer(requestFor('x'))).resolves.toMatchObject({ provider: 'anthropic' });
    const read = await fetch(`${anthropic.endpoint}${FAULT_PATH}`);
    expect(await read.json()).toMatchObject({ mode: 'off' });
    const bad = await fetch(`${anthropic.endpoint}${FAULT_PATH}`, { method: 'PUT', body: 'sometimes' });
    expect(bad.status).toBe(400);
  });
});

describe('the chain over the stand-ins', () => {
  function chain(options: { retries?: number; failureThreshold?: number; openMs?: number; attemptTimeoutMs?: number }) {
    const { anthropic: a, openrouter: o } = providers();
    const breakers = breakerRegistry(systemClock, {
      failureThreshold: options.failureThreshold ?? 100,
      openMs: options.openMs ?? 60_000,
      successThreshold: 2,
      countsAsFailure: countsAgainstAiProvider,
    });
    return {
      breakers,
      chain: providerChain({
        providers: [a, o],
        breakers,
        retries: options.retries ?? 2,
        retryBaseMs: 5,
        retryCapMs: 20,
        attemptTimeoutMs: options.attemptTimeoutMs ?? 3000,
        deadlineMs: 8000,
      }),
    };
  }
  const counts = () => ({ anthropic: anthropic.requests().length, openrouter: openrouter.requests().length });

  it('honours retry-after, then answers from Anthropic', async () => {
    anthropic.fault.set({ mode: 'rate-limit', count: 1, retryAfterSeconds: 0.3 });
    const before = counts();
    const started = Date.now();
    const answer = await chain({}).chain.answer(requestFor('x'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.provider).toBe('anthropic');
    expect(answer.fallback).toBeUndefined();
    expect(counts().anthropic - before.anthropic).toBe(2);
  });

  it('never retries a spend limit: one request to Anthropic, then OpenRouter answers', async () => {
    anthropic.fault.set({ mode: 'spend-limit' });
    const before = counts();
    const answer = await chain({}).chain.answer(requestFor('x'));
    expect(answer).toMatchObject({ provider: 'openrouter', model: 'openai/gpt-4o-mini-local' });
    expect(answer.fallback).toEqual({ from: 'anthropic', reason: 'anthropic: spend-limit (1 attempt)' });
    expect(counts()).toEqual({ anthropic: before.anthropic + 1, openrouter: before.openrouter + 1 });
  });

  it('retries a slow answer after its attempt timeout', async () => {
    anthropic.fault.set({ mode: 'slow', delayMs: 2000, count: 1 });
    const before = counts();
    const answer = await chain({ attemptTimeoutMs: 300 }).chain.answer(requestFor('x'));
    expect(answer.provider).toBe('anthropic');
    expect(counts().anthropic - before.anthropic).toBe(2);
  });

  it('fails as unavailable, naming both providers, when both are down (no canned answer)', async () => {
    anthropic.fault.set({ mode: 'auth' });
    openrouter.fault.set({ mode: 'spend-limit' });
    const error = await chain({})
      .chain.answer(requestFor('x'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect((error as Error).message).toBe(
      'No AI provider answered: anthropic: auth (1 attempt); openrouter: spend-limit (1 attempt)',
    );
  });

  it('fault test: a 429 storm opens the breaker, OpenRouter serves, the breaker half-opens and recovers', async () => {
    const openMs = 600;
    const { chain: c, breakers } = chain({ retries: 1, failureThreshold: 4, openMs });
    const breaker = breakers.get('anthropic');
    const before = counts();
    anthropic.fault.set({ mode: 'rate-limit', retryAfterSeconds: 0.02 });

    // The storm: two calls spend their two attempts each at Anthropic; the fourth failure opens it.
    const storm = [];
    for (let i = 0; i < 5; i++) storm.push(await c.answer(requestFor(`storm call ${i}`)));
    expect(storm.map((a) => a.provider)).toEqual(Array(5).fill('openrouter'));
    expect(storm.map((a) => a.fallback?.reason)).toEqual([
      'anthropic: rate-limited (2 attempts)',
      'anthropic: rate-limited (2 attempts)',
      'anthropic: circuit open',
      'anthropic: circuit open',
      'anthropic: circuit open',
    ]);
    expect(breaker.state).toBe('open');
    // Anthropic saw the attempts of the first two calls only; each call ran once at OpenRouter.
    expect(counts()).toEqual({ anthropic: before.anthropic + 4, openrouter: before.openrouter + 5 });

    // The storm ends; after the cool-down the next calls are trials, and two good ones close it.
    anthropic.fault.set({ mode: 'off' });
    await new Promise((resolve) => setTimeout(resolve, openMs + 50));
    expect(breaker.state).toBe('half-open');
    const recovered = [];
    for (let i = 0; i < 3; i++) recovered.push(await c.answer(requestFor(`after the storm ${i}`)));
    expect(recovered.map((a) => [a.provider, a.fallback])).toEqual(Array(3).fill(['anthropic', undefined]));
    expect(breaker.state).toBe('closed');
    expect(counts()).toEqual({ anthropic: before.anthropic + 7, openrouter: before.openrouter + 5 });
  });
});

describe('configuredProvider with keys, over the stand-ins', () => {
  it('builds Anthropic -> OpenRouter from configuration and answers from Anthropic', async () => {
    const provider = configuredProvider({
      config: {
        AI_MODE: 'auto',
        AI_MODELS: undefined,
        ANTHROPIC_API_KEY: anthropic.apiKey,
        ANTHROPIC_BASE_URL: anthropic.endpoint,
        OPENROUTER_API_KEY: openrouter.apiKey,
        OPENROUTER_BASE_URL: openrouter.endpoint,
      },
    });
    const answer = await provider.answer(requestFor('Is there a discount for annual plans?'));
    expect(answer).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5-local', offline: false });
  });

  it('uses only the providers with a key', async () => {
    const provider = configuredProvider({
      config: {
        AI_MODE: 'auto',
        AI_MODELS: undefined,
        ANTHROPIC_API_KEY: undefined,
        ANTHROPIC_BASE_URL: undefined,
        OPENROUTER_API_KEY: undefined,
        OPENROUTER_BASE_URL: openrouter.endpoint,
      },
      secrets: async (name) => (name === 'openrouter-api-key' ? openrouter.apiKey : undefined),
    });
    const answer = await provider.answer(requestFor('x'));
    expect(answer).toMatchObject({ provider: 'openrouter', offline: false });
    expect(answer.fallback).toBeUndefined();
  });
});

describe('the local runtime’s AI (LOCAL_AI=stand-in, the default)', () => {
  it('starts both stand-ins and gives the functions their URLs and dummy keys, never a shell key', async () => {
    const ai = await startLocalAi({
      dataDir: tmpdir(),
      env: { ANTHROPIC_API_KEY: 'sk-ant-from-shell' },
      log: () => {},
    });
    try {
      expect(ai.mode).toBe('stand-in');
      expect(ai.env.ANTHROPIC_API_KEY).toBe(ai.anthropic?.apiKey);
      const provider = configuredProvider({
        config: {
          AI_MODE: 'auto',
          AI_MODELS: undefined,
          ANTHROPIC_API_KEY: ai.env.ANTHROPIC_API_KEY,
          ANTHROPIC_BASE_URL: ai.env.ANTHROPIC_BASE_URL,
          OPENROUTER_API_KEY: ai.env.OPENROUTER_API_KEY,
          OPENROUTER_BASE_URL: ai.env.OPENROUTER_BASE_URL as string,
        },
      });
      const answer = await provider.answer(requestFor('What does the premium plan include?'));
      expect(answer).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5-local', offline: false });
      expect(ai.anthropic?.requests()).toHaveLength(1);
    } finally {
      await ai.stop();
    }
  });
});
