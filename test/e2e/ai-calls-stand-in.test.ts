/**
 * A queued call with the local provider stand-ins answering (the runtime's default, LOCAL_AI=stand-in):
 * it completes with a validated output, the provider and model that produced it, and its tokens
 * in the month's usage; a contact-intelligence result moves the contact's score, and the ledger
 * names the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
