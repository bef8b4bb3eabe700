/** The Secrets Manager client, created once per process (HTTP functions read the origin secret with it, others their provider credentials). */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KeyedSha256 } from './keyed-sha256';

export const secretsManager = new SecretsManagerClient({ sha256: KeyedSha256 });
