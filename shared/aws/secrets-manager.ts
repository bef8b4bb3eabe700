/** The Secrets Manager client, created once per process (only functions that read provider credentials import it). */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const secretsManager = new SecretsManagerClient({});
