/**
 * The provider the functions use, built from configuration (docs/AI.md): the chain of the
 * providers whose keys are set, Anthropic then OpenRouter, each behind its breaker; the offline
 * provider alone when none is set or `AI_MODE=offline`.
 *
 * Keys are read per call through `secrets` (cached by the reader: Secrets Manager at most once
 * per five minutes), so a key put in place or rotated joins the chain without a deploy. The
 * breakers are the process's: a chain rebuilt for a new key keeps its providers' health.
 */
import { aiModelConfig, type Config, ConfigError, config, providerSecretSource } from '../../config';
import { breakerRegistry } from '../../resilience/breaker-registry';
import type { BreakerStateChange } from '../../resilience/circuit-breaker';
import { systemClock } from '../../resilience/clock';
import type { AiProvider } from '../ports';
import {
  CHAIN_DEFAULTS,
  type ChainEvent,
  type ChainTimings,
  countsAgainstAiProvider,
  providerChain,
} from '../provider-chain';
import { offlineProvider } from './offline';

// The Anthropic and OpenAI SDKs (~600 KB of the ai bundles) are imported when a key first needs
// them, not at cold start: without keys (and before the first call) they are never evaluated.
// Import `anthropicProvider` and `openRouterProvider` from their own modules.
export { offlineProvider } from './offline';

/** The AI providers' credentials, by their names in lib/definition (`readsProviderSecrets`). */
export type AiKeyName = 'anthropic-api-key' | 'openrouter-api-key';

export interface ConfiguredProviderOptions extends Partial<ChainTimings> {
  /**
   * Reads a key: pass the function's `providerSecretReader` (shared/adapters/provider-secrets.ts),
   * which reads Secrets Manager in the cloud. Default: the plain variables (ANTHROPIC_API_KEY,
   * OPENROUTER_API_KEY) only, as the local runtime sets them; it refuses to start where the
   * stack passes a secret id instead, rather than run offline without saying why.
   */
  readonly secrets?: (name: AiKeyName) => Promise<string | undefined>;
  /**
   * Answer offline when every provider failed (see `ProviderChainOptions.offlineFallback`):
   * `true` for `POST /api/ai/preview` (a person waits and reads "offline"); leave it off for
   * the queued calls, whose message is retried and later gets a real answer.
   */
  readonly offlineFallback?: boolean;
  /** Retries, fallbacks (and breaker changes, from whichever chain made them): for logs and metrics. */
  readonly onEvent?: (event: ChainEvent | ({ readonly type: 'breaker' } & BreakerStateChange)) => void;
  /** Default the parsed environment; tests pass their own. */
  readonly config?: Pick<
    Config,
    'AI_MODE' | 'AI_MODELS' | 'ANTHROPIC_BASE_URL' | 'OPENROUTER_BASE_URL' | 'ANTHROPIC_API_KEY' | 'OPENROUTER_API_KEY'
  >;
}

const breakerListeners = new Set<(change: BreakerStateChange) => void>();

/**
 * One breaker per provider for the whole process. Their state is in memory, per Lambda instance:
 * the resilience kit's store port would let instances share it (a DynamoDB adapter), none exists
 * yet. 5 counted failures within a minute open a breaker for 30 s; then one trial call at a time,
 * two successful trials close it.
 */
const breakers = breakerRegistry(systemClock, {
  failureThreshold: 5,
  windowMs: 60_000,
  openMs: 30_000,
  successThreshold: 2,
  countsAsFailure: countsAgainstAiProvider,
  onStateChange: (change) => {
    for (const listener of breakerListeners) listener(change);
  },
});

/** The configured provider; create one per process (module scope) and per kind of caller. */
export function configuredProvider(options: ConfiguredProviderOptions = {}): AiProvider {
  const c = options.config ?? config;
  const models = aiModelConfig(c);
  const readKey = options.secrets ?? plainKeys(c);
  const { onEvent } = options;
  if (onEvent) breakerListeners.add((change) => onEvent({ type: 'breaker', ...change }));
  if (c.AI_MODE === 'offline') return offlineProvider;

  let built: { key: string; chain: AiProvider } | undefined;
  const chainFor = async (): Promise<AiProvider> => {
    const [anthropicKey, openRouterKey] = await Promise.all([
      readKey('anthropic-api-key'),
      readKey('openrouter-api-key'),
    ]);
    // Loaded before the cache check, so the check and a rebuild stay one synchronous step.
    const [anthropic, openRouter] = await Promise.all([
      anthropicKey ? import('./anthropic') : undefined,
      openRouterKey ? import('./openrouter') : undefined,
    ]);
    const key = `${anthropicKey ?? ''}\n${openRouterKey ?? ''}`;
    if (built?.key === key) return built.chain;
    const timeoutMs = (options.attemptTimeoutMs ?? CHAIN_DEFAULTS.attemptTimeoutMs) + 1000;
    const providers = [
      ...(anthropicKey && anthropic
        ? [
            anthropic.anthropicProvider({
              apiKey: anthropicKey,
              models: models.anthropic,
              timeoutMs,
              ...(c.ANTHROPIC_BASE_URL ? { baseURL: c.ANTHROPIC_BASE_URL } : {}),
            }),
          ]
        : []),
      ...(openRouterKey && openRouter
        ? [
            openRouter.openRouterProvider({
              apiKey: openRouterKey,
              models: models.openrouter,
              timeoutMs,
              ...(c.OPENROUTER_BASE_URL ? { baseURL: c.OPENROUTER_BASE_URL } : {}),
            }),
          ]
        : []),
    ];
    const chain = providerChain({ ...options, providers, breakers, ...(onEvent ? { onEvent } : {}) });
    built = { key, chain };
    return chain;
  };
  return {
    name: 'anthropic',
    async answer(request) {
      return (await chainFor()).answer(request);
    },
  };
}

/** The default key reader: the plain variables, refusing a secret id it cannot read. */
function plainKeys(
  c: Pick<Config, 'ANTHROPIC_API_KEY' | 'OPENROUTER_API_KEY'>,
): (name: AiKeyName) => Promise<string | undefined> {
  for (const name of ['anthropic-api-key', 'openrouter-api-key'] as const) {
    const source = providerSecretSource(name);
    if (source && 'secretId' in source) {
      throw new ConfigError(
        `The ${name} is a Secrets Manager secret here: pass configuredProvider({ secrets: providerSecretReader(...) })`,
      );
    }
  }
  return async (name) => (name === 'anthropic-api-key' ? c.ANTHROPIC_API_KEY : c.OPENROUTER_API_KEY);
}
