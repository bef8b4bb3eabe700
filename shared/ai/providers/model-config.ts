/**
 * The shape of the model configuration (`AI_MODELS`, defaults in lib/definition/ai-models.json):
 * per provider, per agent, the model id and its prices. Parsed with zod at cold start
 * (shared/config.ts), so a typo in a price stops the function at init, not at the first bill.
 */
import * as z from 'zod/mini';
import { AI_AGENTS, type AiAgent, type AiModelConfig } from '../ports';

const price = z.number().check(z.gte(0), z.lte(10_000));

export const aiModelPriceSchema = z.object({
  model: z.string().check(z.minLength(1), z.maxLength(200)),
  inputPerMTok: price,
  outputPerMTok: price,
  cacheReadPerMTok: z.optional(price),
  cacheWritePerMTok: z.optional(price),
});

const perAgent = z.object(
  Object.fromEntries(AI_AGENTS.map((agent) => [agent, aiModelPriceSchema])) as Record<
    AiAgent,
    typeof aiModelPriceSchema
  >,
);

export const aiModelConfigSchema: z.ZodMiniType<AiModelConfig> = z.object({
  anthropic: perAgent,
  openrouter: perAgent,
});

/** Parses a JSON document of the configuration; throws a message naming the first wrong path. */
export function parseAiModelConfig(value: unknown): AiModelConfig {
  const parsed = aiModelConfigSchema.safeParse(typeof value === 'string' ? safeJson(value) : value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol('not JSON');
  }
}
