/** The KMS client, created once per process (only functions that encrypt secret settings import it). */
import { KMSClient } from '@aws-sdk/client-kms';
import { KeyedSha256 } from './keyed-sha256';

export const kms = new KMSClient({ sha256: KeyedSha256 });
