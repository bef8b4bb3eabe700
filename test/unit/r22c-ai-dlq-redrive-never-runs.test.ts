// Review round 22: this test failed at 58080d4.
// Review round 22 (c): an AI call dead-lettered by a transient fault can never be run again.
//
// docs/runbooks/dead-letter-queue.md: a message in the ai-calls DLQ is "an AI call [that] has not
// happened"; for a transient cause (throttling, an outage) "move the messages back to the source
// queue". But on its last delivery the worker stores the call `failed` (kind `internal`) before
// rethrowing, so the redriven message finds the call done: runAiCall answers 'duplicate', the
// message is deleted, no model is asked, and the call stays failed. Following the runbook loses it.
import { describe, expect, it } from 'vitest';
import { runAiCall } from '../../shared/ai/run-ai-call';
import { intentJson, memoryCalls, memorySettings, memoryUsage, scriptedProvider } from './ai/fakes';

describe('an ai-calls message redriven from the DLQ after a transient fault', () => {
  it('runs the call it carries', async () => {
    const calls = memoryCalls();
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
    // The settings table is throttled during the incident (a transient fault, not the provider's).
    let throttled = true;
    const settings = memorySettings();
    const provider = scriptedProvider(intentJson);
    let now = new Date('2026-12-04T13:00:00.000Z');
    let ids = 0;
    const deps = {
      calls,
      usage: memoryUsage(),
      settings: {
        get: async (workspaceId: string | undefined, key: string) => {
          if (throttled) {
            throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
              name: 'ProvisionedThroughputExceededException',
            });
          }
          return settings.get(workspaceId, key);
        },
      },
      now: () => now,
      newId: () => `claim-${++ids}`,
      contacts: { get: async () => undefined },
      interactions: { timeline: async () => ({ interactions: [] }) },
      provider,
      metrics: { recorded: () => {} },
      maxReceives: 3,
      deadlineMs: 50_000,
      scoring: {} as never,
    };
    const message = { workspaceId: 'ws-1', callId: 'call-1' };

    // Three deliveries fail: the third one dead-letters the message.
    for (const receiveCount of [1, 2, 3]) {
      now = new Date(Date.parse('2026-12-04T13:00:00.000Z') + (receiveCount - 1) * 361_000);
      await expect(runAiCall(message, { receiveCount }, deps)).rejects.toThrow(/throughput/);
    }

    // The incident is over; the operator moves the message back (a fresh receive count).
    throttled = false;
    now = new Date('2026-12-04T15:00:00.000Z');
    const redriven = await runAiCall(message, { receiveCount: 1 }, deps).catch((e: Error) => `threw ${e.message}`);

    const call = await calls.get('ws-1', 'call-1');
    expect(
      { status: call?.status, modelRequests: provider.requests.length },
      `the redriven delivery answered "${redriven}", the call is ${call?.status} (${call?.failure?.kind ?? ''})`,
    ).toEqual({ status: 'completed', modelRequests: 1 });
  });
});
