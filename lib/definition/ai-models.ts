/**
 * Which model each AI agent uses at each provider, and its price in USD per million tokens
 * (docs/AI.md, "Models and prices"): the one place model ids and prices are written down, read
 * through shared/config.ts. `AI_MODELS` (a JSON document of this shape) replaces it without a
 * deploy of code. Prices as published in December 2026 by Anthropic (pricing page, 5-minute cache
 * writes) and OpenRouter (each model's page); check them when changing a model.
 *
 * Anthropic: Haiku for the classification-like agents (intent, buying signals), Sonnet for copy a
 * person will read. OpenRouter (the fallback): OpenAI models, so an Anthropic-wide outage does
 * not take the fallback down with it.
 */
export const defaultAiModels = {
  anthropic: {
    'email-intent': {
      model: 'claude-haiku-4-5',
      inputPerMTok: 1,
      outputPerMTok: 5,
      cacheReadPerMTok: 0.1,
      cacheWritePerMTok: 1.25,
    },
    'content-personalisation': {
      model: 'claude-sonnet-4-6',
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      cacheWritePerMTok: 3.75,
    },
    'contact-intelligence': {
      model: 'claude-haiku-4-5',
      inputPerMTok: 1,
      outputPerMTok: 5,
      cacheReadPerMTok: 0.1,
      cacheWritePerMTok: 1.25,
    },
  },
  openrouter: {
    'email-intent': { model: 'openai/gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.075 },
    'content-personalisation': { model: 'openai/gpt-4.1', inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
    'contact-intelligence': {
      model: 'openai/gpt-4o-mini',
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
      cacheReadPerMTok: 0.075,
    },
  },
} as const;
