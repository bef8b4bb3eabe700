/** The SQS client, created once per process (endpoint: `AWS_ENDPOINT_URL_SQS` locally). */
import { SQSClient } from '@aws-sdk/client-sqs';
import { KeyedSha256 } from './keyed-sha256';

export const sqs = new SQSClient({ sha256: KeyedSha256 });
