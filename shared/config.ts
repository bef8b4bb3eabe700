/**
 * The one place that reads `process.env`. Parsed with zod once, at cold start: a missing
 * or malformed variable stops the function at init with a message naming it, never
 * halfway through a request. Defaults serve the local runtime.
 */
import { hkdfSync } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-locale';
import type { ProviderSecretName, QueueName, TableName } from '../lib/definition';
import { defaultAiModels } from '../lib/definition/ai-models';
import { providerSecretIdEnvName, providerSecretVariables, queueEnvName, tableEnvName } from '../lib/definition/names';
import type { AiModelConfig } from './ai/ports';
import { aiModelConfigSchema } from './ai/providers/model-config';
import { type Clock, parseClockOrigin, scaledClock } from './clock';
import { parsePublicBaseUrl, publicBaseUrlSchema } from './identity/mailed-links';

/** An empty variable counts as unset, so a deployment can pass '' to mean "off". */
const blankAsAbsent = (value: unknown): unknown => (value === '' ? undefined : value);
/** A JSON variable: parsed here so zod reports a wrong field by its path (text that is not JSON fails as "expected object"). */
const jsonOrAbsent = (value: unknown): unknown => {
  if (typeof value !== 'string' || value.trim() === '') return blankAsAbsent(value);
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const schema = z.object({
  STAGE: z._default(z.string().check(z.minLength(1)), 'local'),
  SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'unite-hub'),
  APP_VERSION: z._default(z.string().check(z.minLength(1)), '0.1.0'),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']), 'INFO'),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  SES_FROM_ADDRESS: z._default(z.email(), 'no-reply@unite-hub.local'),
  /** Sends per second the email pacer works from, instead of SES `GetAccount`'s MaxSendRate (docs/EMAIL.md). */
  EMAIL_MAX_SEND_RATE: z.pipe(
    z.transform(blankAsAbsent),
    z.optional(z.coerce.number().check(z.positive(), z.lte(10_000))),
  ),
  /**
   * How long a send's claim keeps other deliveries of it off (docs/EMAIL.md, "Exactly once"): longer
   * than a provider call with its retries. After a crash mid-send, the send waits this long.
   */
  EMAIL_CLAIM_LEASE_SECONDS: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.int(), z.gte(10), z.lte(3600)), 300),
  ),
  /** Share of the max send rate the pacer uses (SES throttles at the exact rate). */
  EMAIL_RATE_FRACTION: z.pipe(z.transform(blankAsAbsent), z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.8)),
  STATE_MACHINE_ARN: z.optional(z.string().check(z.minLength(1))),
  /** EventBridge Scheduler group and role for campaign step timers, and the drip-steps queue's ARN they target. */
  STEP_SCHEDULE_GROUP: z.pipe(
    z.transform(blankAsAbsent),
    z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  ),
  STEP_SCHEDULER_ROLE_ARN: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  DRIP_STEPS_QUEUE_ARN: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /**
   * Local only: how many times faster than real time campaign time runs (`TIME_SCALE=3600`: an
   * hour per second for waits, schedules and windows), from `CLOCK_ORIGIN` (`<realMs>:<clockMs>`,
   * set by the local runtime at every start, so campaign time carries on across restarts at scale 1
   * too). Must be 1 in the cloud, and CLOCK_ORIGIN unset.
   */
  TIME_SCALE: z.pipe(z.transform(blankAsAbsent), z._default(z.coerce.number().check(z.gte(1), z.lte(1_000_000)), 1)),
  CLOCK_ORIGIN: z.pipe(
    z.transform(blankAsAbsent),
    z.optional(
      z.string().check(
        z.regex(/^\d{1,16}:\d{1,16}$/),
        // Epoch ms up to the year 9999, as lib/local/clock-origin.ts (LATEST_CAMPAIGN_TIME_MS) writes it.
        z.refine((v) => v.split(':').every((ms) => Number(ms) <= 253_402_300_799_999), 'has a time past the year 9999'),
      ),
    ),
  ),
  /** The domain-events bus, for functions that declare `publishesEvents` (shared/adapters/eventbridge-events.ts). */
  EVENT_BUS_NAME: z.optional(z.string().check(z.minLength(1))),
  /**
   * Set by the stack on HTTP functions: the ARN of the secret CloudFront sends as `x-origin-verify`.
   * The values (AWSCURRENT and AWSPREVIOUS) are read at run time (shared/adapters/origin-secrets.ts);
   * requests with neither are refused. Never the value itself.
   */
  ORIGIN_VERIFY_SECRET_ARN: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /**
   * Local only: a plain value `x-origin-verify` must carry, and the previous one still accepted
   * (as during a rotation in the cloud). Read at call time (`localOriginSecrets`), so a test can
   * switch them on a running local runtime. Refused outside the local stage.
   */
  ORIGIN_VERIFY_SECRET: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(32)))),
  ORIGIN_VERIFY_SECRET_PREVIOUS: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(32)))),
  /** Header the trusted edge puts the viewer's address in (`x-viewer-address`, set by a CloudFront Function). */
  CLIENT_ADDRESS_HEADER: z.optional(z.string().check(z.minLength(1), z.toLowerCase())),
  /**
   * Local load tests only (`npm run load:start`): the header a load generator puts a simulated
   * client address in, so per-client limits see many clients. NEVER set in the cloud: anyone
   * could pick their own address. Ignored whenever the origin is verified (ORIGIN_VERIFY_SECRET_ARN
   * in the cloud, ORIGIN_VERIFY_SECRET locally).
   */
  TRUST_LOAD_CLIENT_HEADER: z.pipe(
    z.transform(blankAsAbsent),
    z.optional(z.string().check(z.minLength(1), z.toLowerCase())),
  ),
  /**
   * `on`: campaign webhook actions may call private, loopback and link-local addresses, `localhost`
   * and plain http (docs/CAMPAIGNS.md, "Actions"). Unset: on in the local stage only.
   */
  ALLOW_PRIVATE_WEBHOOKS: z.pipe(z.transform(blankAsAbsent), z.optional(z.enum(['on', 'off']))),
  /** `off` disables the per-client rate limits (never in the cloud; for local experiments). */
  RATE_LIMITS: z._default(z.enum(['on', 'off']), 'on'),
  /**
   * Local only: the Sentry project DSN. In the cloud the stack sets SENTRY_DSN_SECRET_ID (the
   * Secrets Manager secret holding it, read at run time) instead. Neither: Sentry is off and its
   * SDK is never loaded.
   */
  SENTRY_DSN: z.pipe(z.transform(blankAsAbsent), z.optional(z.url())),
  /** Sentry `environment`; unset means the STAGE (resolved in `shared/observability/sentry`). */
  SENTRY_ENVIRONMENT: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /** Share of error events sent to Sentry, 0..1. */
  SENTRY_SAMPLE_RATE: z.pipe(z.transform(blankAsAbsent), z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 1)),
  /** Share of invocations traced to Sentry performance, 0..1; 0 sends no transactions. */
  SENTRY_TRACES_SAMPLE_RATE: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0),
  ),
  SETTINGS_KMS_KEY_ID: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))), // wraps secret settings' data keys
  LOCAL_SECRET_KEY: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))), // 32 bytes base64, when no KMS key
  /** Seals tracking and unsubscribe tokens: a random secret of 32+ characters (the stack's secret). Unset: derived from LOCAL_SECRET_KEY (local). */
  TRACKING_KEY: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /** The `mailto:` of List-Unsubscribe (e.g. `unsubscribe@example.com`); unset: the https link only. */
  UNSUBSCRIBE_MAILTO: z.pipe(z.transform(blankAsAbsent), z.optional(z.email())),
  /**
   * The one public base URL mailed links start with (`https://app.example.com`, optionally a
   * path prefix); never taken from a request. Set by the stack (the CloudFront URL or
   * `-c publicBaseUrl=`) and by the local runtime (its printed URL). https outside `local`.
   */
  PUBLIC_BASE_URL: z.pipe(z.transform(blankAsAbsent), z.optional(publicBaseUrlSchema)),
  /** Resend API key (email failover after SES). Unset or empty: Resend is not in the chain. */
  RESEND_API_KEY: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /** Resend API root; unset: https://api.resend.com. The local runtime points it at its stand-in. */
  RESEND_BASE_URL: z.pipe(z.transform(blankAsAbsent), z.optional(z.url({ protocol: /^https?$/ }))),
  /** Anthropic API key (the AI chain's first provider, docs/AI.md). Unset or empty: Anthropic is not in the chain. */
  ANTHROPIC_API_KEY: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /** Anthropic API root; unset: https://api.anthropic.com. The local runtime points it at its stand-in. */
  ANTHROPIC_BASE_URL: z.pipe(z.transform(blankAsAbsent), z.optional(z.url({ protocol: /^https?$/ }))),
  /** OpenRouter API key (the AI fallback). Unset or empty: OpenRouter is not in the chain. */
  OPENROUTER_API_KEY: z.pipe(z.transform(blankAsAbsent), z.optional(z.string().check(z.minLength(1)))),
  /** OpenRouter's OpenAI-compatible API root. The local runtime points it at its stand-in. */
  OPENROUTER_BASE_URL: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.url({ protocol: /^https?$/ }), 'https://openrouter.ai/api/v1'),
  ),
  /** `offline`: no model is ever called, every AI result is the labelled offline one. `auto`: the configured chain. */
  AI_MODE: z.pipe(z.transform(blankAsAbsent), z._default(z.enum(['auto', 'offline']), 'auto')),
  /** Models and prices per agent per provider, JSON of the shape of lib/definition/ai-models.ts (its defaults). */
  AI_MODELS: z.pipe(z.transform(jsonOrAbsent), z.optional(aiModelConfigSchema)),
  /** SMTP relay for the last failover step, `smtp://` or `smtps://user:pass@host:port`. Unset or empty: no SMTP. */
  SMTP_URL: z.pipe(z.transform(blankAsAbsent), z.optional(z.url({ protocol: /^smtps?$/ }))),
  /** Resend's webhook signing secret (`whsec_<base64>`); unset: `POST /api/hooks/resend` refuses every call. */
  RESEND_WEBHOOK_SECRET: z.pipe(
    z.transform(blankAsAbsent),
    z.optional(z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]{16,}$/))),
  ),
  /** Reputation lines (shares, 0.001 = 0.1%) and the volume below which rates never pause (docs/EMAIL.md). */
  EMAIL_WARN_COMPLAINT_RATE: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.0008),
  ),
  EMAIL_PAUSE_COMPLAINT_RATE: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.001),
  ),
  EMAIL_WARN_BOUNCE_RATE: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.05),
  ),
  EMAIL_PAUSE_BOUNCE_RATE: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.1),
  ),
  EMAIL_REPUTATION_MIN_VOLUME: z.pipe(
    z.transform(blankAsAbsent),
    z._default(z.coerce.number().check(z.int(), z.gte(1)), 200),
  ),
});

