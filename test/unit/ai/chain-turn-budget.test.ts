/**
 * Each provider's turn in the chain has its share of the deadline: the defaults fit (the first
 * provider's worst turn leaves a full attempt for each later one), a turn never eats the time the
 * next provider needs, an attempt cut by the end of its turn counts against that provider's
 * breaker, and the chain's `unavailable` says whether asking again later can help.
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
import {
  CHAIN_DEFAULTS,
  countsAgainstAiProvider,
  providerChain,
  turnEnd,
  worstTurnMs,
} from '../../../shared/ai/provider-chain';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { virtualClock } from './fakes';

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'I would like a demo next week.',
  schema: { name: 'intent', jsonSchema: { type: 'object', properties: {} } },
  maxOutputTokens: 200,
};

const answer = (provider: AiProviderName): AiAnswer => ({
  provider,
  model: `${provider}-model`,
  text: '{}',
  usage: { inputTokens: 10, outputTokens: 5 },
  costUsd: 0.001,
  latencyMs: 1,
  offline: false,
});

/** Never answers; gives up when its signal aborts (as the SDKs do). */
function hanging(name: AiProviderName) {
  const provider = {
    name,
    calls: 0,
    answer(req: AiRequest): Promise<AiAnswer> {
      provider.calls += 1;
      return new Promise((_, reject) => {
        req.signal?.addEventListener('abort', () => reject(req.signal?.reason), { once: true });
      });
    },
  } satisfies AiProvider & { calls: number };
  return provider;
}

function answering(name: AiProviderName) {
  const provider = {
    name,
    calls: 0,
    async answer(): Promise<AiAnswer> {
      provider.calls += 1;
      return answer(name);
    },
  } satisfies AiProvider & { calls: number };
  return provider;
}

function failing(name: AiProviderName, kind: AiFailureKind, retryAfterMs?: number) {
  const provider = {
    name,
    calls: 0,
    async answer(): Promise<AiAnswer> {
      provider.calls += 1;
      throw new AiProviderError(`${name} says ${kind}`, kind, name, retryAfterMs ? { retryAfterMs } : {});
    },
  } satisfies AiProvider & { calls: number };
  return provider;
}

const breakersOf = (failureThreshold = 100) =>
  breakerRegistry(systemClock, { failureThreshold, windowMs: 60_000, countsAsFailure: countsAgainstAiProvider });

describe('the chain defaults fit the deadline', () => {
  it("leave at least one full attempt for every later provider after the first provider's worst turn", () => {
    // The configured chain: Anthropic, then OpenRouter.
    const providers = 2;
    const primaryWorst = worstTurnMs(CHAIN_DEFAULTS);
    expect(primaryWorst).toBe(
      (CHAIN_DEFAULTS.retries + 1) * CHAIN_DEFAULTS.attemptTimeoutMs +
        Array.from({ length: CHAIN_DEFAULTS.retries }, (_, i) =>
          Math.min(CHAIN_DEFAULTS.retryCapMs, CHAIN_DEFAULTS.retryBaseMs * 2 ** i),
        ).reduce((a, b) => a + b, 0),
    );
    expect(CHAIN_DEFAULTS.deadlineMs - primaryWorst).toBeGreaterThanOrEqual(
      (providers - 1) * CHAIN_DEFAULTS.attemptTimeoutMs,
    );
    // And the primary's own turn budget is never shorter than its worst turn: with the defaults
    // it is never cut, only the waits a provider asks for are bounded by it.
    expect(
      turnEnd(0, CHAIN_DEFAULTS.deadlineMs, providers - 1, CHAIN_DEFAULTS.attemptTimeoutMs),
    ).toBeGreaterThanOrEqual(primaryWorst);
  });

  it('turnEnd: reserves a full attempt per later provider, never below one full attempt of its own', () => {
    expect(turnEnd(0, 45_000, 1, 14_000)).toBe(31_000);
    expect(turnEnd(0, 45_000, 0, 14_000)).toBe(45_000);
    expect(turnEnd(10_000, 45_000, 2, 14_000)).toBe(24_000);
    // A deadline too short for both (the preview): the first provider keeps its full attempt.
    expect(turnEnd(0, 9_000, 1, 8_000)).toBe(8_000);
    expect(turnEnd(0, 5_000, 1, 8_000)).toBe(5_000);
  });
});

