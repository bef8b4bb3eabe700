/**
 * Optional error reporting to Sentry, configured by CDK context:
 *
 *   -c sentry=on                     (report errors; the DSN is read from Secrets Manager)
 *   -c sentrySampleRate=1            (share of errors sent, default 1)
 *   -c sentryTracesSampleRate=0      (share of transactions traced, default 0)
 *
 * The DSN itself never enters the template or the function environment: an operator stores it
 * as the secret `unite-hub/<stage>/sentry-dsn` (`aws secretsmanager create-secret`), and the
 * functions that report errors (the HTTP functions: shared/http/middlewares/error-contract.ts)
 * get only the secret's name (SENTRY_DSN_SECRET_ID) and GetSecretValue on it, and read it at
 * the first report (shared/observability/sentry.ts, Powertools parameters, cached five
 * minutes). A missing or empty secret means Sentry stays off. Without `-c sentry=on` the
 * functions get no SENTRY_* variable and no grant at all.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { providerSecretIdEnvName } from '../definition';
import type { HouseFunction } from './house-function';
import { providerSecretName } from './physical-names';
import { PROVIDER_SECRET_ACTIONS, providerSecretArn } from './provider-secrets';
import type { Stage } from './stage';

export interface SentrySettings {
  readonly sampleRate: number;
  readonly tracesSampleRate: number;
}

type ContextReader = (key: string) => unknown;

/** Reads the context keys; undefined when Sentry is not switched on. A bad value fails the synth. */
export function sentrySettings(context: ContextReader): SentrySettings | undefined {
  const dsn = context('sentryDsn');
  if (dsn !== undefined && dsn !== null && dsn !== '') {
    throw new Error(
      'Context sentryDsn is no longer supported: the DSN would end up in the template. Store it in Secrets Manager as unite-hub/<stage>/sentry-dsn and deploy with -c sentry=on',
    );
  }
  if (!switchedOn(context('sentry'))) return undefined;
  return {
    sampleRate: rate(context('sentrySampleRate'), 'sentrySampleRate', 1),
    tracesSampleRate: rate(context('sentryTracesSampleRate'), 'sentryTracesSampleRate', 0),
  };
}

/** The variables a reporting function receives when Sentry is on (none otherwise): the secret's name, never the DSN. */
export function sentryEnvironment(settings: SentrySettings | undefined, stage: Stage): Record<string, string> {
  if (!settings) return {};
  return {
    [providerSecretIdEnvName('sentry-dsn')]: providerSecretName(stage, 'sentry-dsn'),
    SENTRY_ENVIRONMENT: stage,
    SENTRY_SAMPLE_RATE: String(settings.sampleRate),
    SENTRY_TRACES_SAMPLE_RATE: String(settings.tracesSampleRate),
  };
}

/** The variables above and GetSecretValue on the DSN's secret only; nothing without settings. */
export function applySentry(fn: HouseFunction, settings: SentrySettings | undefined, stage: Stage): void {
  if (!settings) return;
  for (const [name, value] of Object.entries(sentryEnvironment(settings, stage))) fn.addEnvironment(name, value);
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...PROVIDER_SECRET_ACTIONS],
      resources: [providerSecretArn(Stack.of(fn), stage, 'sentry-dsn')],
    }),
  );
}

/** `-c sentry=on` (or true, as cdk.json may say); off, false or absent: no Sentry. */
function switchedOn(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return false;
  if (value === true || value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new Error(`Context sentry must be on or off, got "${String(value)}"`);
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
