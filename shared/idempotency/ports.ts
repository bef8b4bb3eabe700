/**
 * What {@link runOnce} needs from storage: one record per idempotency key. The DynamoDB
 * adapter is shared/adapters/dynamo-idempotency.ts (the `ephemeral` table, TTL-expired).
 */

/** The request a key names: a client's key for one operation of one workspace, never shared across either. */
export interface IdempotencyScope {
  readonly workspaceId: string;
  /** The operation the key belongs to, e.g. the route id `interactions.create`. */
  readonly operation: string;
  readonly key: string;
}

/** A key's record, as the first attempt left it. */
export interface IdempotencyRecord {
  /** SHA-256 of the request the key was first used with: another request under the key is refused. */
  readonly fingerprint: string;
  /** The values the first attempt fixed (ids, times), JSON: a re-run uses these, never new ones. */
  readonly plan: string;
  readonly status: 'in-progress' | 'completed';
  /** Who holds the run, and until when (epoch ms); a lapsed lease may be taken over. */
  readonly leaseId?: string;
  readonly leaseUntil?: number;
  /** Once completed: the result, JSON, replayed to every retry. */
  readonly result?: string;
}

export interface IdempotencyClaim {
  readonly fingerprint: string;
  readonly plan: string;
  readonly leaseId: string;
  readonly leaseUntil: number;
  /** When the record may be forgotten (and the key used afresh). */
  readonly expiresAt: Date;
}

export interface IdempotencyStore {
  /**
   * Creates the record, in progress under the claim's lease, unless an unexpired record
   * exists: then returns that one and changes nothing.
   */
  claim(scope: IdempotencyScope, claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined>;
  /** Takes over a run whose lease lapsed; false when someone else took it or it completed meanwhile. */
  takeOver(
    scope: IdempotencyScope,
    lapsedLeaseId: string | undefined,
    leaseId: string,
    leaseUntil: number,
  ): Promise<boolean>;
  /** Stores the result of the run holding `leaseId`; false when that lease was lost (nothing written). */
  complete(scope: IdempotencyScope, leaseId: string, result: string): Promise<boolean>;
  /** Ends the lease of a failed run at once, keeping the plan, so a retry re-runs with it. */
  release(scope: IdempotencyScope, leaseId: string): Promise<void>;
}
