/**
 * The values the HTTP edge accepts in `x-origin-verify` (shared/security/trusted-edge.ts).
 *
 * In the cloud the functions get only the secret's ARN (ORIGIN_VERIFY_SECRET_ARN, never the
 * value) and read two version stages of it with Powertools' SecretsProvider: AWSCURRENT and
 * AWSPREVIOUS. Both are accepted, which is what makes a rotation free of downtime
 * (docs/runbooks/origin-secret-rotation.md): `put-secret-value` makes the new value current and
 * the old one previous, every instance accepts both within {@link ORIGIN_SECRET_MAX_AGE_SECONDS},
 * and only then is CloudFront's header moved to the new value by a deploy.
 *
 * The values are cached per process for five minutes (one pair of GetSecretValue calls per
 * instance per five minutes; the SDK's standard retry covers a transient failure of each call).
 * Each stage has its own SecretsProvider because Powertools keys its cache by name and
 * transform only, so two stages of one secret would overwrite each other in one provider; the
 * TTL is kept here, with an injectable clock, and every read bypasses Powertools' own cache.
 *
 * Fail closed: when a refresh fails the last values read are kept (and the read is retried
 * after {@link ORIGIN_SECRET_RETRY_SECONDS}, not on every request); with no value at all (a cold
 * start that could not read the secret) requests are answered 503 `ORIGIN_CHECK_UNAVAILABLE`
 * with `Retry-After` (at most one read per {@link ORIGIN_SECRET_COLD_RETRY_SECONDS}), logged and
 * counted (`OriginSecretReadFailures`), never let through unchecked.
 *
 * Locally there is no Secrets Manager: {@link fixedOriginSecrets} serves values given in code
 * (tests), and the local runtime's plain variables are read by shared/config.ts
 * (`localOriginSecrets`).
 */
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceUnavailableError } from '../errors';
import type { AcceptedOriginSecrets } from '../security/trusted-edge';

/** How long the values read are used before Secrets Manager is asked again (also the rotation runbook's wait). */
export const ORIGIN_SECRET_MAX_AGE_SECONDS = 300;
/** After a failed refresh, how long the last values are served before the next attempt. */
export const ORIGIN_SECRET_RETRY_SECONDS = 10;
/** With no value at all, how long requests are answered 503 at once before the next read. */
export const ORIGIN_SECRET_COLD_RETRY_SECONDS = 1;
/** The `Retry-After` of a 503 `ORIGIN_CHECK_UNAVAILABLE`. */
export const ORIGIN_CHECK_RETRY_AFTER_SECONDS = 2;

export interface OriginSecretOptions {
  /** The Secrets Manager client (shared/aws/secrets-manager.ts; tests hand in a stubbed one). */
  readonly client: SecretsManagerClient;
  /** The secret's ARN or name (ORIGIN_VERIFY_SECRET_ARN). */
  readonly secretId: string;
  readonly maxAgeSeconds?: number;
  readonly retrySeconds?: number;
  readonly now?: () => number;
  /** Told about every failed read (logging and the metric); never given a value. */
  readonly onReadFailure?: (error: unknown, serving: 'last-known' | 'none') => void;
}

/** The cloud source: AWSCURRENT and AWSPREVIOUS of one secret, cached; create one per process. */
export function secretsManagerOriginSecrets(options: OriginSecretOptions): AcceptedOriginSecrets {
  const stage = (VersionStage: 'AWSCURRENT' | 'AWSPREVIOUS') => {
    const provider = new SecretsProvider({ awsSdkV3Client: options.client });
    return async (): Promise<string | undefined> => {
      try {
        const value = await provider.get(options.secretId, {
          forceFetch: true,
          maxAge: 0,
          throwOnMissing: true,
          sdkOptions: { VersionStage },
        });
        return typeof value === 'string' && value !== '' ? value : undefined;
      } catch (error) {
        // AWSPREVIOUS does not exist until the first rotation (nor after it is retired).
        if (VersionStage === 'AWSPREVIOUS' && error instanceof ParameterNotFoundError) return undefined;
        throw error;
      }
    };
  };
  const readCurrent = stage('AWSCURRENT');
  const readPrevious = stage('AWSPREVIOUS');
  const maxAgeMs = (options.maxAgeSeconds ?? ORIGIN_SECRET_MAX_AGE_SECONDS) * 1000;
  const retryMs = (options.retrySeconds ?? ORIGIN_SECRET_RETRY_SECONDS) * 1000;
  const now = options.now ?? Date.now;

  let known: readonly string[] | undefined;
  let freshUntil = 0;
  let refreshing: Promise<readonly string[]> | undefined;
  /** With no value: the last failure, answered at once until `until`. */
  let unavailable: { readonly until: number; readonly error: ServiceUnavailableError } | undefined;

  const refresh = async (): Promise<readonly string[]> => {
    try {
      const [current, previous] = await Promise.all([readCurrent(), readPrevious()]);
      if (current === undefined) throw new Error(`The origin secret ${options.secretId} has no AWSCURRENT value`);
      known = previous === undefined || previous === current ? [current] : [current, previous];
      freshUntil = now() + maxAgeMs;
      return known;
    } catch (error) {
      options.onReadFailure?.(error, known ? 'last-known' : 'none');
      if (known) {
        freshUntil = now() + retryMs;
        return known;
      }
      const refusal = new ServiceUnavailableError(
        'The service cannot verify requests right now; try again shortly',
        'ORIGIN_CHECK_UNAVAILABLE',
        ORIGIN_CHECK_RETRY_AFTER_SECONDS,
        { cause: error },
      );
      unavailable = { until: now() + ORIGIN_SECRET_COLD_RETRY_SECONDS * 1000, error: refusal };
      throw refusal;
    }
  };

  return async (): Promise<readonly string[]> => {
    if (known && now() < freshUntil) return known;
    if (!known && unavailable && now() < unavailable.until) throw unavailable.error;
    // One read at a time: concurrent requests of a cold instance share it.
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
}

/** A fixed list (tests, and the local runtime's variables): current first, then previous. */
export function fixedOriginSecrets(values: readonly string[]): AcceptedOriginSecrets {
  const accepted = [...values];
  return async () => accepted;
}
