/**
 * Review round 15: a single-item write that met a transaction in flight on its item
 * (`TransactionConflictException`, HTTP 400) was handed to the caller by the SDK, which does not
 * retry it: a PATCH of a contact a journey action was writing answered 500. The functions' client
 * retries it (nothing was written), with the SDK's backoff and within its attempts.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { retryingTransactionConflicts } from '../../../shared/aws/dynamodb';

/** A client whose first `conflicts` answers are DynamoDB's TransactionConflictException, then 200. */
function clientAnswering(conflicts: number) {
  let calls = 0;
  const requestHandler = {
    async handle() {
      calls += 1;
      const conflict = calls <= conflicts;
      const body = conflict
        ? JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException',
            message: 'Transaction is ongoing for the item',
          })
        : '{}';
      const { Readable } = await import('node:stream');
      return {
        response: {
          statusCode: conflict ? 400 : 200,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `r${calls}` },
          body: Readable.from([Buffer.from(body)]),
        },
      };
    },
  };
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    endpoint: 'http://127.0.0.1:1',
    requestHandler: requestHandler as never,
  });
  return { client, calls: () => calls };
}

const update = new UpdateItemCommand({
  TableName: 't',
  Key: { pk: { S: 'p' }, sk: { S: 's' } },
  UpdateExpression: 'SET a = :a',
  ExpressionAttributeValues: { ':a': { S: 'x' } },
});

describe('a single-item write that meets a transaction in flight', () => {
  it('is sent again by the functions’ client, and lands', async () => {
    const { client, calls } = clientAnswering(1);
    await expect(retryingTransactionConflicts(client).send(update)).resolves.toBeDefined();
    expect(calls()).toBe(2);
  });

  it('fails as TransactionConflictException once the SDK’s attempts are spent', async () => {
    const { client, calls } = clientAnswering(10);
    await expect(retryingTransactionConflicts(client).send(update)).rejects.toMatchObject({
      name: 'TransactionConflictException',
    });
    // Every attempt the client's retry strategy allows, and no more.
    expect(await client.config.maxAttempts()).toBeGreaterThan(1);
    expect(calls()).toBe(await client.config.maxAttempts());
  }, 20_000);

  it('is not retried by a bare SDK client (the defect this guards against)', async () => {
    const { client, calls } = clientAnswering(1);
    await expect(client.send(update)).rejects.toMatchObject({ name: 'TransactionConflictException' });
    expect(calls()).toBe(1);
  });
});
