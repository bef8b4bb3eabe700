/** The Step Functions client, created once per process (endpoint: `AWS_ENDPOINT_URL_SFN` locally). */
import { SFNClient } from '@aws-sdk/client-sfn';
import { KeyedSha256 } from './keyed-sha256';

export const sfn = new SFNClient({ sha256: KeyedSha256 });
