/**
 * The AI providers of the local runtime (docs/AI.md, "Locally"), chosen by `LOCAL_AI`:
 * - `stand-in` (default): the Anthropic and OpenRouter stand-ins on loopback, with their dummy
 *   keys, so `npm start` runs the whole chain (SDKs, retries, breakers, fallback) with no
 *   account and no network. A key exported in the developer's shell is ignored on purpose: a
 *   demo never spends money by accident. Answers are labelled with a `-local` model name.
 * - `real`: the real services, with the keys from ANTHROPIC_API_KEY / OPENROUTER_API_KEY or the
 *   files `<dataDir>/anthropic-api-key` / `<dataDir>/openrouter-api-key` (never logged), and
 *   ANTHROPIC_BASE_URL / OPENROUTER_BASE_URL when set.
 * - `offline` (or AI_MODE=offline): no provider; every answer is the labelled offline one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AiStandIn, startAnthropicStandIn } from './anthropic-server';
import { startOpenRouterStandIn } from './openrouter-server';

export const LOCAL_AI_MODES = ['stand-in', 'real', 'offline'] as const;
export type LocalAiMode = (typeof LOCAL_AI_MODES)[number];

export interface LocalAi {
  readonly mode: LocalAiMode;
  /** The functions' AI variables (keys included: the functions' environment, never printed). */
  readonly env: Record<string, string>;
  readonly anthropic?: AiStandIn;
  readonly openrouter?: AiStandIn;
  /** One line per provider for the startup banner, without keys. */
  readonly summary: string[];
  stop(): Promise<void>;
}

export function parseLocalAiMode(env: Readonly<Record<string, string | undefined>>): LocalAiMode {
  if ((env.AI_MODE ?? '').trim().toLowerCase() === 'offline') return 'offline';
  const value = (env.LOCAL_AI ?? '').trim().toLowerCase() || 'stand-in';
  if (!(LOCAL_AI_MODES as readonly string[]).includes(value)) {
    throw new Error(`LOCAL_AI must be one of ${LOCAL_AI_MODES.join(', ')}; got "${env.LOCAL_AI}"`);
  }
  return value as LocalAiMode;
}

export async function startLocalAi(opts: {
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (msg: string) => void;
  /** Fixed ports of the stand-ins; 0 or absent = any free port. */
  readonly ports?: { readonly anthropic?: number; readonly openrouter?: number };
}): Promise<LocalAi> {
  const mode = parseLocalAiMode(opts.env);
  if (mode === 'offline') {
    return {
      mode,
      env: { AI_MODE: 'offline', ANTHROPIC_API_KEY: '', OPENROUTER_API_KEY: '' },
      summary: ['AI             offline (AI_MODE=offline or LOCAL_AI=offline): every answer says it is offline'],
      stop: async () => {},
    };
  }
  if (mode === 'real') {
    const anthropicKey = opts.env.ANTHROPIC_API_KEY || keyFile(opts.dataDir, 'anthropic-api-key');
    const openRouterKey = opts.env.OPENROUTER_API_KEY || keyFile(opts.dataDir, 'openrouter-api-key');
    const configured = (key: string | undefined, url: string | undefined, fallback: string) =>
      key ? `${url || fallback} (key set)` : 'no key: not in the chain';
    return {
      mode,
      env: {
        AI_MODE: 'auto',
        ANTHROPIC_API_KEY: anthropicKey ?? '',
        OPENROUTER_API_KEY: openRouterKey ?? '',
        ANTHROPIC_BASE_URL: opts.env.ANTHROPIC_BASE_URL ?? '',
        OPENROUTER_BASE_URL: opts.env.OPENROUTER_BASE_URL ?? '',
      },
      summary: [
        `Anthropic      ${configured(anthropicKey, opts.env.ANTHROPIC_BASE_URL, 'https://api.anthropic.com')}   LOCAL_AI=real`,
        `OpenRouter     ${configured(openRouterKey, opts.env.OPENROUTER_BASE_URL, 'https://openrouter.ai/api/v1')}`,
      ],
      stop: async () => {},
    };
  }
  const started = await Promise.allSettled([
    startAnthropicStandIn({ log: opts.log, fault: opts.env.LOCAL_ANTHROPIC_FAULT, port: opts.ports?.anthropic ?? 0 }),
    startOpenRouterStandIn({
      log: opts.log,
      fault: opts.env.LOCAL_OPENROUTER_FAULT,
      port: opts.ports?.openrouter ?? 0,
    }),
  ]);
  const [first, second] = started;
  if (first.status === 'rejected' || second.status === 'rejected') {
    // A fixed port taken by another process: stop the one that did start, so nothing is left listening.
    await Promise.allSettled(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : [])));
    throw first.status === 'rejected' ? first.reason : (second as PromiseRejectedResult).reason;
  }
  const anthropic = first.value;
  const openrouter = second.value;
  const line = (name: string, s: AiStandIn, variable: string) =>
    `${name.padEnd(15)}${s.endpoint}   local stand-in (answers labelled -local); fault switch: ${variable}=rate-limit|overloaded|spend-limit|slow|malformed|..., or curl -X PUT --data rate-limit ${s.endpoint.replace(/\/api\/v1$/, '')}/_local/fault`;
  return {
    mode,
    env: {
      AI_MODE: 'auto',
      ANTHROPIC_API_KEY: anthropic.apiKey,
      ANTHROPIC_BASE_URL: anthropic.endpoint,
      OPENROUTER_API_KEY: openrouter.apiKey,
      OPENROUTER_BASE_URL: openrouter.endpoint,
    },
    anthropic,
    openrouter,
    summary: [
      line('Anthropic', anthropic, 'LOCAL_ANTHROPIC_FAULT'),
      line('OpenRouter', openrouter, 'LOCAL_OPENROUTER_FAULT'),
    ],
    async stop() {
      await Promise.all([anthropic.stop(), openrouter.stop()]);
    },
  };
}

function keyFile(dataDir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dataDir, name), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
