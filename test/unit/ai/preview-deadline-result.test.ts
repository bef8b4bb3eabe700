/**
 * Regression (review 9, HIGH): `POST /api/ai/preview` answered 500 when the model's first answer was
 * invalid and the repair attempt ran past the 10 s preview deadline, and the first, paid-for answer
 * was never added to the usage. The chain rethrew the caller's abort reason (a DOMException) and
 * runAgent/previewAgent passed it on before usage was recorded.
 * Fixed: the chain turns the caller's own deadline (`TimeoutError`) into an AiProviderError of kind
 * `timeout` (only a real cancellation stays an exception), runAgent makes the deadline, on either
 * attempt, a `failed` result of kind `timeout` that keeps the usage of the answers received, and
 * every model call is metered as it answers (budgets.ts meteredProvider).
 */
import { describe, expect, it } from 'vitest';
import { previewAgent } from '../../../shared/ai/ai-preview';
import type { AiAnswer, AiProvider } from '../../../shared/ai/ports';
import { providerChain } from '../../../shared/ai/provider-chain';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { memorySettings, memoryUsage, personalisedJson } from './fakes';

/** A model that takes `ms` per answer (honouring the abort signal); the first body is too short. */
function slowModel(ms: number): AiProvider & { calls: number } {
  const texts = [personalisedJson(40), personalisedJson(170)];
  const p = {
    name: 'anthropic' as const,
    calls: 0,
    async answer(req: { signal?: AbortSignal }): Promise<AiAnswer> {
      const text = texts[Math.min(p.calls, 1)] as string;
      p.calls += 1;
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        req.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(req.signal?.reason);
        });
      });
      return {
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        text,
        usage: { inputTokens: 1000, outputTokens: 400 },
        costUsd: 0.009,
        latencyMs: ms,
        offline: false,
      };
    },
  };
  return p;
}

describe('preview: a repair attempt that outlives the preview deadline', () => {
  it('answers a result (failed/offline) and counts the first answer, instead of throwing', async () => {
    const model = slowModel(120);
    const usage = memoryUsage();
    // As functions/ai.ts wires it, scaled down 50x: preview deadline 10 s -> 200 ms, chain 9 s -> 180 ms.
    const provider = providerChain({
      providers: [model],
      breakers: breakerRegistry(systemClock),
      offlineFallback: true,
      deadlineMs: 180,
      attemptTimeoutMs: 160,
      retries: 1,
    });
    const deps = {
      usage,
      settings: memorySettings(),
      now: () => new Date('2026-12-04T13:00:00Z'),
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      provider,
      metrics: { recorded: () => {} },
      deadlineMs: 200,
    };
    const request = {
      agent: 'content-personalisation' as const,
      input: { contact: { firstName: 'Ada' }, goal: 'Book a demo', tone: 'friendly' as const },
    };

    let thrown: unknown;
    const outcome = await previewAgent('ws-1', request, deps).catch((e) => {
      thrown = e;
      return undefined;
    });
    expect(model.calls).toBe(2); // the first answer came back (and was paid for), the repair was cut off
    expect(thrown, `previewAgent threw ${String(thrown)} (the route answers 500)`).toBeUndefined();
    expect(outcome?.status).toMatch(/failed|offline/);
    // The first answer's tokens were spent: the budget must count them.
    expect((await usage.read('ws-1', '2026-12')).total.tokensIn).toBeGreaterThanOrEqual(1000);
  });
});

describe('preview: the deadline on the first attempt, and a cancellation', () => {
  const request = { agent: 'email-intent' as const, input: { subject: 'Hi', body: 'Can we meet?' } };
  const deps = (provider: AiProvider) => ({
    usage: memoryUsage(),
    settings: memorySettings(),
    now: () => new Date('2026-12-04T13:00:00Z'),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider: providerChain({ providers: [provider], breakers: breakerRegistry(systemClock), deadlineMs: 1000 }),
    metrics: { recorded: () => {} },
    deadlineMs: 50,
  });

  it('is a failed result of kind timeout with nothing spent', async () => {
    const d = deps(slowModel(200));
    const outcome = await previewAgent('ws-1', request, d);
    expect(outcome).toMatchObject({ status: 'failed', failure: { kind: 'timeout' }, run: { attempts: 0 } });
    expect((await d.usage.read('ws-1', '2026-12')).total).toMatchObject({ tokensIn: 0, tokensOut: 0 });
  });

  it('a real cancellation (not a deadline) is still thrown by the chain', async () => {
    const chain = providerChain({ providers: [slowModel(200)], breakers: breakerRegistry(systemClock) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('left', 'AbortError')), 20);
    const thrown = await chain
      .answer({
        agent: 'email-intent',
        system: 's',
        input: 'i',
        schema: { name: 'x', jsonSchema: {} },
        maxOutputTokens: 10,
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    expect(thrown).toMatchObject({ name: 'AbortError' });
  });
});
