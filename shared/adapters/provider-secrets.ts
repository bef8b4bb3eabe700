/**
 * Provider credentials (Resend API key, SMTP URL, Resend webhook secret) at run time. In the
 * cloud each is a Secrets Manager secret, read with Powertools' SecretsProvider and cached for
 * five minutes per process, so a new value (`aws secretsmanager put-secret-value`) is picked up
 * within that time without a deploy, and a warm function makes at most one call per credential
 * per five minutes. Locally the plain variable the runtime sets is returned as it is.
 *
 * A secret that does not exist, or holds an empty value, means "not configured" (as a blank
 * variable does locally); that answer is cached for the same time. Any other failure (access
 * denied, network) is thrown as Powertools' `GetParameterError` with the SDK error as `cause`:
 * the caller decides whether to carry on without the provider. Values are never logged.
 */
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProviderSecretName } from '../../lib/definition';
import { type ProviderSecretSource, providerSecretSource } from '../config';

/** How long a value (or its absence) is reused before Secrets Manager is asked again. */
export const PROVIDER_SECRET_MAX_AGE_SECONDS = 300;

export interface ProviderSecretReaderOptions {
  /** The Secrets Manager client (shared/aws/secrets-manager.ts; tests hand in their own endpoint). */
  readonly client: SecretsManagerClient;
  /** Where each credential comes from; default {@link providerSecretSource} over `process.env`. */
  readonly sourceOf?: (secret: ProviderSecretName) => ProviderSecretSource | undefined;
  readonly maxAgeSeconds?: number;
  readonly now?: () => number;
}

/** Reads one credential: its value, or undefined when it is not configured. */
export type ProviderSecretReader = (secret: ProviderSecretName) => Promise<string | undefined>;

/** A reader with its own cache; create one per process, at module scope. */
export function providerSecretReader(options: ProviderSecretReaderOptions): ProviderSecretReader {
  const provider = new SecretsProvider({ awsSdkV3Client: options.client });
  const sourceOf = options.sourceOf ?? ((secret: ProviderSecretName) => providerSecretSource(secret));
  const maxAge = options.maxAgeSeconds ?? PROVIDER_SECRET_MAX_AGE_SECONDS;
  const now = options.now ?? Date.now;
  // Powertools caches values only; a missing secret would otherwise be asked for on every call.
  const absentUntil = new Map<string, number>();

  return async (secret) => {
    const source = sourceOf(secret);
    if (!source) return undefined;
    if ('value' in source) return source.value;
    const { secretId } = source;
    if ((absentUntil.get(secretId) ?? 0) > now()) return undefined;
    try {
      const value = await provider.get(secretId, { maxAge, throwOnMissing: true });
      return typeof value === 'string' && value !== '' ? value : undefined;
    } catch (error) {
      if (!(error instanceof ParameterNotFoundError)) throw error;
      absentUntil.set(secretId, now() + maxAge * 1000);
      return undefined;
    }
  };
}
