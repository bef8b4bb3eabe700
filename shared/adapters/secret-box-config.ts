/**
 * Chooses the secret box at cold start: KMS when `SETTINGS_KMS_KEY_ID` is set (the cloud),
 * else the local key `LOCAL_SECRET_KEY` (the local runtime generates and keeps one under
 * its data directory). Neither set is a deployment error, reported before any request.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import { ConfigError } from '../config';
import type { SecretBox } from '../governance/ports';
import { kmsSecretBox } from './kms-secret-box';
import { localSecretBox } from './secret-box';

export interface SecretBoxEnv {
  readonly SETTINGS_KMS_KEY_ID?: string | undefined;
  readonly LOCAL_SECRET_KEY?: string | undefined;
}

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/**
 * @param kms builds the KMS client, called only when KMS is configured.
 * @throws ConfigError naming both variables when neither is set, or when the local key is malformed.
 */
export function secretBoxFromEnv(env: SecretBoxEnv, kms: () => KMSClient): SecretBox {
  if (env.SETTINGS_KMS_KEY_ID) return kmsSecretBox(kms(), env.SETTINGS_KMS_KEY_ID);
  if (env.LOCAL_SECRET_KEY) {
    const key = Buffer.from(env.LOCAL_SECRET_KEY, 'base64');
    if (!BASE64_32_BYTES.test(env.LOCAL_SECRET_KEY) || key.length !== 32) {
      throw new ConfigError('Invalid environment: LOCAL_SECRET_KEY must be 32 random bytes, base64-encoded');
    }
    return localSecretBox(key);
  }
  throw new ConfigError(
    'Invalid environment: secret settings need SETTINGS_KMS_KEY_ID (a KMS key) or LOCAL_SECRET_KEY (32 bytes, base64)',
  );
}
