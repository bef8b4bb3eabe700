/**
 * The providers' pure parts (no network): which error answer is which failure kind, the strict
 * schema check, the model configuration, and how `configuredProvider` picks the chain from
 * configuration. The SDKs against the stand-ins: test/integration/ai-providers.test.ts.
 */

import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defaultAiModels } from '../../../lib/definition/ai-models';
import { sampleFromSchema } from '../../../lib/local/emulators/json-schema-sample';
import { AI_AGENTS, costOf } from '../../../shared/ai/ports';
import { configuredProvider } from '../../../shared/ai/providers';
import { anthropicFailureKind } from '../../../shared/ai/providers/anthropic';
import { parseAiModelConfig } from '../../../shared/ai/providers/model-config';
import { isStrictSchema, openRouterFailureKind } from '../../../shared/ai/providers/openrouter';
import { aiModelConfig, ConfigError } from '../../../shared/config';

describe('anthropicFailureKind', () => {
  const kind = (status: number, type?: string, code?: string, message = 'x') =>
    anthropicFailureKind({ status, type: type ?? null, code: code ?? null, message });

  it('tells a spend limit from a rate limit by its error code, whatever the status', () => {
    expect(kind(429, 'rate_limit_error')).toBe('rate-limited');
    expect(kind(429, 'rate_limit_error', 'enforced_spend_limit_reached')).toBe('spend-limit');
    expect(kind(429, 'rate_limit_error', 'contract_spend_limit_reached')).toBe('spend-limit');
    expect(kind(402, 'billing_error')).toBe('spend-limit');
    expect(kind(429, 'rate_limit_error', 'ramp_limit_exceeded')).toBe('rate-limited');
  });

  it('reads the older 400 wording of an exhausted credit balance or a Console spend limit', () => {
    const credit =
      'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.';
    expect(kind(400, 'invalid_request_error', undefined, credit)).toBe('spend-limit');
    expect(
      kind(400, 'invalid_request_error', undefined, 'You have reached your specified workspace API usage limits.'),
    ).toBe('spend-limit');
    expect(kind(400, 'invalid_request_error', undefined, 'max_tokens: Field required')).toBe('bad-request');
  });

  it('maps the other statuses', () => {
    expect(kind(529, 'overloaded_error')).toBe('overloaded');
    expect(kind(500, 'api_error')).toBe('server-error');
    expect(kind(504, 'timeout_error')).toBe('timeout');
    expect(kind(401, 'authentication_error')).toBe('auth');
    expect(kind(403, 'permission_error')).toBe('auth');
    expect(kind(404, 'not_found_error')).toBe('bad-request');
  });
});

describe('openRouterFailureKind', () => {
  const kind = (status: number) => openRouterFailureKind({ status, message: 'x' });
  it('maps OpenRouter statuses: 402 is insufficient credits, 403 a moderation refusal', () => {
    expect([402, 429, 408, 502, 503, 500, 401, 403, 400].map(kind)).toEqual([
      'spend-limit',
      'rate-limited',
      'timeout',
      'overloaded',
      'overloaded',
      'server-error',
      'auth',
      'bad-request',
      'bad-request',
    ]);
  });
});

describe('isStrictSchema', () => {
  it('accepts closed objects with every property required, refuses optional ones', () => {
    const closed = z.toJSONSchema(z.object({ a: z.string(), b: z.array(z.object({ c: z.number() })) }));
    const optional = z.toJSONSchema(z.object({ a: z.string(), b: z.string().optional() }));
    expect(isStrictSchema(closed)).toBe(true);
    expect(isStrictSchema(optional)).toBe(false);
  });
});

