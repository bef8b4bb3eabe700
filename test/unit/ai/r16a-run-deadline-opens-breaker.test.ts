// Review round 16: this test failed at e19efd2.
/**
 * Defect: the run's own deadline (the signal the agent run passes down: `AbortSignal.timeout`
 * in shared/ai/ai-preview.ts and shared/ai/run-ai-call.ts, which aborts with a `TimeoutError`)
 * cutting a provider's attempt is counted against that provider's circuit breaker as a provider
 * timeout. Five runs whose deadline passes while Anthropic is answering (e.g. a preview's repair
 * attempt, which gets only what is left of the 10 s, or a queued call's repair after a slow first
 * answer) open Anthropic's breaker for every call of the process for 30 s, although Anthropic
 * never failed: it was simply not given the time. docs/AI.md (Breaker row): counted failures are
 * "not the call's own deadline (not the provider's fault)"; the chain's own deadline is treated so
 * (an AbortError, not counted), the caller's identical deadline is not.
 * Severity: MEDIUM (healthy primary shut out for everyone; the fallback's dearer/other model serves).
 *
 * Root cause: shared/ai/provider-chain.ts:providerChain (turn: the attempt signal merges the
 * caller's `request.signal`, whose reason is a TimeoutError) with
 * shared/resilience/circuit-breaker.ts:CircuitBreaker#counts, which counts any aborted signal
 * whose reason classifies as `timeout`, without telling the caller's deadline from the per-attempt
 * / per-turn timeouts.
 *
 * Correct behaviour: an attempt cut because the caller's signal aborted (deadline or not) does not
 * count toward opening the breaker; only the chain's per-attempt timeout and turn end do.
 */
import { describe, expect, it } from 'vitest';
import type { AiProvider, AiRequest } from '../../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { virtualClock } from './fakes';

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'I would like a demo next week.',
  schema: { name: 'email_intent', jsonSchema: { type: 'object' } },
  maxOutputTokens: 200,
};

describe("the caller's deadline and the breaker", () => {
  it("five runs cut by their own deadline do not open a healthy provider's breaker", async () => {
    const { clock } = virtualClock();
    const breakers = breakerRegistry(clock, {
      failureThreshold: 5,
      windowMs: 60_000,
      openMs: 30_000,
      successThreshold: 2,
      countsAsFailure: countsAgainstAiProvider,
    });
    let runDeadline: AbortController | undefined;
    // A healthy Anthropic that is still writing its answer when the run's deadline passes.
    const anthropic: AiProvider = {
      name: 'anthropic',
      answer: (r) =>
        new Promise((_, reject) => {
          r.signal?.addEventListener('abort', () => reject(r.signal?.reason), { once: true });
          // The run's deadline (AbortSignal.timeout aborts with a TimeoutError) passes now.
          queueMicrotask(() => runDeadline?.abort(new DOMException('The operation timed out.', 'TimeoutError')));
        }),
    };
    const chain = providerChain({ providers: [anthropic], breakers, clock });
    for (let i = 0; i < 5; i++) {
      runDeadline = new AbortController();
      const outcome = await chain.answer({ ...request, signal: runDeadline.signal }).catch((e: unknown) => e);
      expect(outcome).toMatchObject({ kind: 'timeout' }); // the run's deadline, reported as such
    }
    // Anthropic never failed: it was cut by the callers' deadlines only.
    expect(breakers.get('anthropic').state).toBe('closed');
  });
});
