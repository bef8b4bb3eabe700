/**
 * Counters in the `ephemeral` table, expired by TTL (`expiresAt`): single counters (one
 * conditional ADD each, marked so a retry after a lost answer counts once) and the rate limiter's
 * groups, one conditional UpdateItem per group that counts every rule of the group or none.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterGroup, CounterStore, GroupCount } from '../rate-limit/rate-limiter';
import { isConditionFailure } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { ownToken, refusedItem, writeOwn } from './dynamo/own-write';
import { COUNTER_SK } from './keys';

export function dynamoCounterStore(db: DynamoDBDocumentClient, table: string): CounterStore {
  return {
    async incrementBelow(key, limit, expiresAt) {
      // Its caller acts on the exact count (the abuse alert is raised at its threshold, once): the
      // ADD carries a mark of its own (`lastMark`, own-write.ts), so the SDK's retry of an ADD
      // DynamoDB applied (its answer lost) is refused by it and answers the count it made, instead
      // of adding again and skipping that count. One mark, not a set: a flood's counter would carry
      // thousands. Another write landing between the two tries replaces it, and the retry then
      // counts again (one over, in a window already past its threshold).
      const mark = ownToken();
      const counted = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: { pk: key, sk: COUNTER_SK },
            UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires), lastMark = :mark',
            ConditionExpression:
              '(attribute_not_exists(#count) OR #count < :limit) AND (attribute_not_exists(lastMark) OR lastMark <> :mark)',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': expiresAt, ':mark': mark },
            ReturnValues: 'UPDATED_NEW',
          },
        },
        (item) => item.lastMark === mark,
      );
      if (!counted.written) return undefined;
      return Number('again' in counted ? counted.item.count : counted.attributes?.count);
    },

    /**
     * Not marked: the SDK's retry of a group's ADD DynamoDB applied (its answer lost) counts that
     * request twice, or is refused by its own count at a limit's edge. Accepted: a rate limit one
     * over on a rare lost answer refuses one request a moment early, no count is shown or spent,
     * and a mark would add a write to every request's item for it.
     */
    async countRequest(group) {
      const names: Record<string, string> = {};
      const values: Record<string, number> = { ':one': 1, ':expires': group.expiresAt };
      const add: string[] = [];
      const remove: string[] = [];
      const conditions: string[] = [];
      group.counters.forEach((counter, i) => {
        names[`#c${i}`] = counter.name;
        values[`:l${i}`] = counter.limit;
        add.push(`#c${i} :one`);
        conditions.push(`(attribute_not_exists(#c${i}) OR #c${i} < :l${i})`);
        if (counter.previous !== undefined) {
          names[`#p${i}`] = counter.previous;
          remove.push(`#p${i}`);
        }
      });
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: group.key, sk: COUNTER_SK },
            UpdateExpression: [
              `ADD ${add.join(', ')}`,
              'SET expiresAt = if_not_exists(expiresAt, :expires)',
              ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : []),
            ].join(' '),
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'UPDATED_NEW',
            // DynamoDB (and the local emulator) return the item with the refusal, saving a read (see below).
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { admitted: true, counts: countsOf(group, (name) => out.Attributes?.[name]) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return { admitted: false, counts: await refusedCounts(db, table, group, refusedItem(error)) };
      }
    },
  };
}

/** The counts that refused a group: from the failed write when it carried the item, else a consistent read. */
async function refusedCounts(
  db: DynamoDBDocumentClient,
  table: string,
  group: CounterGroup,
  returned: Item | undefined,
): Promise<GroupCount['counts']> {
  if (returned) return countsOf(group, (name) => returned[name]);
  const item = await getItem(db, table, { pk: group.key, sk: COUNTER_SK }, { consistent: true });
  return countsOf(group, (name) => item?.[name]);
}

function countsOf(group: CounterGroup, read: (name: string) => unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { name } of group.counters) {
    const value = read(name);
    if (value !== undefined) counts[name] = Number(value);
  }
  return counts;
}
