/**
 * DynamoDB TTL for the local emulator (dynalite has none): periodically deletes items whose
 * `ttlAttribute` holds an epoch-seconds Number in the past. Like DynamoDB, items whose value is
 * not a Number, or lies more than five years in the past, are left alone; deletion is lazy
 * (up to one interval late), and each delete re-checks the condition so an item whose TTL was
 * extended meanwhile survives.
 */
import { type AttributeValue, DeleteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { TableDeclaration } from '../../definition/types';
import { localResourceName } from './local-aws';

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

/**
 * One sweep over every declared table that has a `ttlAttribute`.
 * @returns how many items were deleted.
 */
export async function sweepExpiredItems(
  client: DynamoDBClient,
  declarations: readonly TableDeclaration[],
  namePrefix: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<number> {
  let deleted = 0;
  for (const declaration of declarations) {
    if (!declaration.ttlAttribute) continue;
    const TableName = localResourceName(namePrefix, declaration.name);
    const keyNames = [declaration.partitionKey.name, ...(declaration.sortKey ? [declaration.sortKey.name] : [])];
    const condition = {
      ConditionExpression: '#ttl < :now AND #ttl > :floor',
      ExpressionAttributeNames: { '#ttl': declaration.ttlAttribute },
      ExpressionAttributeValues: {
        ':now': { N: String(nowSeconds) },
        ':floor': { N: String(nowSeconds - FIVE_YEARS_SECONDS) },
      },
    };
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName,
          FilterExpression: condition.ConditionExpression,
          ProjectionExpression: keyNames.map((_, i) => `#k${i}`).join(', '),
          ExpressionAttributeNames: {
            ...condition.ExpressionAttributeNames,
            ...Object.fromEntries(keyNames.map((name, i) => [`#k${i}`, name])),
          },
          ExpressionAttributeValues: condition.ExpressionAttributeValues,
          ExclusiveStartKey,
        }),
      );
      for (const Key of page.Items ?? []) {
        try {
          await client.send(new DeleteItemCommand({ TableName, Key, ...condition }));
          deleted++;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return deleted;
}

/**
 * Sweeps now and then every `intervalMs` (sweeps never overlap; timers do not keep the process
 * alive). Failures are reported through `log` and retried at the next interval.
 * @returns a stop function that resolves once a sweep in progress has finished.
 */
export function startTtlSweeper(
  client: DynamoDBClient,
  declarations: readonly TableDeclaration[],
  namePrefix: string,
  intervalMs: number,
  log: (msg: string) => void = () => {},
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const run = () => {
    current = sweepExpiredItems(client, declarations, namePrefix)
      .then((count) => {
        if (count) log(`dynamodb: TTL sweeper deleted ${count} expired item(s)`);
      })
      .catch((error: Error) => log(`dynamodb: TTL sweep failed: ${error.message}`))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(run, intervalMs);
        timer.unref();
      });
  };
  run();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