/** The reputation thresholds of shared/email/reputation.ts, from the variables above. */
export const reputationThresholds = (c: Config) => ({
  warnComplaintRate: c.EMAIL_WARN_COMPLAINT_RATE,
  pauseComplaintRate: c.EMAIL_PAUSE_COMPLAINT_RATE,
  warnBounceRate: c.EMAIL_WARN_BOUNCE_RATE,
  pauseBounceRate: c.EMAIL_PAUSE_BOUNCE_RATE,
  minimumVolume: c.EMAIL_REPUTATION_MIN_VOLUME,
});

/** Rules across variables: a deployed stage must not mail http links. */
const environment = schema.check(
  z.superRefine((env, ctx) => {
    if (env.TIME_SCALE !== 1 && env.STAGE !== 'local') {
      ctx.addIssue({ code: 'custom', path: ['TIME_SCALE'], message: 'must be 1 outside the local stage' });
    }
    // An origin moves campaign time off the wall clock even at scale 1: the local runtime's only.
    if (env.CLOCK_ORIGIN !== undefined && env.STAGE !== 'local') {
      ctx.addIssue({ code: 'custom', path: ['CLOCK_ORIGIN'], message: 'must be unset outside the local stage' });
    }
    for (const name of ['ORIGIN_VERIFY_SECRET', 'ORIGIN_VERIFY_SECRET_PREVIOUS'] as const) {
      if (env[name] !== undefined && env.STAGE !== 'local') {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message:
            'is a local-only plain value; in the cloud the secret is read at run time (ORIGIN_VERIFY_SECRET_ARN)',
        });
      }
    }
    if (env.PUBLIC_BASE_URL?.startsWith('http:') && env.STAGE !== 'local') {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_BASE_URL'],
        message: 'must be an https URL outside the local stage',
      });
    }
  }),
);

