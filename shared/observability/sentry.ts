/**
 * Error reporting to Sentry through `@sentry/aws-serverless`, off unless a DSN is configured:
 * in the cloud SENTRY_DSN_SECRET_ID names the Secrets Manager secret holding it (read at the
 * first report through Powertools parameters, shared/adapters/provider-secrets.ts, cached five
 * minutes; the DSN is never in the environment), locally SENTRY_DSN is the DSN itself.
 * The SDK is loaded with a dynamic import on first use, so a function without a DSN never
 * reads it (a lazy chunk of the split build) and pays no init cost.
 * Events are scrubbed by {@link sentryBeforeSend} before they leave.
 */
import type * as Sentry from '@sentry/aws-serverless';
import { type ProviderSecretReader, providerSecretReader } from '../adapters/provider-secrets';
import { secretsManager } from '../aws/secrets-manager';
import { config, providerSecretSource } from '../config';
import { logger } from './logger';
import { withMappedStack } from './mapped-stack';
import { scrubBreadcrumb, sentryBeforeSend } from './sentry-scrub';

export { type SentryErrorEvent, type SentryTransactionEvent, sentryBeforeSend } from './sentry-scrub';

type SentryModule = typeof Sentry;

/** How long `captureError` waits for the event to be sent: Lambda freezes the process once the handler returns. */
const FLUSH_TIMEOUT_MS = 2000;

let loading: Promise<SentryModule | undefined> | undefined;
let dsnReader: ProviderSecretReader | undefined;

/** Whether Sentry is configured: SENTRY_DSN_SECRET_ID (cloud) or SENTRY_DSN (local) set and not empty. */
export function sentryEnabled(): boolean {
  return providerSecretSource('sentry-dsn') !== undefined;
}

/**
 * Loads and initialises the Sentry SDK once per process; later calls reuse it. Does nothing
 * (and loads nothing) without a DSN, or when the DSN's secret is missing or empty (asked again
 * after the five-minute cache). A failed load is retried on the next call.
 */
export async function initSentry(): Promise<void> {
  if (!sentryEnabled()) return;
  await loadSentry();
}

/** The DSN: the local variable as it is, or the secret's value (cached by the reader); undefined: off. */
async function sentryDsn(): Promise<string | undefined> {
  dsnReader ??= providerSecretReader({ client: secretsManager });
  const dsn = await dsnReader('sentry-dsn');
  if (dsn !== undefined && !URL.canParse(dsn)) {
    logger.warn('The Sentry DSN secret does not hold a URL; errors are not reported');
    return undefined;
  }
  return dsn;
}

/**
 * Reports an unexpected error (the HTTP edge calls this for every 5xx) with the request id,
 * route and function as tags, then flushes, because Lambda freezes the process as soon as
 * the handler returns. No-op without a DSN. Never throws: a reporting failure is logged.
 */
export async function captureError(
  error: unknown,
  context: { requestId: string; routeKey?: string; functionName?: string },
): Promise<void> {
  if (!sentryEnabled()) return;
  try {
    const sentry = await loadSentry();
    if (!sentry) return;
    const tags: Record<string, string> = { requestId: context.requestId };
    if (context.routeKey !== undefined) tags.routeKey = context.routeKey;
    if (context.functionName !== undefined) tags.functionName = context.functionName;
    // Frames point at the TypeScript (the functions run without --enable-source-maps).
    sentry.captureException(withMappedStack(error), { tags });
    await sentry.flush(FLUSH_TIMEOUT_MS);
  } catch (failure) {
    logger.warn('Could not report the error to Sentry', { error: failure as Error, requestId: context.requestId });
  }
}

function loadSentry(): Promise<SentryModule | undefined> {
  loading ??= sentryDsn()
    .then(async (dsn) => {
      if (dsn === undefined) {
        // Not configured after all (no secret yet): asked again later, through the reader's cache.
        loading = undefined;
        return undefined;
      }
      const sentry = await import('@sentry/aws-serverless');
      sentry.init(sentryOptions(dsn));
      return sentry;
    })
    .catch((failure: unknown) => {
      loading = undefined;
      throw failure;
    });
  return loading;
}

/** The SDK options for `dsn` (default: the local SENTRY_DSN); exported for tests and documentation. */
export function sentryOptions(
  dsn: string | undefined = config.SENTRY_DSN,
): NonNullable<Parameters<SentryModule['init']>[0]> {
  return {
    dsn,
    environment: config.SENTRY_ENVIRONMENT ?? config.STAGE,
    release: `${config.SERVICE_NAME}@${config.APP_VERSION}`,
    sampleRate: config.SENTRY_SAMPLE_RATE,
    // Left undefined at 0 so the SDK does not set up tracing at all.
    ...(config.SENTRY_TRACES_SAMPLE_RATE > 0 ? { tracesSampleRate: config.SENTRY_TRACES_SAMPLE_RATE } : {}),
    sendDefaultPii: false,
    initialScope: { tags: { service: config.SERVICE_NAME, stage: config.STAGE } },
    beforeSend: sentryBeforeSend,
    beforeSendTransaction: sentryBeforeSend,
    beforeBreadcrumb: scrubBreadcrumb,
  };
}
