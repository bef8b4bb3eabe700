/**
 * The SQS client, created once per process (endpoint: `AWS_ENDPOINT_URL_SQS` locally). Every
 * message body it sends is made SQS-safe first (shared/aws/sqs-message-text.ts): a character SQS
 * refuses (U+FFFE, U+FFFF) is written as its JSON escape, which reads back the same.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { KeyedSha256 } from './keyed-sha256';
import { withSqsSafeBodies } from './sqs-message-text';

export const sqs = withSqsSafeBodies(new SQSClient({ sha256: KeyedSha256 }));
