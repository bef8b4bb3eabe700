/**
 * A queued call with the local provider stand-ins answering (the runtime's default, LOCAL_AI=stand-in):
 * it completes with a validated output, the provider and model that produced it, and its tokens
 * in the month's usage; a contact-intelligence result moves the contact's score, and the ledger
 * names the model.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, okJson, startTestRuntime } from '../support/local-runtime';

describe('AI calls with the local stand-ins answering', () => {
  let standIn: Runtime;
  let user: TestUser;
  beforeAll(async () => {
    standIn = await startTestRuntime(undefined, { RATE_LIMITS: 'off', LOCAL_AI: 'stand-in' });
    user = await newUser(standIn, 'ai-stand-in');
  }, 60_000);
  afterAll(async () => {
    await standIn?.stop();
  });
  const as = (method: string, path: string, body?: unknown) => requestAs(standIn, () => user)(method, path, body);

  it('completes a contact-intelligence call with a validated output, the model, and its usage', async () => {
    const { contact } = await okJson(
      await as('POST', '/api/contacts', { email: 'cto@example.com', jobTitle: 'CTO' }),
      201,
    );
    const { callId } = await okJson(
      await as('POST', '/api/ai/calls', { agent: 'contact-intelligence', input: { contactId: contact.contactId } }),
      202,
    );
    const call = await eventually(async () => {
      const body = await okJson(await as('GET', `/api/ai/calls/${callId}`));
      return ['queued', 'running'].includes(body.call.status) ? undefined : body.call;
    });
    expect(call).toMatchObject({
      status: 'completed',
      offline: false,
      provider: expect.stringMatching(/^(anthropic|openrouter)$/),
      model: expect.stringMatching(/-local$/),
      output: { aiIntent: expect.any(Number), buyingSignals: expect.any(Array) },
    });
    expect(call.tokensIn + call.tokensOut).toBeGreaterThan(0);
    const { usage } = await okJson(await as('GET', '/api/ai/usage'));
    expect(usage.byAgent['contact-intelligence']).toMatchObject({ calls: 1, tokensIn: call.tokensIn });
    // The result is in the contact's score: the AI composite, one ledger entry naming the model.
    expect(call.score).toMatchObject({ previousScore: 0, score: expect.any(Number) });
    const score = await okJson(await as('GET', `/api/contacts/${contact.contactId}/score`));
    expect(score).toMatchObject({ model: 'ai', score: call.score.score, tier: call.score.tier });
    expect(score.ledger).toEqual([
      expect.objectContaining({
        ruleId: 'ai:contact-intelligence',
        provider: call.provider,
        model: call.model,
        callId,
        after: call.output.aiIntent,
        scoreAfter: call.score.score,
      }),
    ]);
    const { contact: after } = await okJson(await as('GET', `/api/contacts/${contact.contactId}`));
    expect(after).toMatchObject({ score: call.score.score, aiSignals: { aiScore: call.output.aiIntent } });
  });

  it('completes through OpenRouter while Anthropic answers 429s, and runs a message delivered 3 times once', async () => {
    const anthropic = standIn.ai.anthropic as string;
    const openrouter = standIn.ai.openrouter as string;
    const count = async (endpoint: string): Promise<number> =>
      ((await (await fetch(new URL('/_local/requests', endpoint))).json()) as { count: number }).count;
    expect((await fetch(`${anthropic}/_local/fault`, { method: 'PUT', body: 'rate-limit' })).ok).toBe(true);
    try {
      const email = { agent: 'email-intent', input: { subject: 'Pricing?', body: 'What does the team plan cost?' } };
      const before = { anthropic: await count(anthropic), openrouter: await count(openrouter) };
      const { callId } = await okJson(await as('POST', '/api/ai/calls', email), 202);
      // The same message twice more, as SQS may deliver it: the claim lets one run through.
      const queue = standIn.queues['ai-calls']?.url as string;
      const sqs = new SQSClient(localClientConfig(standIn.endpoints.sqs));
      const body = JSON.stringify({ workspaceId: user.workspaceId, callId });
      await Promise.all([1, 2].map(() => sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: body }))));
      sqs.destroy();
      const call = await eventually(async () => {
        const { call } = await okJson(await as('GET', `/api/ai/calls/${callId}`));
        return ['queued', 'running'].includes(call.status) ? undefined : call;
      }, 30_000);
      expect(call).toMatchObject({
        status: 'completed',
        provider: 'openrouter',
        model: expect.stringMatching(/-local$/),
        fallback: { from: 'anthropic', reason: expect.stringContaining('rate-limited') },
        attempts: 1,
      });
      // Let the two extra deliveries be handled: they find the call done and call no model.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await count(openrouter)).toBe(before.openrouter + 1);
      // Anthropic was asked at most 3 times (2 retries), never once per delivery.
      expect((await count(anthropic)) - before.anthropic).toBeLessThanOrEqual(3);
    } finally {
      await fetch(`${anthropic}/_local/fault`, { method: 'PUT', body: 'off' });
    }
  });
});
