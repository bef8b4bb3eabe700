/**
 * The shared send pace (`Pacer`): one token-bucket item in the ephemeral table
 * (`EMAILPACE#<provider>` / `bucket`), read consistently, advanced with `takeTokens`
 * (shared/email/pacing.ts) and written back with a compare-and-set on its `version`. Every
 * sender instance takes from the same item, so the sum of their sends follows the policy.
 * A lost race reads again (a few times, with jitter); after that the caller is told to wait
 * a moment, never granted a token it did not win.
 *
 * Within one process (a Lambda instance working on a batch of 10), concurrent `take` calls are
 * coalesced: one read and one compare-and-set take as many tokens as callers are waiting, and
 * callers arriving meanwhile wait for the next round. Ten senders of a batch racing for the same
 * item would otherwise lose most rounds to each other (about 3 reads and writes per send, measured
 * by the email-send bench) for the same tokens.
 *
 * The policy comes from `policy()`: `cachedQuotaPolicy` below refreshes it from the provider's
 * quota (SES `GetAccount`) every few minutes, and an empty daily budget grants nothing.
 *
 * The daily budget lives in the same item (`dailyRemaining`, with `quotaReadAtMs`, the time of the
 * quota read it comes from): the newest read of any process sets it, and every grant subtracts
 * from it in the same compare-and-set that takes the tokens, so all senders together are granted
 * at most what the last read left, however long a process caches its policy.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type BucketPolicy, dailyBudget, policyForQuota, takeTokens } from '../email/pacing';
import type { Pacer } from '../email/ports';
import { conditionally } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { SEND_PACE_SK, sendPacePk } from './keys';

export interface PacePolicy {
  readonly bucket: BucketPolicy;
  /** Sends left today (Infinity when unlimited); 0 stops granting. */
  readonly dailyRemaining: number;
  /**
   * When `dailyRemaining` was read from the provider. With it, the budget is shared and spent
   * through the bucket item (the newest read wins); without it (a fixed policy, or no read yet)
   * it only caps what the item holds.
   */
  readonly quotaReadAtMs?: number;
}

/** The daily budget a round may spend, from the policy and the item, and what is written back. */
function dailyOf(
  policy: PacePolicy,
  item: Record<string, unknown> | undefined,
): { remaining: number; readAtMs?: number } {
  const held =
    typeof item?.dailyRemaining === 'number' && typeof item.quotaReadAtMs === 'number'
      ? { remaining: item.dailyRemaining, readAtMs: item.quotaReadAtMs }
      : undefined;
  const read = policy.quotaReadAtMs;
  if (read !== undefined && (!held || read > held.readAtMs)) {
    return Number.isFinite(policy.dailyRemaining)
      ? { remaining: policy.dailyRemaining, readAtMs: read }
      : { remaining: Number.POSITIVE_INFINITY };
  }
  if (!held) return { remaining: policy.dailyRemaining };
  // An older read of this process never raises what a newer one left; a fixed policy only caps it.
  return {
    remaining: read === undefined ? Math.min(held.remaining, policy.dailyRemaining) : held.remaining,
    readAtMs: held.readAtMs,
  };
}

const CAS_ATTEMPTS = 5;
const EXHAUSTED_WAIT_MS = 5 * 60 * 1000;

