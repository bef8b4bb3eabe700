/**
 * The AI ports. Agents (shared/ai/agents/*) ask an {@link AiProvider} for a structured answer
 * to a fixed system prompt and an input; providers (Anthropic, OpenRouter, offline) and the
 * chain that fails over between them (shared/ai/provider-chain.ts) implement it. Model ids and
 * prices come from configuration ({@link AiModelConfig}), never from code.
 */

/** The agents, each with its own output schema and model choice. */
export const AI_AGENTS = ['email-intent', 'content-personalisation', 'contact-intelligence'] as const;
export type AiAgent = (typeof AI_AGENTS)[number];

export type AiProviderName = 'anthropic' | 'openrouter' | 'offline';

export interface AiRequest {
  readonly agent: AiAgent;
  /** The fixed instructions of the agent (Anthropic: cached with `cache_control`). */
  readonly system: string;
  /** What this call is about (the email, the contact, ...). */
  readonly input: string;
  /** JSON Schema of the answer (from the agent's zod schema, `z.toJSONSchema`). */
  readonly schema: { readonly name: string; readonly jsonSchema: Record<string, unknown> };
  readonly maxOutputTokens: number;
  /** The whole call's deadline, retries and fallbacks included. */
  readonly signal?: AbortSignal;
}

export interface AiUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens read from the prompt cache (billed lower), when the provider says. */
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
}

export interface AiAnswer {
  readonly provider: AiProviderName;
  readonly model: string;
  /** The answer as the model gave it: JSON text the agent parses and validates with its schema. */
  readonly text: string;
  readonly usage: AiUsage;
  /** From the configured prices of `model`; 0 offline. */
  readonly costUsd: number;
  readonly latencyMs: number;
  /** True when no model answered (no key, or offline mode): callers must say so to users. */
  readonly offline: boolean;
  /** Set when a provider before this one in the chain failed and this one answered. */
  readonly fallback?: { readonly from: AiProviderName; readonly reason: string };
  /**
   * Answers billed before this one in the same call and not usable (a refusal, an empty answer,
   * ...), not in {@link usage}: budgets count them too. Unset when there were none.
   */
  readonly billedUnused?: AiSpend;
}

/** What billed answers cost: their tokens as a run counts them (cache reads and writes as input), and USD. */
export interface AiSpend {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** What an answer's `usage` costs at `price`. */
export const spendOf = (usage: AiUsage, price: AiModelPrice): AiSpend => ({
  inputTokens: usage.inputTokens + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0),
  outputTokens: usage.outputTokens,
  costUsd: costOf(usage, price),
});

/** `a` and `b` together (either may be unset). */
export const addSpend = (a: AiSpend | undefined, b: AiSpend | undefined): AiSpend | undefined =>
  a && b
    ? {
        inputTokens: a.inputTokens + b.inputTokens,
        outputTokens: a.outputTokens + b.outputTokens,
        costUsd: a.costUsd + b.costUsd,
      }
    : (a ?? b);

/** The billed, unusable answers an error follows ({@link AiProviderErrorOptions.billedUnused}), if any. */
export const billedUnusedOf = (error: unknown): AiSpend | undefined =>
  error instanceof AiProviderError ? error.options.billedUnused : undefined;

export interface AiProvider {
  readonly name: AiProviderName;
  answer(request: AiRequest): Promise<AiAnswer>;
}

/**
 * Why a provider call failed, as the chain needs to know it: whether to try again (and when),
 * whether to fall over to the next provider, and whether it counts against the breaker.
 */
export type AiFailureKind =
  /** 429 `rate_limit_error`: retry after `retryAfterMs`, or fall over. */
  | 'rate-limited'
  /** 529 `overloaded_error`, 5xx: retry with backoff, or fall over. */
  | 'overloaded'
  | 'server-error'
  /** No answer in time / the connection failed. */
  | 'timeout'
  | 'network'
  /** A spend or credit limit reached (a 429/402 that retrying cannot fix): never retried. */
  | 'spend-limit'
  /** 401/403: the key is wrong; never retried. */
  | 'auth'
  /** 400: our request is wrong; never retried. */
  | 'bad-request'
  /** The model's output did not parse or match the schema after the repair retry. */
  | 'invalid-output'
  /** Every provider of the chain is unavailable (breakers open, failures). */
  | 'unavailable';