export type Config = z.infer<typeof schema>;

/** Whether campaign webhooks may reach private addresses and plain http (see ALLOW_PRIVATE_WEBHOOKS). */
export const privateWebhooksAllowed = (c: Pick<Config, 'ALLOW_PRIVATE_WEBHOOKS' | 'STAGE'> = config): boolean =>
  c.ALLOW_PRIVATE_WEBHOOKS ? c.ALLOW_PRIVATE_WEBHOOKS === 'on' : c.STAGE === 'local';

/** Models and prices per agent at each provider: AI_MODELS when set, else lib/definition/ai-models.ts. */
export const aiModelConfig = (c: Pick<Config, 'AI_MODELS'> = config): AiModelConfig => c.AI_MODELS ?? defaultAiModels;

/** Thrown at init when the environment is wrong; names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parse(env: NodeJS.ProcessEnv): Config {
  const result = environment.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  return result.data;
}

export const config: Config = parse(process.env);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`Missing environment variable ${name}`);
  return value;
}

/**
 * The physical name of a declared table. Adapters call this at module scope, so a
 * function deployed without the table it needs fails at cold start.
 */
export const tableName = (table: TableName): string => required(tableEnvName(table));

/** The URL of a declared queue, read the same way as {@link tableName}. */
export const queueUrl = (queue: QueueName): string => required(queueEnvName(queue));