export function dynamoSendPacer(
  db: DynamoDBDocumentClient,
  table: string,
  policy: () => Promise<PacePolicy>,
  provider = 'ses',
): Pacer {
  const key = { pk: sendPacePk(provider), sk: SEND_PACE_SK };

  /**
   * Takes up to `wanted` tokens with one compare-and-set (retried on a lost race). `waitMs(n)`:
   * how long until the n-th caller left without a token (0-based) could have one, so the callers
   * of a round come back one by one as tokens refill instead of all at once.
   */
  async function takeMany(
    nowMs: number,
    wanted: number,
  ): Promise<{ granted: number; waitMs: (position: number) => number }> {
    const current = await policy();
    const { bucket } = current;
    // A fixed policy with no budget needs no read; a read one may be older than the item's.
    if (current.quotaReadAtMs === undefined && current.dailyRemaining <= 0) {
      return { granted: 0, waitMs: () => EXHAUSTED_WAIT_MS };
    }
    const inLine = (left: number) => (position: number) =>
      Math.max(1, Math.ceil(((position + 1 - left) / bucket.ratePerSecond) * 1000));
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const item = await getItem(db, table, key, { consistent: true });
      const version = typeof item?.version === 'number' ? item.version : 0;
      const state =
        item && typeof item.tokens === 'number' && typeof item.updatedAtMs === 'number'
          ? { tokens: item.tokens, updatedAtMs: item.updatedAtMs }
          : undefined;
      const daily = dailyOf(current, item);
      if (daily.remaining <= 0) return { granted: 0, waitMs: () => EXHAUSTED_WAIT_MS };
      const result = takeTokens(state, bucket, nowMs, Math.min(wanted, daily.remaining));
      if (result.granted === 0) return { granted: 0, waitMs: inLine(result.next.tokens) };
      // Spent in the same write that takes the tokens: a lost race spends nothing.
      const budget =
        daily.readAtMs !== undefined && Number.isFinite(daily.remaining)
          ? { dailyRemaining: daily.remaining - result.granted, quotaReadAtMs: daily.readAtMs }
          : {};
      const written = await conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: { ...key, ...result.next, ...budget, version: version + 1 },
            ConditionExpression: item ? 'version = :v' : 'attribute_not_exists(pk)',
            ...(item ? { ExpressionAttributeValues: { ':v': version } } : {}),
          }),
        ),
      );
      if (written) return { granted: result.granted, waitMs: inLine(result.next.tokens) };
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
    }
    return { granted: 0, waitMs: () => 50 + Math.floor(Math.random() * 100) };
  }

  type Waiter = {
    nowMs: number;
    resolve: (r: { granted: boolean; waitMs: number }) => void;
    reject: (e: unknown) => void;
  };
  let waiting: Waiter[] = [];
  let running = false;
  async function rounds(): Promise<void> {
    await Promise.resolve(); // callers of the same tick join the first round
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      try {
        const nowMs = Math.max(...group.map((w) => w.nowMs));
        const { granted, waitMs } = await takeMany(nowMs, group.length);
        group.forEach((w, i) => {
          w.resolve(i < granted ? { granted: true, waitMs: 0 } : { granted: false, waitMs: waitMs(i - granted) });
        });
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    running = false;
  }

  return {
    take(nowMs) {
      return new Promise((resolve, reject) => {
        waiting.push({ nowMs, resolve, reject });
        if (!running) {
          running = true;
          void rounds();
        }
      });
    },
  };
}

export interface SendQuota {
  readonly maxSendRate: number;
  readonly max24HourSend: number;
  readonly sentLast24Hours: number;
}

/**
 * A policy from the provider's quota, read at most every `ttlMs` (default 5 minutes) per
 * process, stamped with when it was read (the pacer's shared daily budget takes the newest); `override` (a configured rate) replaces `MaxSendRate` when set. A failed read keeps
 * the last policy (or, before any, `fallbackRate`) rather than stopping sends.
 */
export function cachedQuotaPolicy(
  readQuota: () => Promise<SendQuota>,
  opts: { fraction?: number; override?: number; ttlMs?: number; fallbackRate?: number; now?: () => number } = {},
): () => Promise<PacePolicy> {
  const ttlMs = opts.ttlMs ?? 5 * 60 * 1000;
  const now = opts.now ?? Date.now;
  let cached: { policy: PacePolicy; atMs: number } | undefined;
  return async () => {
    if (cached && now() - cached.atMs < ttlMs) return cached.policy;
    let policy: PacePolicy;
    try {
      const quota = await readQuota();
      policy = {
        bucket: policyForQuota(opts.override ?? quota.maxSendRate, opts.fraction),
        dailyRemaining: dailyBudget(quota),
        quotaReadAtMs: now(),
      };
    } catch {
      policy = cached?.policy ?? {
        bucket: policyForQuota(opts.override ?? opts.fallbackRate ?? 1, opts.fraction),
        dailyRemaining: Number.POSITIVE_INFINITY,
      };
    }
    cached = { policy, atMs: now() };
    return policy;
  };
}
