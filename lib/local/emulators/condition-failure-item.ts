/**
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` on dynalite's PutItem, UpdateItem and DeleteItem,
 * as DynamoDB has it: a write refused by its condition answers `ConditionalCheckFailedException`
 * with the item it was checked against (`Item`, absent when there was none), in the same call.
 * dynalite 4.0.0 drops the parameter as unknown (`checkTypes` keeps only the types an action
 * declares) and answers the refusal alone, so a writer that reads the item from the refusal (to
 * find its own earlier write after the SDK retried one whose answer was lost,
 * shared/adapters/dynamo/own-write.ts) would see nothing locally.
 *
 * The fix declares the parameter on the three actions and attaches the item to the refusal that
 * `checkConditional` (node_modules/dynalite/db/index.js) builds, which each action calls under the
 * item's lock, with the item it read: the item is the one the condition failed on, as in DynamoDB.
 * Installed once per thread before dynalite serves a request; a no-op when installed.
 */
import { createRequire } from 'node:module';

type Item = Record<string, unknown>;
type Refusal = (Error & { body?: Record<string, unknown> }) | null | undefined;

interface DbModule {
  checkConditional: ((data: Record<string, unknown>, existingItem: Item | undefined) => Refusal) & {
    returnsItem?: true;
  };
}

interface ActionValidation {
  types: Record<string, unknown>;
}

const ACTIONS = ['putItem', 'updateItem', 'deleteItem'] as const;

export function returnItemOnConditionFailure(): void {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const db = fromDynalite('./db') as DbModule;
  if (db.checkConditional.returnsItem) return;
  for (const action of ACTIONS) {
    const validation = fromDynalite(`./validations/${action}`) as ActionValidation;
    validation.types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const check = db.checkConditional;
  db.checkConditional = Object.assign(
    (data: Record<string, unknown>, existingItem: Item | undefined): Refusal => {
      const refusal = check(data, existingItem);
      if (refusal?.body && existingItem && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
        refusal.body.Item = existingItem;
      }
      return refusal;
    },
    { returnsItem: true as const },
  );
}
