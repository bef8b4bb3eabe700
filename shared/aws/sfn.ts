/** The Step Functions client, created once per process (endpoint: `AWS_ENDPOINT_URL_SFN` locally). */
import { SFNClient } from '@aws-sdk/client-sfn';

export const sfn = new SFNClient({});
