/**
 * The failover chain over in-memory providers (no network): retries per provider for the kinds
 * worth retrying, honouring `retry-after`; spend limits never retried and handed on; breakers
 * opening and skipping a provider; the deadline; and what callers get when every provider fails.
 */
import { describe, expect, it } from 'vitest';
import {
  type AiAnswer,
  type AiFailureKind,
  type AiProvider,
  AiProviderError,
  type AiProviderName,
  type AiRequest,
} from '../../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'I would like a demo next week.',
  schema: { name: 'intent', jsonSchema: { type: 'object', properties: {} } },
  maxOutputTokens: 200,
};

type Step = 'ok' | AiFailureKind | { kind: AiFailureKind; retryAfterMs: number } | { hangMs: number };

/** A provider that plays `steps` in order (the last one repeats), counting its calls. */
function scripted(name: AiProviderName, steps: Step[]) {
  const calls: number[] = [];
  const provider: AiProvider = {
    name,
    async answer(req) {
      const step = steps[Math.min(calls.length, steps.length - 1)] as Step;
      calls.push(Date.now());
      if (step === 'ok') return answer(name);
      if (typeof step === 'object' && 'hangMs' in step) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, step.hangMs);
          req.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(req.signal?.reason);
          });
        });
        return answer(name);
      }
      const kind = typeof step === 'object' ? step.kind : step;
      const retryAfterMs = typeof step === 'object' ? step.retryAfterMs : undefined;
      throw new AiProviderError(`${name} says ${kind}`, kind, name, retryAfterMs === undefined ? {} : { retryAfterMs });
    },
  };
  return { provider, calls };
}

function answer(provider: AiProviderName): AiAnswer {
  return {
    provider,
    model: `${provider}-model`,
    text: '{}',
    usage: { inputTokens: 10, outputTokens: 5 },
    costUsd: 0.001,
    latencyMs: 1,
    offline: false,
  };
}

const fast = { retryBaseMs: 1, retryCapMs: 5, attemptTimeoutMs: 500, deadlineMs: 3000, maxRetryAfterMs: 1000 };

function chainOf(providers: AiProvider[], extra: Record<string, unknown> = {}) {
  const breakers = breakerRegistry(systemClock, {
    failureThreshold: 100,
    countsAsFailure: countsAgainstAiProvider,
    ...(extra.breaker as object),
  });
  return { chain: providerChain({ providers, breakers, ...fast, ...extra }), breakers };
}

