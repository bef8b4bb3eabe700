// Review round 12: this test failed at eab1d13 (a primary that hangs ate the whole 45 s deadline on its own 3 x 20 s attempts, so OpenRouter was never asked, and the deadline-cut third attempt was not counted, so the breaker never opened).
/**
 * Review 12, finding 3 (HIGH): with the chain's own defaults (CHAIN_DEFAULTS, what
 * functions/ai-call-worker.ts gets: deadline 45 s, 20 s per attempt, 2 retries) a primary that
 * stops answering (hung connection, a stuck model: kind `timeout`) eats the whole deadline on its
 * own retries: 20 s + backoff + 20 s + backoff, then the third attempt is cut by the deadline at
 * 45 s. OpenRouter is never asked, so the fallback never serves a timing-out Anthropic; the call
 * fails `unavailable`, goes back to SQS for 360 s and does the same again. The breaker does not save
 * it either: each call records only two counted timeouts (the third attempt is cut by the call's
 * deadline, which does not count), at most ~3 inside the 60 s window for calls run one after the
 * other, so it never reaches 5 and never opens. docs/AI.md: "Timeout ... retried: yes, falls over:
 * after retries".
 *
 * Fault: shared/ai/provider-chain.ts:providerChain/CHAIN_DEFAULTS (3 x 20 s of attempts > 45 s
 * deadline, and no time reserved for the next provider).
 * Fix: give each provider's turn its own budget that leaves the next provider time (e.g. stop a
 * provider's retries when less than one attempt timeout would be left for the rest of the chain),
 * or make retries x attemptTimeoutMs fit within a share of deadlineMs.
 */
import { describe, expect, it } from 'vitest';
import type { AiAnswer, AiProvider, AiProviderName, AiRequest } from '../../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import type { Clock } from '../../../shared/resilience/clock';
import { virtualClock } from './fakes';

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'I would like a demo next week.',
  schema: { name: 'intent', jsonSchema: { type: 'object', properties: {} } },
  maxOutputTokens: 200,
};

/** Never answers; gives up when its signal aborts (as the SDKs do). */
function hanging(name: AiProviderName): AiProvider & { calls: number } {
  const p = {
    name,
    calls: 0,
    answer(req: AiRequest): Promise<AiAnswer> {
      p.calls += 1;
      return new Promise((_, reject) => {
        req.signal?.addEventListener('abort', () => reject(req.signal?.reason), { once: true });
      });
    },
  };
  return p;
}

function answering(name: AiProviderName): AiProvider & { calls: number } {
  const p = {
    name,
    calls: 0,
    async answer(): Promise<AiAnswer> {
      p.calls += 1;
      return {
        provider: name,
        model: `${name}-model`,
        text: '{}',
        usage: { inputTokens: 10, outputTokens: 5 },
        costUsd: 0.001,
        latencyMs: 1,
        offline: false,
      };
    },
  };
  return p;
}

/** The worker's chain: configuredProvider's breaker settings, the chain's defaults. */
function workerChain(clock: Clock, providers: AiProvider[]) {
  const breakers = breakerRegistry(clock, {
    failureThreshold: 5,
    windowMs: 60_000,
    openMs: 30_000,
    successThreshold: 2,
    countsAsFailure: countsAgainstAiProvider,
  });
  return { chain: providerChain({ providers, breakers, clock }), breakers };
}

describe('review12: a primary that times out, with the worker chain defaults', () => {
  it('hands the call to OpenRouter within the deadline', async () => {
    const v = virtualClock();
    const anthropic = hanging('anthropic');
    const openrouter = answering('openrouter');
    const { chain } = workerChain(v.clock, [anthropic, openrouter]);

    const result = await v.run(chain.answer(request)).catch((e: unknown) => e);

    expect(openrouter.calls).toBe(1);
    expect(result).toMatchObject({ provider: 'openrouter', fallback: { from: 'anthropic' } });
  });

  it('opens the primary breaker (or falls over) across calls made one after another', async () => {
    const v = virtualClock();
    const anthropic = hanging('anthropic');
    const openrouter = answering('openrouter');
    const { chain, breakers } = workerChain(v.clock, [anthropic, openrouter]);

    // Six queued calls in a row on one worker instance (~4.5 minutes of a hung Anthropic).
    for (let i = 0; i < 6; i++) await v.run(chain.answer(request)).catch(() => undefined);

    // Either the fallback served some of them, or at least the breaker learned Anthropic is down.
    expect(openrouter.calls > 0 || breakers.get('anthropic').state !== 'closed').toBe(true);
  });
});
