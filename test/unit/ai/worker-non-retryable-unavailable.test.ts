// Review round 12: this test failed at eab1d13 (a call every provider refused for good (bad request, auth, spend limit) was retried through SQS as `unavailable` and ended with that kind instead of failing at once with its own).
/**
 * Review 12, finding 1 (MEDIUM): a failure that can never succeed (bad-request, auth, spend-limit)
 * at every provider of the chain is reported by the chain as kind `unavailable`, and the worker
 * treats `unavailable` as transient: it gives the claim back and rethrows, so SQS redelivers the
 * message and the same doomed request is sent to every provider again (up to maxReceiveCount = 3
 * deliveries x every provider), and the call finally fails as `unavailable`, hiding the real kind.
 * docs/AI.md ("Queued calls"): "Spend limits, auth and bad-request failures fail at once."
 *
 * Fault: shared/ai/run-ai-call.ts:runAiCall (`transient = error.retryable || error.kind === 'unavailable'`)
 * together with shared/ai/provider-chain.ts:unavailable (the AggregateError's kinds are not looked at).
 * Fix: treat `unavailable` as transient only when at least one provider's failure was retryable or a
 * circuit open (e.g. a `retryable` flag on the chain's error); otherwise store `failed` at once with
 * the first provider's kind.
 */
import { describe, expect, it } from 'vitest';
import type { AiCallRecord } from '../../../shared/ai/ai-call';
import { type AiProvider, AiProviderError, type AiProviderName } from '../../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { runAiCall } from '../../../shared/ai/run-ai-call';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { memoryCalls, memorySettings, memoryUsage } from './fakes';

/** A provider that always fails with `kind` (a deterministic 4xx), counting its calls. */
function failing(name: AiProviderName, kind: AiProviderError['kind'], status: number): AiProvider & { calls: number } {
  const p = {
    name,
    calls: 0,
    async answer(): Promise<never> {
      p.calls += 1;
      throw new AiProviderError(`${name} answered ${status}`, kind, name, { status });
    },
  };
  return p;
}

async function setup(providers: AiProvider[]) {
  const calls = memoryCalls();
  const record: AiCallRecord = {
    workspaceId: 'ws-1',
    callId: 'call-1',
    agent: 'email-intent',
    request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Can we meet Tuesday?' } },
    status: 'queued',
    createdAt: '2026-12-04T13:00:00.000Z',
    createdBy: 'user-1',
    updatedAt: '2026-12-04T13:00:00.000Z',
    attempts: 0,
  };
  await calls.create(record);
  let ids = 0;
  const deps = {
    calls,
    usage: memoryUsage(),
    settings: memorySettings(),
    now: () => new Date('2026-12-04T13:00:00Z'),
    newId: () => `claim-${++ids}`,
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    // As functions/ai-call-worker.ts wires it (no offline fallback), on a fresh breaker registry.
    provider: providerChain({
      providers,
      breakers: breakerRegistry(systemClock, { countsAsFailure: countsAgainstAiProvider }),
      retryBaseMs: 1,
      retryCapMs: 2,
    }),
    metrics: { recorded: () => {} },
    maxReceives: 3,
    deadlineMs: 5_000,
    scoring: {} as never,
  };
  return { calls, deps, message: { workspaceId: 'ws-1', callId: 'call-1' } };
}

describe('review12: a queued call whose every provider refuses it for good', () => {
  it.each([
    ['bad-request', 400],
    ['auth', 401],
    ['spend-limit', 402],
  ] as const)('fails at once on the first delivery when the only provider answers %s', async (kind, status) => {
    const anthropic = failing('anthropic', kind, status);
    const { calls, deps, message } = await setup([anthropic]);

    // First delivery of three: must not be handed back to SQS for a redelivery.
    const outcome = await runAiCall(message, { receiveCount: 1 }, deps).catch((e: unknown) => e);
    const stored = await calls.get('ws-1', 'call-1');
    expect(stored?.status).toBe('failed');
    expect(stored?.failure?.kind).toBe(kind);
    expect(outcome).toBe('failed');
    expect(anthropic.calls).toBe(1);
  });

  it('fails at once when Anthropic hits its spend limit and OpenRouter rejects the key', async () => {
    const anthropic = failing('anthropic', 'spend-limit', 429);
    const openrouter = failing('openrouter', 'auth', 401);
    const { calls, deps, message } = await setup([anthropic, openrouter]);

    let deliveries = 0;
    for (let receiveCount = 1; receiveCount <= 3; receiveCount++) {
      const stored = await calls.get('ws-1', 'call-1');
      if (stored?.status !== 'queued') break;
      deliveries += 1;
      await runAiCall(message, { receiveCount }, deps).catch(() => undefined);
    }
    // One delivery, one request per provider; not 3 deliveries x 2 providers of the same refusal.
    expect(deliveries).toBe(1);
    expect(anthropic.calls + openrouter.calls).toBe(2);
    expect((await calls.get('ws-1', 'call-1'))?.status).toBe('failed');
  });
});