/**
 * The configured public base URL for mailed links (see PUBLIC_BASE_URL above). Functions that
 * mail links call this at module scope, so one deployed without it fails at cold start. Read
 * from the environment at call time, like {@link tableName}.
 */
export function publicBaseUrl(): string {
  const value = required('PUBLIC_BASE_URL');
  try {
    return parsePublicBaseUrl(value, { requireHttps: (process.env.STAGE || 'local') !== 'local' });
  } catch (error) {
    throw new ConfigError(`Invalid environment: PUBLIC_BASE_URL: ${(error as Error).message}`);
  }
}

/** The campaign state machine ARN, for functions that start executions. */
export const stateMachineArn = (): string => required('STATE_MACHINE_ARN');

/** The tracking secret read from Secrets Manager when the function loaded (shared/adapters/tracking-secret.ts). */
let loadedTrackingSecret: string | undefined;

/** Sets the tracking secret read at run time (undefined: forget it); `trackingKey()` prefers it to any variable. */
export function useTrackingSecret(value: string | undefined): void {
  loadedTrackingSecret = value;
}

/**
 * The 32-byte key of tracking and unsubscribe tokens (shared/email/tracking-token.ts), derived
 * with HKDF from the tracking secret (a random value of at least 32 characters): in the cloud the
 * one read from Secrets Manager when the function loaded (`useTrackingSecret`), else a plain
 * TRACKING_KEY, else LOCAL_SECRET_KEY (the local runtime's key), so a local data dir keeps its
 * links valid across restarts.
 */