export class AiProviderError extends Error {
  override name = 'AiProviderError';
  constructor(
    message: string,
    readonly kind: AiFailureKind,
    readonly provider: AiProviderName,
    readonly options: AiProviderErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  /** Worth another try at the same provider (after a wait). */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }

  /**
   * Worth running the whole call again later (a queued call's redelivery): a retryable kind, or the
   * chain's `unavailable` unless it says that no provider's failure can pass by itself.
   */
  get retryLater(): boolean {
    return this.kind === 'unavailable' ? this.options.retryLater !== false : this.retryable;
  }

  /**
   * The kind a caller that gives up reports: the first provider's own kind (a spend limit, a
   * rejected key, ...) when the chain's `unavailable` cannot pass by itself, else {@link kind}.
   */
  get finalKind(): AiFailureKind {
    return this.kind === 'unavailable' && this.options.retryLater === false
      ? (this.options.firstKind ?? this.kind)
      : this.kind;
  }
}

export interface AiProviderErrorOptions {
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly cause?: unknown;
  /**
   * The chain's `unavailable` only: whether any provider's failure may pass by itself (a
   * retryable kind, or an open breaker). False when every provider refused the request for good
   * (a spend limit, a rejected key, a bad request, no answer to parse): asking again later fails
   * the same way. Unset: true.
   */
  readonly retryLater?: boolean;
  /** The chain's `unavailable` only: the first provider's failure kind. */
  readonly firstKind?: AiFailureKind;
  /**
   * Set when the failure follows answers that were billed (an HTTP 200 with usage: a refusal, an
   * empty answer, a provider error reported after the 200): what they cost. A provider sets it for
   * its own answer; the chain's error sums every such answer of the call. Budgets count it.
   */
  readonly billedUnused?: AiSpend;
}

const RETRYABLE_KINDS: ReadonlySet<AiFailureKind> = new Set([
  'rate-limited',
  'overloaded',
  'server-error',
  'timeout',
  'network',
]);

/**
 * A deadline's abort reason (`AbortSignal.timeout` aborts with a `TimeoutError`), as opposed to
 * a cancellation (an `AbortError`, or any other reason): a deadline ends an AI run as a result,
 * a cancellation as an exception.
 */
export const isDeadline = (reason: unknown): boolean =>
  (reason instanceof Error || reason instanceof DOMException) && reason.name === 'TimeoutError';

/** Where the AI use cases put what an operator may need and a client must not see (Powertools' logger fits). */
export interface AiLog {
  warn(message: string, detail: Readonly<Record<string, unknown>>): void;
  error(message: string, detail: Readonly<Record<string, unknown>>): void;
}

/** One model's id at its provider and its prices (USD per million tokens). */
export interface AiModelPrice {
  readonly model: string;
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  readonly cacheReadPerMTok?: number;
  readonly cacheWritePerMTok?: number;
}

/** Which model each agent uses at each provider, from configuration. */
export interface AiModelConfig {
  readonly anthropic: Readonly<Record<AiAgent, AiModelPrice>>;
  readonly openrouter: Readonly<Record<AiAgent, AiModelPrice>>;
}

/** The cost of `usage` at `price`. */
export function costOf(usage: AiUsage, price: AiModelPrice): number {
  const perToken = (perM: number | undefined, tokens: number | undefined) => ((perM ?? 0) * (tokens ?? 0)) / 1e6;
  return (
    perToken(price.inputPerMTok, usage.inputTokens) +
    perToken(price.outputPerMTok, usage.outputTokens) +
    perToken(price.cacheReadPerMTok ?? price.inputPerMTok, usage.cacheReadTokens) +
    perToken(price.cacheWritePerMTok ?? price.inputPerMTok, usage.cacheWriteTokens)
  );
}
