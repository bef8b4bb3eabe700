/**
 * A DocumentClient whose transactions conflict as DynamoDB's do: while a TransactWriteItems is in
 * flight, another one that touches any of its items is cancelled at once with
 * `TransactionCanceledException`, reason `TransactionConflict` for each such item and `None` for the
 * others (nothing written), where the local emulator (lib/local/emulators/dynamodb-transact.ts)
 * makes it wait its turn instead. A transaction is "in flight" for `holdMs` from when it is sent
 * (DynamoDB's prepare and commit take tens of milliseconds).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

type Send = (command: unknown) => Promise<unknown>;
type Keyed = { Key?: Record<string, unknown>; Item?: Record<string, unknown>; TableName?: string };

const itemName = (op: Keyed | undefined): string => {
  const key = op?.Key ?? op?.Item ?? {};
  return `${op?.TableName}\u0000${String(key.pk)}\u0000${String(key.sk)}`;
};

export interface ConflictingClient {
  readonly db: DynamoDBDocumentClient;
  /** Transactions cancelled for a conflict so far. */
  conflicts(): number;
  /** Transactions sent so far (conflicted or not). */
  sent(): number;
}

export function conflictingLikeAws(db: DynamoDBDocumentClient, holdMs = 40): ConflictingClient {
  const inFlight = new Map<string, number>();
  let conflicts = 0;
  let sent = 0;
  const send = async (command: unknown): Promise<unknown> => {
    if (!(command instanceof TransactWriteCommand)) return (db.send as Send).call(db, command);
    sent += 1;
    const names = (command.input.TransactItems ?? []).map((t) =>
      itemName((t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck) as Keyed | undefined),
    );
    if (names.some((n) => inFlight.has(n))) {
      conflicts += 1;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: names.map((n) =>
          inFlight.has(n)
            ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
            : { Code: 'None' },
        ),
      });
    }
    for (const n of names) inFlight.set(n, (inFlight.get(n) ?? 0) + 1);
    // In flight for `holdMs` from its start, however long the local emulator takes (its latency
    // grows with the machine's load; DynamoDB's does not).
    setTimeout(() => {
      for (const n of names) {
        const left = (inFlight.get(n) ?? 1) - 1;
        if (left > 0) inFlight.set(n, left);
        else inFlight.delete(n);
      }
    }, holdMs);
    return (db.send as Send).call(db, command);
  };
  const wrapped = new Proxy(db, {
    get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)),
  });
  return { db: wrapped, conflicts: () => conflicts, sent: () => sent };
}
