/**
 * OpenRouter's OpenAI-compatible chat completions through the official `openai` SDK with a base
 * URL (OPENROUTER_BASE_URL, default https://openrouter.ai/api/v1), behind the {@link AiProvider}
 * port: the fallback after Anthropic.
 *
 * - Structured output: `response_format: {type: 'json_schema', json_schema: {name, schema,
 *   strict}}`. `strict: true` when the schema meets OpenAI's strict subset (every object closed
 *   with `additionalProperties: false`, every property required, no keyword strict mode refuses:
 *   {@link isStrictSchema}); otherwise `strict: false` (a strict request with such a schema is
 *   refused with a 400) and the agent's own validation does the checking, as it always does.
 * - `maxRetries: 0` and `timeout` as for Anthropic: the chain retries and counts attempts.
 * - Errors (openrouter.ai/docs/api-reference/errors): 402 = insufficient credits (spend-limit,
 *   never retried), 429 rate-limited (with `retry-after` when sent), 408 timeout, 502/503 the
 *   model's provider is down or none is available (overloaded), 401 auth, 400/403 (403: input
 *   flagged by moderation) bad-request.
 * - A 200 that cannot be used (an `error` on the choice, an empty content) is an error carrying
 *   the usage the answer reports and its cost (`billedUnused`), so budgets count what was billed.
 */
import OpenAI from 'openai';
import {
  type AiAnswer,
  type AiFailureKind,
  type AiModelConfig,
  type AiProvider,
  AiProviderError,
  type AiRequest,
  type AiUsage,
  costOf,
  spendOf,
} from '../ports';
import { describeApiError, type HttpFailure, providerFailure } from './failures';

export const OPENROUTER_DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

export interface OpenRouterProviderOptions {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly models: AiModelConfig['openrouter'];
  /** The SDK's per-request timeout; default 30 s. */
  readonly timeoutMs?: number;
}

/** The failure kind of an OpenRouter error answer. */
export function openRouterFailureKind(failure: HttpFailure): AiFailureKind {
  const { status } = failure;
  if (status === 402) return 'spend-limit';
  if (status === 429) return 'rate-limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 502 || status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server-error';
  if (status === 401) return 'auth';
  return 'bad-request';
}

export function openRouterProvider(options: OpenRouterProviderOptions): AiProvider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? OPENROUTER_DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 30_000,
    // OpenRouter's optional attribution header.
    defaultHeaders: { 'X-Title': 'Unite-Hub' },
  });
  return {
    name: 'openrouter',
    async answer(request: AiRequest): Promise<AiAnswer> {
      const price = options.models[request.agent];
      const started = performance.now();
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model: price.model,
            max_tokens: request.maxOutputTokens,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content: request.input },
            ],
            response_format: {
              type: 'json_schema',
              json_schema: {
                name: request.schema.name,
                schema: request.schema.jsonSchema,
                strict: isStrictSchema(request.schema.jsonSchema),
              },
            },
          },
          request.signal ? { signal: request.signal } : {},
        );
      } catch (error) {
        throw providerFailure('openrouter', error, request.signal, describeApiError, openRouterFailureKind);
      }
      const latencyMs = Math.round(performance.now() - started);
      const choice = completion.choices?.[0];
      const usage = usageOf(completion.usage);
      // A 200 that cannot be used is billed for the usage it reports: its error carries it.
      const spend = spendOf(usage, price);
      const billed = spend.inputTokens + spend.outputTokens > 0 ? { billedUnused: spend } : {};
      // OpenRouter reports a provider failure after the 200 as an `error` on the choice.
      const choiceError = (choice as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      if (choiceError || choice?.finish_reason === ('error' as string)) {
        throw new AiProviderError(
          `openrouter: the model's provider failed: ${String(choiceError?.message ?? 'finish_reason error')}`,
          'server-error',
          'openrouter',
          billed,
        );
      }
      const text = choice?.message?.content ?? '';
      if (text === '') {
        throw new AiProviderError(
          `openrouter gave no answer to parse (finish_reason ${choice?.finish_reason ?? 'none'})`,
          'invalid-output',
          'openrouter',
          billed,
        );
      }
      return {
        provider: 'openrouter',
        model: completion.model || price.model,
        text,
        usage,
        costUsd: costOf(usage, price),
        latencyMs,
        offline: false,
      };
    },
  };
}

/**
 * Keywords OpenAI's strict mode refuses with a 400, as the official SDK's own strict-schema check
 * lists them (`openai` lib/transform.ts, `JSON_SCHEMA_UNSUPPORTED_SCHEMA_KEYWORDS`, plus
 * `additionalItems`; test/unit/ai/r22c-fix-openrouter-strict-subset.test.ts compares with it).
 * Length, range, pattern, format and item-count keywords (`minLength`, `maxLength`, `minimum`,
 * `maximum`, `multipleOf`, `pattern`, `format`, `minItems`, `maxItems`) are supported.
 */
const STRICT_UNSUPPORTED: ReadonlySet<string> = new Set([
  '$anchor',
  '$dynamicAnchor',
  '$dynamicRef',
  '$recursiveAnchor',
  '$recursiveRef',
  'additionalItems',
  'allOf',
  'contains',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'else',
  'if',
  'maxContains',
  'maxProperties',
  'minContains',
  'minProperties',
  'not',
  'patternProperties',
  'prefixItems',
  'propertyNames',
  'then',
  'unevaluatedItems',
  'unevaluatedProperties',
  'uniqueItems',
]);

/** Keywords whose value maps names to schemas (the names are not keywords). */
const SCHEMA_MAPS: ReadonlySet<string> = new Set(['properties', '$defs', 'definitions']);
/** Keywords whose value is data, not a schema. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['enum', 'const', 'default', 'examples', 'required']);

/**
 * OpenAI's strict subset: every object closed (`additionalProperties: false`) with every one of
 * its properties required, no keyword strict mode refuses ({@link STRICT_UNSUPPORTED}), no
 * tuple-form `items`.
 */
export function isStrictSchema(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictSchema);
  if (typeof schema !== 'object' || schema === null) return true;
  const node = schema as Record<string, unknown>;
  if (Object.keys(node).some((key) => STRICT_UNSUPPORTED.has(key)) || Array.isArray(node.items)) return false;
  const properties = node.properties;
  const isObject = node.type === 'object' || (typeof properties === 'object' && properties !== null);
  if (isObject && node.additionalProperties !== false) return false;
  if (typeof properties === 'object' && properties !== null) {
    const required = Array.isArray(node.required) ? node.required : [];
    if (!Object.keys(properties).every((key) => required.includes(key))) return false;
  }
  return Object.entries(node).every(([key, value]) => {
    if (DATA_KEYWORDS.has(key)) return true;
    if (SCHEMA_MAPS.has(key)) return typeof value === 'object' && value !== null && isStrictMap(value);
    return isStrictSchema(value);
  });
}

const isStrictMap = (map: object): boolean => Object.values(map).every(isStrictSchema);

function usageOf(usage: OpenAI.CompletionUsage | undefined): AiUsage {
  // `prompt_tokens` includes the cached ones; the port counts them apart (billed lower).
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    outputTokens: usage?.completion_tokens ?? 0,
    ...(cached > 0 ? { cacheReadTokens: cached } : {}),
  };
}
