/**
 * The DynamoDB clients, created once at module scope so connections are reused across
 * invocations. One module per AWS client keeps each bundle to the SDKs it uses. The
 * endpoint comes from the SDK's own `AWS_ENDPOINT_URL_DYNAMODB`, which is how the local
 * runtime points the same client at its emulator.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamodb = new DynamoDBClient({});
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
