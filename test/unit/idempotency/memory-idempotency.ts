/** An in-memory IdempotencyStore with the DynamoDB adapter's contract (expired records count as absent). */
import type { IdempotencyRecord, IdempotencyScope, IdempotencyStore } from '../../../shared/idempotency/ports';

type Stored = IdempotencyRecord & { expiresAt: number };

export function memoryIdempotency(now: () => Date): IdempotencyStore & { records: Map<string, Stored> } {
  const records = new Map<string, Stored>();
  const id = (s: IdempotencyScope) => JSON.stringify([s.workspaceId, s.operation, s.key]);
  const running = (s: IdempotencyScope, leaseId: string | undefined) => {
    const r = records.get(id(s));
    return r?.status === 'in-progress' && r.leaseId === leaseId ? r : undefined;
  };
  return {
    records,
    async claim(scope, claim) {
      const existing = records.get(id(scope));
      if (existing && existing.expiresAt >= now().getTime()) {
        const { expiresAt: _e, ...record } = existing;
        return record;
      }
      const { fingerprint, plan, leaseId, leaseUntil, expiresAt } = claim;
      records.set(id(scope), {
        status: 'in-progress',
        fingerprint,
        plan,
        leaseId,
        leaseUntil,
        expiresAt: expiresAt.getTime(),
      });
      return undefined;
    },
    async takeOver(scope, lapsedLeaseId, leaseId, leaseUntil) {
      const r = running(scope, lapsedLeaseId);
      if (!r) return false;
      records.set(id(scope), { ...r, leaseId, leaseUntil });
      return true;
    },
    async complete(scope, leaseId, result) {
      const r = running(scope, leaseId);
      if (!r) return false;
      const { leaseId: _l, leaseUntil: _u, ...rest } = r;
      records.set(id(scope), { ...rest, status: 'completed', result });
      return true;
    },
    async release(scope, leaseId) {
      const r = running(scope, leaseId);
      if (r) records.set(id(scope), { ...r, leaseUntil: 0 });
    },
  };
}
