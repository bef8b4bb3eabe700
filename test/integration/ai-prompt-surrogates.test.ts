/**
 * The Anthropic stand-in refuses a request whose JSON carries a lone surrogate as the real API
 * does (400 invalid_request_error, "no low surrogate in string"), so the e2e suites would see a
 * prompt cut inside an emoji; and the agents' prompts, cut on code points, go through the real
 * SDK to it and are answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAiModels } from '../../lib/definition/ai-models';
import {
  type AiStandIn,
  LOCAL_ANTHROPIC_API_KEY,
  startAnthropicStandIn,
} from '../../lib/local/emulators/anthropic-server';
import { runAgent } from '../../shared/ai/agents/agent';
import { contactIntelligenceAgent } from '../../shared/ai/agents/contact-intelligence';
import type { AiRequest } from '../../shared/ai/ports';
import { anthropicProvider } from '../../shared/ai/providers/anthropic';
import type { Contact } from '../../shared/crm/model';

let anthropic: AiStandIn;
beforeAll(async () => {
  anthropic = await startAnthropicStandIn({ port: 0, fault: 'off' });
});
afterAll(async () => {
  await anthropic?.stop();
});

const provider = () =>
  anthropicProvider({
    apiKey: anthropic.apiKey,
    baseURL: anthropic.endpoint,
    models: defaultAiModels.anthropic,
    timeoutMs: 5000,
  });

const post = (body: string) =>
  fetch(`${anthropic.endpoint}/v1/messages`, {
    method: 'POST',
    headers: {
      'x-api-key': LOCAL_ANTHROPIC_API_KEY,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    },
    body,
  });

const messageWith = (content: string) =>
  `{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"${content}"}]}`;

describe('the Anthropic stand-in and lone surrogates', () => {
  it('answers 400 invalid_request_error for a high surrogate with no low one, or a low one alone', async () => {
    for (const content of ['cut \\ud83d', 'cut \\ud83d\\u0041', 'stray \\ude00']) {
      const res = await post(messageWith(content));
      expect(res.status, content).toBe(400);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(body.error.message).toMatch(
        /^The request body is not valid JSON: (no low|invalid low) surrogate in string/,
      );
    }
    const high = (await (await post(messageWith('cut \\ud83d'))).json()) as { error: { message: string } };
    expect(high.error.message).toContain('no low surrogate in string');
  });

  it('takes a pair, an emoji as it is, and the text of an escape (an escaped backslash)', async () => {
    for (const content of ['pair \\ud83d\\ude00', 'raw 😀', 'text \\\\ud83d', 'text \\\\\\ud83d\\ude00']) {
      expect((await post(messageWith(content))).status, content).toBe(200);
    }
  });

  it('through the SDK: a lone surrogate in the input is a bad request, never retried', async () => {
    const request: AiRequest = {
      agent: 'email-intent',
      system: 'Classify.',
      input: 'half an emoji: \uD83D',
      schema: { name: 'x', jsonSchema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } },
      maxOutputTokens: 100,
    };
    await expect(provider().answer(request)).rejects.toMatchObject({ kind: 'bad-request', provider: 'anthropic' });
  });

  it('an agent prompt cut inside an emoji reaches the model and is answered', async () => {
    const contact: Contact = {
      contactId: 'c-1',
      workspaceId: 'ws-1',
      email: 'c1@example.com',
      status: 'lead',
      tags: [],
      customFields: { notes: '😀'.repeat(3000) },
      score: 10,
      tier: 'cold',
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    };
    for (const pad of ['', 'x']) {
      const padded = { ...contact, customFields: { notes: pad + '😀'.repeat(3000) } };
      const result = await runAgent(contactIntelligenceAgent, { contact: padded, timeline: [] }, provider());
      expect(result.status, `padding "${pad}"`).toBe('completed');
    }
  });
});
