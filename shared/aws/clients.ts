/**
 * Every AWS SDK client, created once at module scope so connections are reused across
 * invocations. Endpoints come from the SDK's own service-specific variables
 * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_SESV2`, ...),
 * which is how the local runtime points these same clients at its emulators.
 * Adapters accept a client parameter, so tests can hand in their own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamodb = new DynamoDBClient({});
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
export const sqs = new SQSClient({});
export const ses = new SESv2Client({});
export const sfn = new SFNClient({});
