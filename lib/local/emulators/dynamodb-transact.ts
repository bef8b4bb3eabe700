/**
 * TransactWriteItems and TransactGetItems on top of dynalite's single-item operations.
 *
 * Transactions that touch a common item run one after the other; those on distinct items run at
 * once, as in DynamoDB (lock per item, keyed-locks.ts; DynamoDB cancels a conflicting transaction
 * where this waits for it). A write transaction reads each item's old image,
 * applies its actions (all at once: no two actions may touch the same item, so each condition
 * still sees its item's pre-transaction state, whatever the order), and when a condition fails
 * rolls the applied ones back by restoring those images, then answers
 * `TransactionCanceledException` with one cancellation reason per action, as DynamoDB does.
 * Atomic only against other transactions: a concurrent single-item write can observe or
 * interleave with a transaction. Tables' key schemas are remembered until a table is created,
 * updated or deleted through the proxy (`forgetSchemas`).
 */

import {
  assertDistinctItems,
  assertValidOp,
  parseGetItems,
  parseWriteItems,
  type TransactOp,
} from './dynamodb-transact-validation';
import { DYNAMODB_PREFIX, type DynamoWire, WireError, type WireObject, type WireResponse } from './dynamodb-wire';
import { KeyedLocks } from './keyed-locks';

interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: WireObject;
}

/** How long a ClientRequestToken makes a successful TransactWriteItems idempotent (as in AWS). */
const TOKEN_TTL_MS = 10 * 60 * 1000;

export class TransactionEngine {
  private readonly locks = new KeyedLocks();
  private readonly tokens = new Map<string, { fingerprint: string; expiresAt: number }>();
  private readonly schemas = new Map<string, Promise<string[]>>();

  constructor(
    private readonly wire: DynamoWire,
    private readonly log: (msg: string) => void,
  ) {}

  /** Handles one TransactWriteItems request body; never throws a WireError (returns it). */
  async transactWrite(body: WireObject): Promise<WireResponse> {
    return this.answer(async () => {
      const ops = parseWriteItems(body);
      ops.forEach(assertValidOp);
      const fingerprint = JSON.stringify(body.TransactItems);
      const token = typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : undefined;
      const keys = await this.keysOf(ops);
      assertDistinctItems(ops, keys);
      // The items, and the token: two requests with one token never run at once.
      const names = ops.map((op, i) => itemLockName(op.tableName, keys[i] ?? {}));
      if (token) names.push(`token\u0000${token}`);
      return this.locks.run(names, async () => {
        if (token && this.replayed(token, fingerprint)) return { status: 200, body: {} };
        const oldImages = await Promise.all(ops.map((op, i) => this.read(op.tableName, keys[i] ?? {})));
        const response = await this.apply(ops, keys, oldImages);
        if (token && response.status === 200)
          this.tokens.set(token, { fingerprint, expiresAt: Date.now() + TOKEN_TTL_MS });
        return response;
      });
    });
  }

  /** Handles one TransactGetItems request body: consistent reads isolated from write transactions. */
  async transactGet(body: WireObject): Promise<WireResponse> {
    return this.answer(async () => {
      const ops = parseGetItems(body);
      ops.forEach(assertValidOp);
      const keys = await this.keysOf(ops);
      const names = ops.map((op, i) => itemLockName(op.tableName, keys[i] ?? {}));
      return this.locks.run(names, async () => {
        const results = await Promise.all(
          ops.map((op) => this.wire.call('GetItem', { ...op.input, ConsistentRead: true })),
        );
        return { status: 200, body: { Responses: results.map((r) => (r.Item ? { Item: r.Item } : {})) } };
      });
    });
  }

