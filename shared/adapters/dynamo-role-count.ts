/**
 * How many custom roles a workspace keeps: a counter item under the workspace (`ROLE_COUNT`,
 * attribute `roles`), moved in the same transaction as a role's creation (on the condition that it
 * stays within the cap) and as its deletion, so concurrent creates cannot pass the cap. A workspace
 * whose roles predate the counter gets it at its first create, from a consistent count of its roles
 * (a delete racing that first create can leave the counter one above the truth, never below).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Key } from './dynamo/cursor';
import { getItem } from './dynamo/item';
import { countPrefix } from './dynamo/query';
import type { TransactItem } from './dynamo/transact';
import { ROLE_COUNT_SK, ROLE_PREFIX, workspacePk } from './keys';

const COUNTER_TYPE = 'role-count';

export interface RoleCounter {
  /**
   * The counter's part of a role's creation (put it first in the transaction): one more, within
   * `max`; for a workspace not counted yet, its count of roles plus one, only if no other create
   * counted it meanwhile. `limit-reached` when an uncounted workspace is already full. A failed
   * condition of a `counted` update means the cap is reached.
   */
  creating(workspaceId: string, max: number): Promise<{ update: TransactItem; counted: boolean } | 'limit-reached'>;
  /** The counter's part of a role's deletion; undefined for a workspace not counted yet (nothing to lower). */
  deleting(workspaceId: string): Promise<TransactItem | undefined>;
}

export function dynamoRoleCounter(db: DynamoDBDocumentClient, table: string): RoleCounter {
  const counterKey = (workspaceId: string): Key => ({ pk: workspacePk(workspaceId), sk: ROLE_COUNT_SK });

  async function counted(workspaceId: string): Promise<boolean> {
    const counter = await getItem(db, table, counterKey(workspaceId), { consistent: true });
    return typeof counter?.roles === 'number';
  }

  /** How many custom roles the workspace keeps, by a consistent count of its `ROLE#` items. */
  const countRoles = (workspaceId: string): Promise<number> =>
    countPrefix(db, table, workspacePk(workspaceId), ROLE_PREFIX);

  return {
    async creating(workspaceId, max) {
      const common = { TableName: table, Key: counterKey(workspaceId), ExpressionAttributeNames: { '#type': 'type' } };
      if (await counted(workspaceId)) {
        const update = {
          ...common,
          UpdateExpression: 'ADD #roles :one SET #type = :type',
          ConditionExpression: '#roles < :max',
          ExpressionAttributeNames: { ...common.ExpressionAttributeNames, '#roles': 'roles' },
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':type': COUNTER_TYPE },
        };
        return { update: { Update: update }, counted: true };
      }
      const existing = await countRoles(workspaceId);
      if (existing >= max) return 'limit-reached';
      const update = {
        ...common,
        UpdateExpression: 'SET #roles = :n, #type = :type',
        ConditionExpression: 'attribute_not_exists(#roles)',
        ExpressionAttributeNames: { ...common.ExpressionAttributeNames, '#roles': 'roles' },
        ExpressionAttributeValues: { ':n': existing + 1, ':type': COUNTER_TYPE },
      };
      return { update: { Update: update }, counted: false };
    },

    async deleting(workspaceId) {
      if (!(await counted(workspaceId))) return undefined;
      return {
        Update: {
          TableName: table,
          Key: counterKey(workspaceId),
          UpdateExpression: 'ADD #roles :minusOne',
          ExpressionAttributeNames: { '#roles': 'roles' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      };
    },
  };
}
