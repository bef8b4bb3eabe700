/**
 * Optional error reporting to Sentry, configured by CDK context:
 *
 *   -c sentryDsn=https://<key>@o<org>.ingest.sentry.io/<project>
 *   -c sentrySampleRate=1            (share of errors sent, default 1)
 *   -c sentryTracesSampleRate=0      (share of transactions traced, default 0)
 *
 * Without `sentryDsn` the functions get no SENTRY_* variable at all. A DSN only allows
 * sending events to the project (Sentry documents it as safe to expose), so it is plain
 * environment, not a secret.
 */
import type { Stage } from './stage';

export interface SentrySettings {
  readonly dsn: string;
  readonly sampleRate: number;
  readonly tracesSampleRate: number;
}

type ContextReader = (key: string) => unknown;

/** Reads the three context keys; undefined when no DSN is set. A bad value fails the synth. */
export function sentrySettings(context: ContextReader): SentrySettings | undefined {
  const dsn = context('sentryDsn');
  if (dsn === undefined || dsn === null || dsn === '') return undefined;
  if (typeof dsn !== 'string' || !isDsn(dsn)) {
    throw new Error('Context sentryDsn must be a Sentry DSN: https://<key>@<host>/<project id>');
  }
  return {
    dsn,
    sampleRate: rate(context('sentrySampleRate'), 'sentrySampleRate', 1),
    tracesSampleRate: rate(context('sentryTracesSampleRate'), 'sentryTracesSampleRate', 0),
  };
}

/** The variables every function receives when Sentry is configured (none otherwise). */
export function sentryEnvironment(settings: SentrySettings | undefined, stage: Stage): Record<string, string> {
  if (!settings) return {};
  return {
    SENTRY_DSN: settings.dsn,
    SENTRY_ENVIRONMENT: stage,
    SENTRY_SAMPLE_RATE: String(settings.sampleRate),
    SENTRY_TRACES_SAMPLE_RATE: String(settings.tracesSampleRate),
  };
}

function isDsn(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** `-c key=0.5` arrives as a string, cdk.json values as numbers; both must lie in [0, 1]. */
function rate(value: unknown, key: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new Error(`Context ${key} must be a number from 0 to 1, got "${String(value)}"`);
  }
  return parsed;
}