  private async answer(work: () => Promise<WireResponse>): Promise<WireResponse> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof WireError) return error.response;
      throw error;
    }
  }

  private replayed(token: string, fingerprint: string): boolean {
    const now = Date.now();
    for (const [key, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(key);
    const previous = this.tokens.get(token);
    if (!previous) return false;
    if (previous.fingerprint !== fingerprint) {
      throw new WireError({
        status: 400,
        body: {
          __type: `${DYNAMODB_PREFIX}IdempotentParameterMismatchException`,
          message: 'The request uses the same client token as a previous, but non-identical request.',
        },
      });
    }
    return true;
  }

  /** A table was created, updated or deleted: its key schema may have changed. */
  forgetSchemas(): void {
    this.schemas.clear();
  }

  /** Primary key of each op's item, per its table's key schema (DescribeTable, remembered). */
  private async keysOf(ops: readonly TransactOp[]): Promise<WireObject[]> {
    const schemaOf = (table: string) => {
      let names = this.schemas.get(table);
      if (!names) {
        names = this.wire
          .call('DescribeTable', { TableName: table })
          .then((r) => (r.Table.KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName));
        // A failed lookup (no such table) is not remembered.
        names.catch(() => this.schemas.delete(table));
        this.schemas.set(table, names);
      }
      return names;
    };
    return Promise.all(
      ops.map(async (op) => {
        const source = op.action === 'Put' ? op.input.Item : op.input.Key;
        const names = await schemaOf(op.tableName);
        return Object.fromEntries(names.map((name) => [name, source?.[name]]));
      }),
    );
  }

  private async read(tableName: string, key: WireObject): Promise<WireObject | undefined> {
    const result = await this.wire.call('GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
    return result.Item;
  }

  private async apply(
    ops: TransactOp[],
    keys: WireObject[],
    oldImages: (WireObject | undefined)[],
  ): Promise<WireResponse> {
    // Every action at once (distinct items: none sees another's effect); the ones that took
    // effect are rolled back when any failed.
    const outcomes = await Promise.allSettled(
      ops.map((op, i) =>
        op.action === 'ConditionCheck'
          ? this.checkOnly(op, keys[i] ?? {}, oldImages[i])
          : this.wire.call(op.operation, op.input),
      ),
    );
    const applied = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    const reasons: CancellationReason[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') {
        reasons.push({ Code: 'None' });
        continue;
      }
      const error = outcome.reason as unknown;
      const reason = error instanceof WireError ? reasonFor(error, ops[i] as TransactOp, oldImages[i]) : undefined;
      if (!reason) {
        await this.rollback(ops, keys, oldImages, applied);
        throw error;
      }
      reasons.push(reason);
    }
    if (applied.length === ops.length) return { status: 200, body: {} };
    await this.rollback(ops, keys, oldImages, applied);
    const codes = reasons.map((r) => r.Code).join(', ');
    return {
      status: 400,
      body: {
        __type: `${DYNAMODB_PREFIX}TransactionCanceledException`,
        CancellationReasons: reasons,
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
      },
    };
  }

  /**
   * Evaluates an op's condition without changing its item: a conditional put of the unchanged
   * old image, or, for an absent item, a conditional delete (which deletes nothing).
   */
  private async checkOnly(op: TransactOp, key: WireObject, old: WireObject | undefined): Promise<void> {
    const condition = op.input.ConditionExpression as string | undefined;
    if (!condition) return;
    const params = {
      TableName: op.tableName,
      ConditionExpression: condition,
      ...referencedParams(condition, op.input),
    };
    if (old) await this.wire.call('PutItem', { ...params, Item: old });
    else await this.wire.call('DeleteItem', { ...params, Key: key });
  }

  private async rollback(
    ops: TransactOp[],
    keys: WireObject[],
    oldImages: (WireObject | undefined)[],
    applied: number[],
  ): Promise<void> {
    for (const i of [...applied].reverse()) {
      const op = ops[i];
      if (!op || op.action === 'ConditionCheck') continue;
      const old = oldImages[i];
      try {
        if (old) await this.wire.call('PutItem', { TableName: op.tableName, Item: old });
        else await this.wire.call('DeleteItem', { TableName: op.tableName, Key: keys[i] });
      } catch (error) {
        this.log(`transaction rollback failed on ${op.tableName}: ${(error as Error).message}`);
        throw new WireError({
          status: 500,
          body: { __type: `${DYNAMODB_PREFIX}InternalServerError`, message: 'Local transaction rollback failed' },
        });
      }
    }
  }
}

/** An item's lock name: its table and its key's attribute values, in key-schema order. */
const itemLockName = (table: string, key: WireObject): string => `${table}\u0000${JSON.stringify(key)}`;

/** The cancellation reason for an action's failure, or undefined when it fails the whole request. */
function reasonFor(error: WireError, op: TransactOp, old: WireObject | undefined): CancellationReason | undefined {
  if (error.type === 'ConditionalCheckFailedException') {
    const reason: CancellationReason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
    if (op.returnOldOnFailure && old) reason.Item = old;
    return reason;
  }
  // Data-dependent errors (syntax was checked up front), e.g. adding to a string attribute.
  if (error.type === 'ValidationException') return { Code: 'ValidationError', Message: error.message };
  return undefined;
}

/** The ExpressionAttributeNames/Values a condition uses (DynamoDB rejects unused ones). */
function referencedParams(condition: string, input: WireObject): WireObject {
  const pick = (source: WireObject | undefined, pattern: RegExp): WireObject | undefined => {
    if (!source) return undefined;
    const used = new Set(condition.match(pattern) ?? []);
    const entries = Object.entries(source).filter(([name]) => used.has(name));
    return entries.length ? Object.fromEntries(entries) : undefined;
  };
  const names = pick(input.ExpressionAttributeNames, /#[A-Za-z0-9_]+/g);
  const values = pick(input.ExpressionAttributeValues, /:[A-Za-z0-9_]+/g);
  return {
    ...(names ? { ExpressionAttributeNames: names } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
  };
}
