/** Agents: schema enforcement, one repair retry then a typed failure, offline results, bounded inputs. */
import { describe, expect, it } from 'vitest';
import { runAgent, wordCount } from '../../../shared/ai/agents/agent';
import { contactIntelligenceAgent, MAX_TIMELINE } from '../../../shared/ai/agents/contact-intelligence';
import { contentPersonalisationAgent } from '../../../shared/ai/agents/content-personalisation';
import { EMAIL_INTENT_SYSTEM, emailIntentAgent } from '../../../shared/ai/agents/email-intent';
import { runRequestedAgent } from '../../../shared/ai/agents/index';
import { AiProviderError } from '../../../shared/ai/ports';
import type { Contact, Interaction } from '../../../shared/crm/model';
import { intentJson, offlineAnswer, personalisedJson, scriptedProvider } from './fakes';

const email = { from: 'ada@example.com', subject: 'Meeting', body: 'Can we meet on Tuesday?' };
const personalisation = {
  contact: { firstName: 'Ada', company: 'Acme' },
  goal: 'Book demos',
  tone: 'friendly' as const,
};

const contact: Contact = {
  contactId: 'c1',
  workspaceId: 'ws-1',
  email: 'ada@example.com',
  firstName: 'Ada',
  jobTitle: 'CTO',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 40,
  tier: 'lukewarm',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const interaction = (i: number): Interaction => ({
  interactionId: `i${i}`,
  workspaceId: 'ws-1',
  contactId: 'c1',
  type: 'page_visit',
  occurredAt: new Date(Date.UTC(2026, 5, 1) - i * 3600_000).toISOString(),
  metadata: { url: `/pricing?${'x'.repeat(500)}` },
  source: 'tracking',
});

describe('runAgent', () => {
  it('validates a good answer and asks with the fixed system prompt and the JSON schema', async () => {
    const provider = scriptedProvider(intentJson);
    const result = await runAgent(emailIntentAgent, email, provider);
    expect(result).toMatchObject({ status: 'completed', output: { intent: 'meeting_request' }, attempts: 1 });
    const [request] = provider.requests;
    expect(request?.system).toBe(EMAIL_INTENT_SYSTEM);
    expect(request?.input).toContain('Can we meet on Tuesday?');
    expect(request?.schema.jsonSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: { intent: { enum: expect.arrayContaining(['meeting_request']) } },
    });
  });

  it('accepts JSON inside a ```json fence', async () => {
    const result = await runAgent(emailIntentAgent, email, scriptedProvider(`\`\`\`json\n${intentJson}\n\`\`\``));
    expect(result.status).toBe('completed');
  });

  it('enforces 150-200 words: a short body gets one repair retry that names the problem', async () => {
    const provider = scriptedProvider(personalisedJson(149), personalisedJson(170));
    const result = await runAgent(contentPersonalisationAgent, personalisation, provider);
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(wordCount(result.output.body)).toBe(170);
    // Both attempts are paid for: usage and cost are summed.
    expect(result).toMatchObject({ attempts: 2, inputTokens: 200, outputTokens: 100, costUsd: 0.002 });
    expect(provider.requests[1]?.input).toContain('body: The body must have 150 to 200 words');
    expect(provider.requests[1]?.input).toContain('<rejected_answer>');
  });

  it('fails with invalid-output after the repair retry, with the issues and no half-parsed output', async () => {
    const twoSubjects = JSON.stringify({ ...JSON.parse(personalisedJson()), subjectLines: ['a', 'b'] });
    const provider = scriptedProvider(twoSubjects, personalisedJson(201));
    const result = await runAgent(contentPersonalisationAgent, personalisation, provider);
    expect(result).toMatchObject({ status: 'failed', kind: 'invalid-output', attempts: 2, inputTokens: 200 });
    expect(result).not.toHaveProperty('output');
    if (result.status === 'failed')
      expect(result.issues).toEqual([{ path: 'body', message: expect.stringMatching(/150 to 200 words/) }]);
    expect(provider.requests).toHaveLength(2);
  });

  it('repairs an answer that is not JSON at all', async () => {
    const provider = scriptedProvider('Sure! Here is the analysis...', intentJson);
    const result = await runAgent(emailIntentAgent, email, provider);
    expect(result.status).toBe('completed');
    expect(provider.requests[1]?.input).toContain('The answer is not valid JSON');
  });

  it('says offline, with no output and no second call, when no model answered', async () => {
    const provider = scriptedProvider(offlineAnswer);
    const result = await runAgent(emailIntentAgent, email, provider);
    expect(result).toMatchObject({ status: 'offline', offline: true, provider: 'offline', inputTokens: 0 });
    expect(result).not.toHaveProperty('output');
    expect(provider.requests).toHaveLength(1);
  });

  it('throws the provider error of the first attempt (nothing was spent)', async () => {
    const provider = scriptedProvider(new AiProviderError('spend limit reached', 'spend-limit', 'anthropic'));
    await expect(runAgent(emailIntentAgent, email, provider)).rejects.toMatchObject({ kind: 'spend-limit' });
  });

  it('turns a failed repair attempt into a failure that keeps the first attempt’s usage', async () => {
    const provider = scriptedProvider('{}', new AiProviderError('all down', 'unavailable', 'anthropic'));
    const result = await runAgent(emailIntentAgent, email, provider);
    expect(result).toMatchObject({ status: 'failed', kind: 'unavailable', attempts: 1, inputTokens: 100 });
  });
});

describe('agent inputs', () => {
  it('cuts a long email with a note', () => {
    const prompt = emailIntentAgent.prompt({ ...email, body: 'a'.repeat(20_000) });
    expect(prompt.length).toBeLessThan(9000);
    expect(prompt).toContain('[truncated: 12000 more characters not shown]');
  });

  it(`shows at most ${MAX_TIMELINE} interactions, each bounded, and says how many were left out`, () => {
    const timeline = Array.from({ length: 80 }, (_, i) => interaction(i));
    const prompt = contactIntelligenceAgent.prompt({ contact, timeline });
    expect(prompt.match(/ page_visit /g)).toHaveLength(MAX_TIMELINE);
    expect(prompt).toContain('[30 older interactions not shown]');
    expect(prompt.length).toBeLessThan(MAX_TIMELINE * 400 + 5000);
    // The email address is not needed to judge intent and is not sent.
    expect(prompt).not.toContain('ada@example.com');
  });
});

describe('runRequestedAgent', () => {
  const deps = (found?: Contact) => ({
    contacts: {
      get: async (ws: string, id: string) =>
        found && found.workspaceId === ws && found.contactId === id ? found : undefined,
    },
    interactions: { timeline: async () => ({ interactions: [interaction(1)] }) },
  });

  it('reads the contact and timeline in the caller’s workspace for contact intelligence', async () => {
    const provider = scriptedProvider(offlineAnswer);
    await runRequestedAgent(
      'ws-1',
      { agent: 'contact-intelligence', input: { contactId: 'c1' } },
      provider,
      deps(contact),
    );
    expect(provider.requests[0]?.input).toContain('"jobTitle":"CTO"');
  });

  it('never reads another workspace’s contact, and asks no model', async () => {
    const provider = scriptedProvider(intentJson);
    await expect(
      runRequestedAgent('ws-2', { agent: 'contact-intelligence', input: { contactId: 'c1' } }, provider, deps(contact)),
    ).rejects.toMatchObject({ code: 'CONTACT_NOT_FOUND' });
    expect(provider.requests).toHaveLength(0);
  });
});
