/**
 * The DynamoDB clients, created once at module scope so connections are reused across
 * invocations. One module per AWS client keeps each bundle to the SDKs it uses. The
 * endpoint comes from the SDK's own `AWS_ENDPOINT_URL_DYNAMODB`, which is how the local
 * runtime points the same client at its emulator.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateItemTooLarge } from '../adapters/dynamo/item-size';

/** An item over 400 KB is the caller's input being too large: a 413, not a 500 (adapters/dynamo/item-size.ts). */
export const dynamodb = translateItemTooLarge(new DynamoDBClient({}));
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
