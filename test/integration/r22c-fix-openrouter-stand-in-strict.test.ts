/**
 * Review round 22 (c), finding 4: the OpenRouter stand-in refuses a strict `json_schema` outside
 * OpenAI's strict subset as OpenRouter relays OpenAI's 400 ("Provider returned error", the
 * provider's "Invalid schema for response_format ..." in `metadata.raw`), and accepts the length
 * and range keywords OpenAI's strict mode supports. Through the real `openai` SDK, the provider
 * sends every agent's schema strict (answered) and a schema strict mode would refuse non-strict
 * (answered too, checked by the agent's own validation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { defaultAiModels } from '../../lib/definition/ai-models';
import type { AiStandIn } from '../../lib/local/emulators/anthropic-server';
import { startOpenRouterStandIn } from '../../lib/local/emulators/openrouter-server';
import { agents } from '../../shared/ai/agents';
import { type Agent, jsonSchemaOf, parseOutput } from '../../shared/ai/agents/agent';
import { AiProviderError } from '../../shared/ai/ports';
import { openRouterProvider } from '../../shared/ai/providers/openrouter';

let standIn: AiStandIn;
beforeAll(async () => {
  standIn = await startOpenRouterStandIn({ port: 0, fault: 'off' });
});
afterAll(async () => {
  await standIn?.stop();
});

const closed = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

const post = (schema: Record<string, unknown>, strict: boolean) =>
  fetch(`${standIn.endpoint}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict } },
    }),
  });

describe('the OpenRouter stand-in and strict structured output', () => {
  it('refuses a strict schema with a keyword strict mode does not support, as OpenRouter relays OpenAI', async () => {
    const schema = closed({ tags: { type: 'array', items: { type: 'string' }, uniqueItems: true } });
    const refused = await post(schema, true);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: number; message: string; metadata: { raw: string } } };
    expect(body.error).toMatchObject({ code: 400, message: 'Provider returned error' });
    expect(body.error.metadata.raw).toMatch(/Invalid schema for response_format 'answer'.*uniqueItems/);
    // Not strict: the same schema is answered (the caller validates).
    expect((await post(schema, false)).status).toBe(200);
  });

  it('refuses a strict schema with an open object or an optional property', async () => {
    expect((await post({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, true)).status).toBe(
      400,
    );
    const optional = { ...closed({ a: { type: 'string' }, b: { type: 'string' } }), required: ['a'] };
    expect((await post(optional, true)).status).toBe(400);
  });

  it('accepts length, range, pattern and item-count keywords in strict mode', async () => {
    const schema = closed({
      name: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[a-z]+$' },
      velocity: { type: 'number', minimum: -2, maximum: 2 },
      tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
    });
    expect((await post(schema, true)).status).toBe(200);
  });

  it("the provider sends each agent's schema strict and gets an answer its agent accepts", async () => {
    const provider = openRouterProvider({
      apiKey: standIn.apiKey,
      baseURL: standIn.endpoint,
      models: defaultAiModels.openrouter,
      timeoutMs: 5000,
    });
    for (const agent of Object.values(agents) as Agent<unknown, unknown>[]) {
      const answer = await provider.answer({
        agent: agent.name,
        system: agent.system,
        input: `A request for ${agent.name}`,
        schema: { name: agent.name.replaceAll('-', '_'), jsonSchema: jsonSchemaOf(agent) },
        maxOutputTokens: agent.maxOutputTokens,
      });
      expect(parseOutput(agent.output, answer.text).ok, agent.name).toBe(true);
    }
  });

  it('the provider sends a schema strict mode would refuse non-strict, so it is answered, not refused', async () => {
    const provider = openRouterProvider({
      apiKey: standIn.apiKey,
      baseURL: standIn.endpoint,
      models: defaultAiModels.openrouter,
      timeoutMs: 5000,
    });
    const output = z.object({ pair: z.tuple([z.string(), z.number()]) });
    const answer = await provider
      .answer({
        agent: 'email-intent',
        system: 'Answer with a pair.',
        input: 'A pair, please',
        schema: { name: 'pair', jsonSchema: z.toJSONSchema(output) as Record<string, unknown> },
        maxOutputTokens: 200,
      })
      .catch((error: unknown) => (error instanceof AiProviderError ? error.kind : error));
    expect(typeof answer === 'object' && answer !== null && 'text' in answer, String(answer)).toBe(true);
  });
});
