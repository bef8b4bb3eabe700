/**
 * The secret link tokens are sealed under (shared/config.ts `trackingKey()`), read at run time.
 *
 * In the cloud the functions that seal or open link tokens get the secret's ARN only
 * (TRACKING_KEY_SECRET_ID, lib/cdk/tracking-key.ts) and read the value once, when the function
 * loads (a top-level `await loadTrackingSecret()` in each of them), through Powertools'
 * SecretsProvider. It is kept for the life of the process, with no TTL on purpose: the key is
 * never rotated (links sealed under it sit in recipients' mailboxes; replacing it is a deliberate
 * redeploy that breaks them), so re-reading could only add calls and failure modes. A failed read
 * fails the function's initialisation: Lambda retries it, and nothing is sealed with a wrong key.
 *
 * Locally there is no secret id and nothing is read: the runtime's LOCAL_SECRET_KEY (or a plain
 * TRACKING_KEY) serves, as before.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { useTrackingSecret } from '../config';

export const TRACKING_KEY_SECRET_ID_ENV = 'TRACKING_KEY_SECRET_ID';

/** Reads the tracking secret named by TRACKING_KEY_SECRET_ID, if any, and hands it to `trackingKey()`. */
export async function loadTrackingSecret(
  client: SecretsManagerClient,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const secretId = env[TRACKING_KEY_SECRET_ID_ENV];
  if (secretId === undefined || secretId === '') return;
  const value = await new SecretsProvider({ awsSdkV3Client: client }).get(secretId, {
    maxAge: Number.MAX_SAFE_INTEGER,
    throwOnMissing: true,
  });
  if (typeof value !== 'string' || value === '') throw new Error(`The tracking secret ${secretId} is empty`);
  useTrackingSecret(value);
}
