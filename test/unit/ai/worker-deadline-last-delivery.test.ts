/**
 * Regression (review 9): a queued call whose repair attempt outlived the worker's 50 s run deadline
 * was given back as `queued` ("internal error") on every delivery, the last one included, so it
 * stayed `queued` for good with its message in the DLQ, and no first answer was counted.
 * Fixed: the deadline is a `failed` result (kind `timeout`, see preview-deadline-result.test.ts);
 * on the last delivery any error stores the call `failed` (kind `internal`) before rethrowing; each
 * answer's usage is settled as it arrives, before anything can throw.
 */
import { describe, expect, it } from 'vitest';
import type { AiAnswer, AiProvider } from '../../../shared/ai/ports';
import { providerChain } from '../../../shared/ai/provider-chain';
import { runAiCall } from '../../../shared/ai/run-ai-call';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { intentJson, memoryCalls, memorySettings, memoryUsage } from './fakes';

/** A model taking `ms` per answer (honouring the signal); it answers malformed JSON first. */
function slowModel(ms: number): AiProvider & { calls: number } {
  const p = {
    name: 'anthropic' as const,
    calls: 0,
    async answer(req: { signal?: AbortSignal }): Promise<AiAnswer> {
      const text = p.calls === 0 ? '{"intent": "meeting_req' : intentJson;
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
        model: 'claude-haiku-4-5',
        text,
        usage: { inputTokens: 1000, outputTokens: 300 },
        costUsd: 0.0025,
        latencyMs: ms,
        offline: false,
      };
    },
  };
  return p;
}

describe('worker: a repair attempt that outlives the run deadline, on the last delivery', () => {
  it('stores the call as failed and counts the paid first answer', async () => {
    const calls = memoryCalls();
    const usage = memoryUsage();
    const model = slowModel(120);
    await calls.create({
      workspaceId: 'ws-1',
      callId: 'call-1',
      agent: 'email-intent',
      request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Can we meet Tuesday?' } },
      status: 'queued',
      createdAt: '2026-12-04T13:00:00.000Z',
      createdBy: 'user-1',
      updatedAt: '2026-12-04T13:00:00.000Z',
      attempts: 0,
    });
    let ids = 0;
    const deps = {
      calls,
      usage,
      settings: memorySettings(),
      now: () => new Date('2026-12-04T13:00:00Z'),
      newId: () => `claim-${++ids}`,
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      // As functions/ai-call-worker.ts wires it, scaled down 250x: run 50 s -> 200 ms, chain 45 s -> 180 ms.
      provider: providerChain({ providers: [model], breakers: breakerRegistry(systemClock), deadlineMs: 180 }),
      metrics: { recorded: () => {} },
      maxReceives: 3,
      deadlineMs: 200,
      scoring: {} as never,
    };

    // The last delivery (receiveCount = maxReceiveCount): after this the message goes to the DLQ.
    let thrown: unknown;
    const outcome = await runAiCall({ workspaceId: 'ws-1', callId: 'call-1' }, { receiveCount: 3 }, deps).catch((e) => {
      thrown = e;
      return undefined;
    });
    const record = await calls.get('ws-1', 'call-1');
    expect(model.calls).toBe(2);
    expect(
      { outcome, status: record?.status, lastError: record?.lastError, thrown: String(thrown) },
      'the call must end failed on its last delivery, not be left queued for a message now in the DLQ',
    ).toMatchObject({ outcome: 'failed', status: 'failed' });
    expect((await usage.read('ws-1', '2026-12')).total.tokensIn).toBeGreaterThanOrEqual(1000);
  });
});

describe('worker: failures on and before the last delivery', () => {
  const setup = async (provider: AiProvider) => {
    const calls = memoryCalls();
    const usage = memoryUsage();
    await calls.create({
      workspaceId: 'ws-1',
      callId: 'call-1',
      agent: 'email-intent',
      request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Can we meet Tuesday?' } },
      status: 'queued',
      createdAt: '2026-12-04T13:00:00.000Z',
      createdBy: 'user-1',
      updatedAt: '2026-12-04T13:00:00.000Z',
      attempts: 0,
    });
    let ids = 0;
    const deps = {
      calls,
      usage,
      settings: memorySettings(),
      now: () => new Date('2026-12-04T13:00:00Z'),
      newId: () => `claim-${++ids}`,
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      provider,
      metrics: { recorded: () => {} },
      maxReceives: 3,
      deadlineMs: 100,
      scoring: {} as never,
    };
    return { calls, usage, deps };
  };
  const message = { workspaceId: 'ws-1', callId: 'call-1' };

  it('gives a deadline that passed before any answer back for a redelivery, and frees its reservation', async () => {
    const { calls, usage, deps } = await setup(slowModel(300));
    await expect(runAiCall(message, { receiveCount: 1 }, deps)).rejects.toMatchObject({ kind: 'timeout' });
    expect(await calls.get('ws-1', 'call-1')).toMatchObject({
      status: 'queued',
      lastError: expect.stringMatching(/^timeout/),
    });
    expect((await usage.read('ws-1', '2026-12')).total).toMatchObject({ tokensIn: 0, tokensOut: 0, calls: 0 });
  });

  it('stores any other error as failed (kind internal) on the last delivery, and still reports it', async () => {
    const broken: AiProvider = {
      name: 'anthropic',
      answer: async () => {
        throw new TypeError('a bug');
      },
    };
    const { calls, deps } = await setup(broken);
    await expect(runAiCall(message, { receiveCount: 1 }, deps)).rejects.toThrow('a bug');
    expect(await calls.get('ws-1', 'call-1')).toMatchObject({ status: 'queued' });
    await expect(runAiCall(message, { receiveCount: 3 }, deps)).rejects.toThrow('a bug');
    expect(await calls.get('ws-1', 'call-1')).toMatchObject({
      status: 'failed',
      failure: { kind: 'internal', reason: 'TypeError: a bug' },
    });
  });
});