export function trackingKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const own = loadedTrackingSecret ?? env.TRACKING_KEY;
  if (own !== undefined && own !== '' && own.length < 32) {
    throw new ConfigError('Invalid environment: TRACKING_KEY must be a random secret of at least 32 characters');
  }
  const secret = own
    ? Buffer.from(own, 'utf8')
    : env.LOCAL_SECRET_KEY
      ? Buffer.from(env.LOCAL_SECRET_KEY, 'base64')
      : undefined;
  if (!secret) throw new ConfigError('Missing environment variable TRACKING_KEY (or LOCAL_SECRET_KEY locally)');
  // Called per link sealed or opened: derived once per secret, and the same Buffer each time (the
  // token module keys its derived IV key by it, tracking-token.ts).
  const source = secret.toString('base64');
  if (derivedTrackingKey?.source !== source) {
    derivedTrackingKey = {
      source,
      key: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'tracking-token/v1', 32)),
    };
  }
  return derivedTrackingKey.key;
}

/** The last tracking key derived, with the secret it came from. */
let derivedTrackingKey: { readonly source: string; readonly key: Buffer } | undefined;

/** Where a provider credential comes from: its Secrets Manager secret (cloud) or its plain value (local). */
export type ProviderSecretSource = { readonly secretId: string } | { readonly value: string };

/**
 * Where a provider credential (Resend API key, SMTP URL, Resend webhook secret) comes from,
 * read at call time: in the cloud the stack sets the secret's id (`RESEND_API_KEY_SECRET_ID`,
 * lib/cdk/provider-secrets.ts) and never the value; locally the runtime sets the plain value
 * (`RESEND_API_KEY`). A blank variable counts as unset; undefined: not configured. Read through
 * `providerSecretReader` (shared/adapters/provider-secrets.ts), not directly.
 */
export function providerSecretSource(
  secret: ProviderSecretName,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSecretSource | undefined {
  const secretId = env[providerSecretIdEnvName(secret)];
  if (secretId) return { secretId };
  const value = env[providerSecretVariables[secret]];
  return value ? { value } : undefined;
}

/**
 * The local runtime's origin values (ORIGIN_VERIFY_SECRET, then ORIGIN_VERIFY_SECRET_PREVIOUS),
 * read at call time so they can change on a running runtime; undefined when the first is unset
 * (no origin check, the local default). The cloud reads the secret instead
 * (ORIGIN_VERIFY_SECRET_ARN, shared/adapters/origin-secrets.ts). Each value must have 32+ characters.
 */
export function localOriginSecrets(env: NodeJS.ProcessEnv = process.env): readonly string[] | undefined {
  const current = env.ORIGIN_VERIFY_SECRET;
  if (!current) return undefined;
  const values = [current, env.ORIGIN_VERIFY_SECRET_PREVIOUS].filter((v): v is string => !!v);
  if (values.some((v) => v.length < 32)) {
    throw new ConfigError('Invalid environment: ORIGIN_VERIFY_SECRET(_PREVIOUS) must have at least 32 characters');
  }
  return values;
}

/**
 * Campaign time: the wall clock in the cloud, the accelerated local clock under TIME_SCALE.
 * Everything the campaign engine compares (enrolments, waits, and the interactions that
 * conditions read) is stamped with it; sessions, rate limits and pacing stay on real time.
 */
export const campaignClock = (): Clock => scaledClock(config.TIME_SCALE, parseClockOrigin(config.CLOCK_ORIGIN));

/** Where unsubscribe links point and how they are sealed (shared/email/unsubscribe.ts `unsubscribeFor`). */
export const unsubscribeLinkConfig = (): { baseUrl: string; key: Buffer; mailto?: string } => ({
  baseUrl: publicBaseUrl(),
  key: trackingKey(),
  ...(config.UNSUBSCRIBE_MAILTO ? { mailto: config.UNSUBSCRIBE_MAILTO } : {}),
});