describe('turns at run time', () => {
  it("cuts a hanging provider's retry at the end of its turn, counts the cut attempt, and the fallback answers", async () => {
    const v = virtualClock();
    const anthropic = hanging('anthropic');
    const openrouter = answering('openrouter');
    const breakers = breakerRegistry(v.clock, {
      failureThreshold: 2,
      windowMs: 60_000,
      countsAsFailure: countsAgainstAiProvider,
    });
    // Anthropic's turn ends at 26 s (a full 14 s attempt kept for OpenRouter within 40 s): its first
    // attempt times out at 14 s, its retry (12 s left, more than a useful second) is cut at 26 s.
    const chain = providerChain({
      providers: [anthropic, openrouter],
      breakers,
      clock: v.clock,
      deadlineMs: 40_000,
      attemptTimeoutMs: 14_000,
      retries: 2,
      retryBaseMs: 1,
      retryCapMs: 2,
    });
    const started = v.now();
    const result = await v.run(chain.answer(request));
    expect(v.now() - started).toBeLessThan(27_000);
    expect(result).toMatchObject({
      provider: 'openrouter',
      fallback: { from: 'anthropic', reason: 'anthropic: timeout (2 attempts, turn over)' },
    });
    expect(anthropic.calls).toBe(2);
    // Both attempts counted (the threshold is 2): the next call skips Anthropic at once.
    expect(breakers.get('anthropic').state).toBe('open');
    expect(breakers.get('openrouter').state).toBe('closed');
  });

  it('does not wait out a retry-after that would eat the time kept for the next provider', async () => {
    const anthropic = failing('anthropic', 'rate-limited', 500);
    const openrouter = answering('openrouter');
    const chain = providerChain({
      providers: [anthropic, openrouter],
      breakers: breakersOf(),
      deadlineMs: 1000,
      attemptTimeoutMs: 600,
      maxRetryAfterMs: 5000,
    });
    const started = Date.now();
    const result = await chain.answer(request);
    // Anthropic's turn ends at 400 ms: a 500 ms wait does not fit, OpenRouter answers now.
    expect(Date.now() - started).toBeLessThan(300);
    expect(anthropic.calls).toBe(1);
    expect(result).toMatchObject({ provider: 'openrouter', fallback: { from: 'anthropic' } });
  });

  it('does not start a later provider that has less than a useful attempt left', async () => {
    const anthropic = hanging('anthropic');
    const openrouter = answering('openrouter');
    // The preview's shape: a deadline shorter than two attempts. Anthropic keeps its full attempt.
    const chain = providerChain({
      providers: [anthropic, openrouter],
      breakers: breakersOf(),
      deadlineMs: 300,
      attemptTimeoutMs: 250,
      retries: 1,
      offlineFallback: true,
    });
    const result = await chain.answer(request);
    expect(anthropic.calls).toBe(1);
    expect(openrouter.calls).toBe(0);
    expect(result).toMatchObject({ provider: 'offline', offline: true, fallback: { from: 'anthropic' } });
  });
});

describe("the chain's unavailable", () => {
  const chainOf = (providers: AiProvider[]) =>
    providerChain({ providers, breakers: breakersOf(), retryBaseMs: 1, retryCapMs: 2, deadlineMs: 3000 });

  it('says asking again later cannot help when every provider refused the request for good', async () => {
    const error = (await chainOf([failing('anthropic', 'spend-limit'), failing('openrouter', 'auth')])
      .answer(request)
      .catch((e: unknown) => e)) as AiProviderError;
    expect(error).toMatchObject({ kind: 'unavailable', options: { retryLater: false, firstKind: 'spend-limit' } });
    expect(error.retryLater).toBe(false);
    expect(error.finalKind).toBe('spend-limit');
  });

  it('is worth asking again when any failure may pass (a retryable kind, an open breaker)', async () => {
    const error = (await chainOf([failing('anthropic', 'bad-request'), failing('openrouter', 'overloaded')])
      .answer(request)
      .catch((e: unknown) => e)) as AiProviderError;
    expect(error.retryLater).toBe(true);
    expect(error.finalKind).toBe('unavailable');

    const breakers = breakersOf(1);
    const open = providerChain({ providers: [failing('anthropic', 'server-error')], breakers, retries: 0 });
    await open.answer(request).catch(() => undefined);
    const skipped = (await open.answer(request).catch((e: unknown) => e)) as AiProviderError;
    expect(skipped.message).toContain('circuit open');
    expect(skipped.retryLater).toBe(true);
  });

  it('a provider error keeps its own retry decision', () => {
    expect(new AiProviderError('x', 'rate-limited', 'anthropic').retryLater).toBe(true);
    expect(new AiProviderError('x', 'auth', 'anthropic').retryLater).toBe(false);
    expect(new AiProviderError('x', 'auth', 'anthropic').finalKind).toBe('auth');
    // An `unavailable` without the chain's word (e.g. a test double): worth another delivery.
    expect(new AiProviderError('x', 'unavailable', 'anthropic').retryLater).toBe(true);
  });
});
