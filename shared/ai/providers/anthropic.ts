/**
 * Anthropic's Messages API through the official SDK, behind the {@link AiProvider} port.
 *
 * - Structured output: `output_config.format` with the agent's JSON Schema. The installed SDK
 *   (1.17) has it generally available on `messages.create` (no beta header, no forced tool call
 *   needed); `jsonSchemaOutputFormat` rewrites the schema into the subset the API enforces, moving
 *   the constraints it cannot enforce (e.g. `minItems: 3`, `maxLength`) into the description, as
 *   the SDK's own `messages.parse` does. The agent still validates the answer with its zod schema.
 * - The fixed system prompt carries `cache_control: {type: 'ephemeral'}` (5 minutes): repeated
 *   calls of one agent read it from the cache (billed at the cache-read price). Prompts shorter
 *   than the model's minimum cacheable length are simply not cached.
 * - `maxRetries: 0`: the chain retries (honouring `retry-after`) and counts every attempt
 *   toward the circuit breaker; SDK retries underneath would multiply attempts unseen. `timeout`
 *   is one attempt's ceiling, a backstop behind the chain's own per-attempt timeout.
 * - Errors become {@link AiProviderError}s by {@link anthropicFailureKind}; keys never appear in
 *   them (the SDK does not put headers in messages). A 200 with nothing to parse (a refusal, an
 *   empty text) is an `invalid-output` error that carries the answer's usage and cost
 *   (`billedUnused`): Anthropic bills it.
 * - Only the Messages resource over the SDK's `BaseAnthropic` client: the SDK is side-effect free,
 *   so the bundle leaves out the resources the full `Anthropic` class attaches (beta, files,
 *   models, skills...): ~135 KB of it in the function bundle instead of ~475 KB. Same
 *   constructor, same request path, same errors.
 */
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { jsonSchemaOutputFormat } from '@anthropic-ai/sdk/helpers/json-schema';
import { type Message, Messages, type Usage } from '@anthropic-ai/sdk/resources/messages';
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

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicProviderOptions {
  readonly apiKey: string;
  /** ANTHROPIC_BASE_URL (the local stand-in); unset: the SDK's default, https://api.anthropic.com. */
  readonly baseURL?: string;
  /** The model and prices of each agent (AI_MODELS). */
  readonly models: AiModelConfig['anthropic'];
  /** The SDK's per-request timeout; default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * `error.details.error_code`s of a spend or credit limit (the SDK's `ContractSpendLimitReachedError`,
 * `EnforcedSpendLimitReachedError`, `LinkedOrganizationSpendLimitReachedError`): 429s and 402s
 * that retrying cannot fix before the limit resets.
 */
const SPEND_LIMIT_CODES = new Set([
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'linked_organization_billing_unavailable',
]);

/**
 * Older answers carry no error code: a 400 `invalid_request_error` whose message says the credit
 * balance is too low ("Your credit balance is too low to access the Anthropic API. Please go to
 * Plans & Billing ...") or that a spend limit set in the Console is reached ("You have reached
 * your specified API usage limits" / "... workspace API usage limits").
 */
const SPEND_LIMIT_WORDING = /credit balance is too low|reached your specified (workspace )?API usage limits/i;

/** The failure kind of an Anthropic error answer (docs.anthropic.com/en/api/errors). */
export function anthropicFailureKind(failure: HttpFailure): AiFailureKind {
  const { status, type, code, message } = failure;
  if ((code && SPEND_LIMIT_CODES.has(code)) || type === 'billing_error' || status === 402) return 'spend-limit';
  if (status === 400 && SPEND_LIMIT_WORDING.test(message)) return 'spend-limit';
  if (status === 429) return 'rate-limited';
  if (status === 529 || type === 'overloaded_error') return 'overloaded';
  if (status === 408 || status === 504 || type === 'timeout_error') return 'timeout';
  if (status >= 500 || status === 409) return 'server-error';
  if (status === 401 || status === 403) return 'auth';
  return 'bad-request';
}

export function anthropicProvider(options: AnthropicProviderOptions): AiProvider {
  const client = new BaseAnthropic({
    apiKey: options.apiKey,
    // Always explicit: the SDK would otherwise read ANTHROPIC_BASE_URL itself, bypassing config.
    baseURL: options.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 30_000,
  });
  const messages = new Messages(client);
  return {
    name: 'anthropic',
    async answer(request: AiRequest): Promise<AiAnswer> {
      const price = options.models[request.agent];
      const format = outputFormat(request);
      const started = performance.now();
      let message: Message;
      try {
        message = await messages.create(
          {
            model: price.model,
            max_tokens: request.maxOutputTokens,
            system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
            messages: [{ role: 'user', content: request.input }],
            output_config: { format },
          },
          request.signal ? { signal: request.signal } : {},
        );
      } catch (error) {
        throw providerFailure('anthropic', error, request.signal, describeApiError, anthropicFailureKind);
      }
      const latencyMs = Math.round(performance.now() - started);
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      const usage = usageOf(message.usage);
      if (message.stop_reason === 'refusal' || text === '') {
        // Billed like any 200: the error carries what it cost, so budgets count it.
        throw new AiProviderError(
          `anthropic gave no answer to parse (stop_reason ${message.stop_reason ?? 'none'})`,
          'invalid-output',
          'anthropic',
          { billedUnused: spendOf(usage, price) },
        );
      }
      return {
        provider: 'anthropic',
        // What answered, as the API reports it (a local stand-in says so in the name).
        model: message.model,
        text,
        usage,
        costUsd: costOf(usage, price),
        latencyMs,
        offline: false,
      };
    },
  };
}

function outputFormat(request: AiRequest): { type: 'json_schema'; schema: Record<string, unknown> } {
  if (request.schema.jsonSchema.type !== 'object') {
    throw new AiProviderError(`The ${request.schema.name} schema must describe an object`, 'bad-request', 'anthropic');
  }
  // Only the wire part: the helper's `parse` is for `messages.parse`, the agent parses itself.
  const { schema } = jsonSchemaOutputFormat(request.schema.jsonSchema as { type: 'object' });
  return { type: 'json_schema', schema };
}

function usageOf(usage: Usage): AiUsage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cacheReadTokens: usage.cache_read_input_tokens } : {}),
    ...(usage.cache_creation_input_tokens ? { cacheWriteTokens: usage.cache_creation_input_tokens } : {}),
  };
}
