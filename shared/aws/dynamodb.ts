/**
 * The DynamoDB clients, created once at module scope so connections are reused across
 * invocations. One module per AWS client keeps each bundle to the SDKs it uses. The
 * endpoint comes from the SDK's own `AWS_ENDPOINT_URL_DYNAMODB`, which is how the local
 * runtime points the same client at its emulator.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KeyedSha256 } from './keyed-sha256';

/**
 * Makes `client` retry a single-item write (PutItem, UpdateItem, DeleteItem) that DynamoDB refused
 * with `TransactionConflictException` because a transaction was in flight on its item. Nothing was
 * written, so sending it again is safe; the SDK's standard retry does not know the error (it is
 * neither a throttle nor transient to it) and would hand it to the caller as a failure (a 500 on a
 * PATCH that met a journey action's transaction). Marked retryable (a transient error to the SDK),
 * it is retried with the SDK's backoff, within its attempts. (A transaction's own conflicts come back as
 * `TransactionCanceledException`: transact.ts retries those.)
 */
export function retryingTransactionConflicts<C extends Pick<DynamoDBClient, 'middlewareStack'>>(client: C): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if ((error as { name?: unknown } | undefined)?.name === 'TransactionConflictException') {
          Object.assign(error as object, { $retryable: {} });
        }
        throw error;
      }
    },
    // Inside the retry loop, around the deserializer that raises the modelled error.
    { step: 'deserialize', name: 'retryTransactionConflicts', priority: 'high' },
  );
  return client;
}

export const dynamodb = retryingTransactionConflicts(new DynamoDBClient({ sha256: KeyedSha256 }));
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
