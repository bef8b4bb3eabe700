/**
 * Request checks for the emulated TransactWriteItems / TransactGetItems: the item limit, the
 * one-action-per-item rule and the duplicate-item rule with DynamoDB's messages, plus every
 * action's own syntax checked by dynalite's validators for the equivalent single-item call, so a
 * malformed action fails the whole request up front (ValidationException) before anything is
 * written, as in DynamoDB.
 */

import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { validationError, WireError, type WireObject } from './dynamodb-wire';

export const MAX_TRANSACT_ITEMS = 100;
const WRITE_ACTIONS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;
export type WriteAction = (typeof WRITE_ACTIONS)[number];

/** One action of a transaction, translated to its single-item operation. */
export interface TransactOp {
  action: WriteAction | 'Get';
  tableName: string;
  /** GetItem / PutItem / UpdateItem / DeleteItem input equivalent to the action. */
  operation: 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';
  input: WireObject;
  returnOldOnFailure: boolean;
}

/** Parses `TransactItems` of a TransactWriteItems request (throws WireError on a bad shape). */
export function parseWriteItems(body: WireObject): TransactOp[] {
  return checkedList(body, 'TransactWriteItem').map((entry: WireObject, index: number) => {
    const present = WRITE_ACTIONS.filter((action) => entry?.[action] != null);
    const [action] = present;
    if (present.length !== 1 || !action) {
      throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
    }
    const { ReturnValuesOnConditionCheckFailure, ...spec } = entry[action] as WireObject;
    if (action === 'ConditionCheck' && spec.ConditionExpression == null) {
      throw notNull(`transactItems.${index + 1}.member.conditionCheck.conditionExpression`);
    }
    const operation = action === 'Put' ? 'PutItem' : action === 'Update' ? 'UpdateItem' : 'DeleteItem';
    return {
      action,
      tableName: spec.TableName,
      operation,
      input: spec,
      returnOldOnFailure: ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
    };
  });
}

/** Parses `TransactItems` of a TransactGetItems request. */
export function parseGetItems(body: WireObject): TransactOp[] {
  return checkedList(body, 'TransactGetItem').map((entry: WireObject, index: number) => {
    if (entry?.Get == null) throw notNull(`transactItems.${index + 1}.member.get`);
    const spec = entry.Get as WireObject;
    return { action: 'Get', tableName: spec.TableName, operation: 'GetItem', input: spec, returnOldOnFailure: false };
  });
}

function checkedList(body: WireObject, javaName: string): WireObject[] {
  const items = body.TransactItems;
  if (items == null) throw notNull('transactItems');
  if (!Array.isArray(items)) {
    throw new WireError({ status: 400, body: { __type: 'com.amazon.coral.service#SerializationException' } });
  }
  if (items.length < 1) throw lengthError('[]', 'greater than or equal to 1');
  if (items.length > MAX_TRANSACT_ITEMS) {
    // DynamoDB prints the list with Java's default toString for each member.
    const shown = items.map(
      () => `com.amazonaws.dynamodb.v20120810.${javaName}@${randomInt(0x10000000, 0x7fffffff).toString(16)}`,
    );
    throw lengthError(`[${shown.join(', ')}]`, `less than or equal to ${MAX_TRANSACT_ITEMS}`);
  }
  return items;
}

const lengthError = (value: string, bound: string): WireError =>
  validationError(
    `1 validation error detected: Value '${value}' at 'transactItems' failed to satisfy constraint: Member must have length ${bound}`,
  );

const notNull = (path: string): WireError =>
  validationError(
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );

/** Rejects a transaction that touches one item twice (`keys[i]` is op i's primary key). */
export function assertDistinctItems(ops: readonly TransactOp[], keys: readonly WireObject[]): void {
  const seen = new Set<string>();
  ops.forEach((op, index) => {
    const id = JSON.stringify([op.tableName, keys[index]]);
    if (seen.has(id)) throw validationError('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  });
}

interface DynaliteValidations {
  checkTypes(data: WireObject, types: WireObject): WireObject;
  checkValidations(data: WireObject, types: WireObject, custom: unknown, store: unknown): void;
}
interface DynaliteActionValidation {
  types: WireObject;
  custom?: unknown;
}

const requireFromHere = createRequire(import.meta.url);
const validators = requireFromHere('dynalite/validations') as DynaliteValidations;
const actionValidators: Record<TransactOp['operation'], DynaliteActionValidation> = {
  GetItem: requireFromHere('dynalite/validations/getItem'),
  PutItem: requireFromHere('dynalite/validations/putItem'),
  UpdateItem: requireFromHere('dynalite/validations/updateItem'),
  DeleteItem: requireFromHere('dynalite/validations/deleteItem'),
};
// The validators only read the item size limit from the store.
const validationStore = { options: { maxItemSize: 400 * 1024 } };

/** Runs dynalite's own request validation for the op's single-item equivalent. */
export function assertValidOp(op: TransactOp): void {
  const rules = actionValidators[op.operation];
  try {
    // checkTypes mutates its input; validate a copy and forward the original.
    const data = validators.checkTypes(structuredClone(op.input), rules.types);
    validators.checkValidations(data, rules.types, rules.custom, validationStore);
  } catch (error) {
    const failure = error as { statusCode?: number; body?: WireObject };
    if (failure.statusCode && failure.body) throw new WireError({ status: failure.statusCode, body: failure.body });
    throw error;
  }
}