describe('model configuration', () => {
  it('has a model and prices for every agent at both providers by default', () => {
    const models = aiModelConfig({ AI_MODELS: undefined });
    for (const agent of AI_AGENTS) {
      expect(models.anthropic[agent].model).toMatch(/^claude-/);
      expect(models.openrouter[agent].model).toContain('/');
    }
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, models.anthropic['email-intent'])).toBeGreaterThan(0);
  });

  it('parses AI_MODELS and names a wrong field by its path', () => {
    expect(parseAiModelConfig(JSON.stringify(defaultAiModels))).toEqual(defaultAiModels);
    const broken = structuredClone(defaultAiModels) as unknown as Record<
      string,
      Record<string, { inputPerMTok: unknown }>
    >;
    (broken.openrouter as Record<string, { inputPerMTok: unknown }>)['email-intent'] = { inputPerMTok: 'cheap' };
    expect(() => parseAiModelConfig(broken)).toThrow(/openrouter\.email-intent\.model/);
    expect(() => parseAiModelConfig('{not json')).toThrow();
  });
});

describe('configuredProvider', () => {
  const base = {
    AI_MODE: 'auto' as const,
    AI_MODELS: undefined,
    ANTHROPIC_BASE_URL: undefined,
    OPENROUTER_BASE_URL: 'https://openrouter.ai/api/v1',
    ANTHROPIC_API_KEY: undefined,
    OPENROUTER_API_KEY: undefined,
  };
  const request = {
    agent: 'email-intent' as const,
    system: 's',
    input: 'i',
    schema: { name: 'x', jsonSchema: { type: 'object' } },
    maxOutputTokens: 10,
  };
  afterEach(() => {
    delete process.env.ANTHROPIC_API_KEY_SECRET_ID;
  });

  it('answers offline, flagged, when no key is configured', async () => {
    const answer = await configuredProvider({ config: base }).answer(request);
    expect(answer).toMatchObject({ provider: 'offline', offline: true, model: 'none', costUsd: 0 });
  });

  it('answers offline under AI_MODE=offline even with keys', async () => {
    const answer = await configuredProvider({
      config: { ...base, AI_MODE: 'offline', ANTHROPIC_API_KEY: 'sk-ant-real' },
    }).answer(request);
    expect(answer.offline).toBe(true);
  });

  it('refuses to start where the key is a Secrets Manager secret and no reader was given', () => {
    process.env.ANTHROPIC_API_KEY_SECRET_ID = 'unite-hub/dev/anthropic-api-key';
    expect(() => configuredProvider({ config: base })).toThrow(ConfigError);
    expect(() => configuredProvider({ config: base, secrets: async () => undefined })).not.toThrow();
  });
});

describe('sampleFromSchema (the stand-ins answers)', () => {
  const schema = z.object({
    intent: z.enum(['purchase', 'support', 'complaint', 'other']),
    urgency: z.number().int().min(1).max(5),
    score: z.number().min(0).max(1),
    subjects: z.array(z.string().min(5).max(60)).length(3),
    body: z.string().describe('The email body, 150-200 words'),
    contact: z.object({ email: z.email(), since: z.iso.datetime() }),
    tags: z.array(z.string()).min(0),
    note: z.string().nullable(),
  });
  const json = z.toJSONSchema(schema) as Record<string, unknown>;

  it('is valid against the schema, stable for one input and different across inputs', () => {
    const a = sampleFromSchema(json, 'contact A');
    expect(schema.safeParse(a).success).toBe(true);
    expect(sampleFromSchema(json, 'contact A')).toEqual(a);
    const others = ['contact B', 'contact C', 'contact D'].map((seed) => JSON.stringify(sampleFromSchema(json, seed)));
    expect(new Set([JSON.stringify(a), ...others]).size).toBeGreaterThan(1);
    const words = (a as { body: string }).body.split(' ').length;
    expect(words).toBeGreaterThanOrEqual(150);
  });

  it('reads constraints the Anthropic SDK moved into a description', () => {
    const moved = {
      type: 'object',
      properties: {
        lines: { type: 'array', items: { type: 'string' }, description: 'Subject lines\n\n{minItems: 3}' },
      },
      required: ['lines'],
      additionalProperties: false,
    };
    expect((sampleFromSchema(moved, 'x') as { lines: string[] }).lines).toHaveLength(3);
  });
});
