/**
 * Counts the DynamoDB calls the local runtime's functions send, per function, through a
 * middleware on the one DynamoDB client every function module shares
 * (shared/aws/dynamodb.ts). A call counts for the invocation that made it (the function
 * host's async scope), awaited or not: a session's last-seen stamp or an API key's use
 * record costs the request that caused it, as Lambda would bill it.
 */

import { currentInvocation } from '../../lib/local/function-host';
import { dynamodb } from '../../shared/aws/dynamodb';

export type CallCounts = Record<string, number>;

export interface StoreCallCounter {
  /** Calls by operation (GetItem, Query...) made by invocations of `functionName` since the last reset. */
  of(functionName: string): CallCounts;
  reset(): void;
}

let installed: { byFunction: Map<string, CallCounts> } | undefined;

/** Installs the counter once per process (the middleware stays; `reset` clears the counts). */
export function storeCallCounter(): StoreCallCounter {
  if (!installed) {
    const state = { byFunction: new Map<string, CallCounts>() };
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const fn = currentInvocation()?.functionName ?? '(outside a function)';
        const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const counts = state.byFunction.get(fn) ?? {};
        counts[operation] = (counts[operation] ?? 0) + 1;
        state.byFunction.set(fn, counts);
        return next(args);
      },
      { step: 'initialize', name: 'storeCallCounter' },
    );
    installed = state;
  }
  const state = installed;
  return {
    of: (functionName) => ({ ...(state.byFunction.get(functionName) ?? {}) }),
    reset: () => state.byFunction.clear(),
  };
}

export const totalCalls = (counts: CallCounts): number => Object.values(counts).reduce((a, b) => a + b, 0);

export const formatCalls = (counts: CallCounts): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${n} ${op}`)
    .join(' + ') || 'none';
