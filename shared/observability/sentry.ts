/**
 * Error reporting to Sentry through `@sentry/aws-serverless`, off unless `SENTRY_DSN` is set.
 * The SDK is loaded with a dynamic import on first use, so a function without a DSN never
 * evaluates it (esbuild keeps the module behind a lazy initializer) and pays no init cost.
 * Events are scrubbed by {@link sentryBeforeSend} before they leave.
 */
import type * as Sentry from '@sentry/aws-serverless';
import { config } from '../config';
import { logger } from './logger';
import { scrubBreadcrumb, sentryBeforeSend } from './sentry-scrub';

export { type SentryErrorEvent, type SentryTransactionEvent, sentryBeforeSend } from './sentry-scrub';

type SentryModule = typeof Sentry;

/** How long `captureError` waits for the event to be sent: Lambda freezes the process once the handler returns. */
const FLUSH_TIMEOUT_MS = 2000;

let loading: Promise<SentryModule> | undefined;

/** Whether Sentry is configured (`SENTRY_DSN` set and not empty). */
export function sentryEnabled(): boolean {
  return config.SENTRY_DSN !== undefined;
}

/**
 * Loads and initialises the Sentry SDK once per process; later calls reuse it. Does nothing
 * (and loads nothing) without a DSN. A failed load is retried on the next call.
 */
export async function initSentry(): Promise<void> {
  if (!sentryEnabled()) return;
  await loadSentry();
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
    const tags: Record<string, string> = { requestId: context.requestId };
    if (context.routeKey !== undefined) tags.routeKey = context.routeKey;
    if (context.functionName !== undefined) tags.functionName = context.functionName;
    sentry.captureException(error, { tags });
    await sentry.flush(FLUSH_TIMEOUT_MS);
  } catch (failure) {
    logger.warn('Could not report the error to Sentry', { error: failure as Error, requestId: context.requestId });
  }
}

function loadSentry(): Promise<SentryModule> {
  loading ??= import('@sentry/aws-serverless')
    .then((sentry) => {
      sentry.init(sentryOptions());
      return sentry;
    })
    .catch((failure: unknown) => {
      loading = undefined;
      throw failure;
    });
  return loading;
}

/** The SDK options; exported for tests and documentation. */
export function sentryOptions(): NonNullable<Parameters<SentryModule['init']>[0]> {
  return {
    dsn: config.SENTRY_DSN,
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
