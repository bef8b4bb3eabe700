/**
 * How many custom roles a workspace keeps: a counter item under the workspace (`ROLE_COUNT`,
 * attribute `roles`), moved in the same transaction as every role's creation (on the condition
 * that it stays within the cap) and deletion, so concurrent creates cannot pass the cap and the
 * count never drifts from the roles; a workspace whose roles predate the counter is counted by
 * its first creation or deletion (./dynamo/prefix-counter.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type PrefixCounter, prefixCounter } from './dynamo/prefix-counter';
import { ROLE_COUNT_SK, ROLE_PREFIX } from './keys';

export function dynamoRoleCounter(db: DynamoDBDocumentClient, table: string): PrefixCounter {
  return prefixCounter(db, table, {
    counterSk: ROLE_COUNT_SK,
    attribute: 'roles',
    prefix: ROLE_PREFIX,
    type: 'role-count',
  });
}
