/** The KMS client, created once per process (only functions that encrypt secret settings import it). */
import { KMSClient } from '@aws-sdk/client-kms';

export const kms = new KMSClient({});