describe('providerChain', () => {
  it('answers from the first provider when it answers, without a fallback', async () => {
    const anthropic = scripted('anthropic', ['ok']);
    const openrouter = scripted('openrouter', ['ok']);
    const result = await chainOf([anthropic.provider, openrouter.provider]).chain.answer(request);
    expect(result).toMatchObject({ provider: 'anthropic', offline: false });
    expect(result.fallback).toBeUndefined();
    expect(openrouter.calls).toHaveLength(0);
  });

  it('retries a retryable failure at the same provider, then answers', async () => {
    const anthropic = scripted('anthropic', ['overloaded', 'server-error', 'ok']);
    const result = await chainOf([anthropic.provider], { retries: 2 }).chain.answer(request);
    expect(result.provider).toBe('anthropic');
    expect(anthropic.calls).toHaveLength(3);
  });

  it('waits what retry-after asks before retrying', async () => {
    const anthropic = scripted('anthropic', [{ kind: 'rate-limited', retryAfterMs: 200 }, 'ok']);
    await chainOf([anthropic.provider]).chain.answer(request);
    const [first, second] = anthropic.calls as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(190);
  });

  it('falls over once retries are spent, recording the fallback', async () => {
    const anthropic = scripted('anthropic', ['rate-limited']);
    const openrouter = scripted('openrouter', ['ok']);
    const events: string[] = [];
    const result = await chainOf([anthropic.provider, openrouter.provider], {
      retries: 2,
      onEvent: (e: { type: string }) => events.push(e.type),
    }).chain.answer(request);
    expect(anthropic.calls).toHaveLength(3);
    expect(result.provider).toBe('openrouter');
    expect(result.fallback).toEqual({ from: 'anthropic', reason: 'anthropic: rate-limited (3 attempts)' });
    expect(events).toEqual(['retry', 'retry', 'fallback']);
  });

  it('never retries a spend limit: one call, then the next provider', async () => {
    const anthropic = scripted('anthropic', ['spend-limit']);
    const openrouter = scripted('openrouter', ['ok']);
    const result = await chainOf([anthropic.provider, openrouter.provider]).chain.answer(request);
    expect(anthropic.calls).toHaveLength(1);
    expect(result.fallback).toEqual({ from: 'anthropic', reason: 'anthropic: spend-limit (1 attempt)' });
  });

  it.each(['auth', 'bad-request', 'invalid-output'] as const)('does not retry %s', async (kind) => {
    const anthropic = scripted('anthropic', [kind]);
    const openrouter = scripted('openrouter', ['ok']);
    await chainOf([anthropic.provider, openrouter.provider]).chain.answer(request);
    expect(anthropic.calls).toHaveLength(1);
  });

  it('does not wait for a retry-after longer than its cap: the next provider answers now', async () => {
    const anthropic = scripted('anthropic', [{ kind: 'rate-limited', retryAfterMs: 60_000 }]);
    const openrouter = scripted('openrouter', ['ok']);
    const started = Date.now();
    const result = await chainOf([anthropic.provider, openrouter.provider]).chain.answer(request);
    expect(Date.now() - started).toBeLessThan(500);
    expect(anthropic.calls).toHaveLength(1);
    expect(result.provider).toBe('openrouter');
  });

  it('skips a provider whose breaker is open, without calling it', async () => {
    const anthropic = scripted('anthropic', ['overloaded']);
    const openrouter = scripted('openrouter', ['ok']);
    const { chain } = chainOf([anthropic.provider, openrouter.provider], {
      retries: 0,
      breaker: { failureThreshold: 2, openMs: 60_000 },
    });
    await chain.answer(request);
    await chain.answer(request);
    expect(anthropic.calls).toHaveLength(2);
    const third = await chain.answer(request);
    expect(anthropic.calls).toHaveLength(2);
    expect(third.fallback).toEqual({ from: 'anthropic', reason: 'anthropic: circuit open' });
  });

  it('retries a per-attempt timeout and counts it against the provider', async () => {
    const anthropic = scripted('anthropic', [{ hangMs: 10_000 }, 'ok']);
    const result = await chainOf([anthropic.provider], { attemptTimeoutMs: 100 }).chain.answer(request);
    expect(result.provider).toBe('anthropic');
    expect(anthropic.calls).toHaveLength(2);
  });

  it('throws unavailable naming every failure when all providers fail (no canned answer)', async () => {
    const anthropic = scripted('anthropic', ['spend-limit']);
    const openrouter = scripted('openrouter', [{ kind: 'rate-limited', retryAfterMs: 5 }]);
    const error = await chainOf([anthropic.provider, openrouter.provider], { retries: 1 })
      .chain.answer(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', options: { retryAfterMs: 5 } });
    expect((error as Error).message).toBe(
      'No AI provider answered: anthropic: spend-limit (1 attempt); openrouter: rate-limited (2 attempts)',
    );
    expect(((error as Error).cause as AggregateError).errors.map((e: AiProviderError) => e.kind)).toEqual([
      'spend-limit',
      'rate-limited',
    ]);
  });

  it('answers offline, flagged and with the fallback recorded, only when asked to', async () => {
    const anthropic = scripted('anthropic', ['auth']);
    const result = await chainOf([anthropic.provider], { offlineFallback: true }).chain.answer(request);
    expect(result).toMatchObject({ provider: 'offline', offline: true, text: '', costUsd: 0 });
    expect(result.fallback).toEqual({ from: 'anthropic', reason: 'anthropic: auth (1 attempt)' });
  });

  it('is the offline provider itself when no provider is configured', async () => {
    const result = await chainOf([]).chain.answer(request);
    expect(result).toMatchObject({ provider: 'offline', offline: true });
    expect(result.fallback).toBeUndefined();
  });

  it('stops at its deadline, without counting the deadline against the provider', async () => {
    const anthropic = scripted('anthropic', [{ hangMs: 10_000 }]);
    const { chain, breakers } = chainOf([anthropic.provider], {
      deadlineMs: 150,
      attemptTimeoutMs: 5000,
      breaker: { failureThreshold: 1 },
    });
    const started = Date.now();
    const error = await chain.answer(request).catch((e: unknown) => e);
    // Far under the 10 s hang: the deadline, not the provider, ended it (loose: no stopwatch test).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect((error as Error).message).toContain('anthropic: deadline passed');
    expect(breakers.get('anthropic').state).toBe('closed');
  });

  it('answers the labelled offline answer at its deadline when it may (the preview: a person waits)', async () => {
    const anthropic = scripted('anthropic', [{ hangMs: 10_000 }]);
    const openrouter = scripted('openrouter', [{ hangMs: 10_000 }]);
    const { chain } = chainOf([anthropic.provider, openrouter.provider], {
      deadlineMs: 150,
      attemptTimeoutMs: 5000,
      offlineFallback: true,
    });
    const started = Date.now();
    const result = await chain.answer(request);
    // Far under the 10 s hang: the deadline, not the provider, ended it (loose: no stopwatch test).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ provider: 'offline', offline: true, text: '' });
  });

  it('gives up at once, rethrowing its reason, when the caller aborts', async () => {
    const anthropic = scripted('anthropic', [{ hangMs: 10_000 }]);
    const openrouter = scripted('openrouter', ['ok']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller left')), 50);
    const error = await chainOf([anthropic.provider, openrouter.provider])
      .chain.answer({ ...request, signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('caller left');
    expect(openrouter.calls).toHaveLength(0);
  });
});

describe('countsAgainstAiProvider', () => {
  it('counts transient faults, spend limits and rejected keys; not a bad request or bad output', () => {
    const counts = (kind: AiFailureKind) => countsAgainstAiProvider(new AiProviderError('x', kind, 'anthropic'));
    expect(
      ['rate-limited', 'overloaded', 'server-error', 'timeout', 'network', 'spend-limit', 'auth'].every((k) =>
        counts(k as AiFailureKind),
      ),
    ).toBe(true);
    expect(counts('bad-request')).toBe(false);
    expect(counts('invalid-output')).toBe(false);
  });
});
