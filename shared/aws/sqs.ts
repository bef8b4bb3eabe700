/** The SQS client, created once per process (endpoint: `AWS_ENDPOINT_URL_SQS` locally). */
import { SQSClient } from '@aws-sdk/client-sqs';

export const sqs = new SQSClient({});
