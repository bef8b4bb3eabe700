/**
 * The shared send pace (`Pacer`): one token-bucket item in the ephemeral table
 * (`EMAILPACE#<provider>` / `bucket`), read consistently, advanced with `takeTokens`
 * (shared/email/pacing.ts) and written back with a compare-and-set on its `version`. Every
 * sender instance takes from the same item, so the sum of their sends follows the policy.
 * A lost race reads again (a few times, with jitter); after that the caller is told to wait
 * a moment, never granted a token it did not win.
 *
 * The policy comes from `policy()`: `cachedQuotaPolicy` below refreshes it from the provider's
 * quota (SES `GetAccount`) every few minutes, and an empty daily budget grants nothing.
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
  return {
    async take(nowMs) {
      const { bucket, dailyRemaining } = await policy();
      if (dailyRemaining <= 0) return { granted: false, waitMs: EXHAUSTED_WAIT_MS };
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        const item = await getItem(db, table, key, { consistent: true });
        const version = typeof item?.version === 'number' ? item.version : 0;
        const state =
          item && typeof item.tokens === 'number' && typeof item.updatedAtMs === 'number'
            ? { tokens: item.tokens, updatedAtMs: item.updatedAtMs }
            : undefined;
        const result = takeTokens(state, bucket, nowMs, 1);
        if (result.granted === 0) return { granted: false, waitMs: result.waitMs };
        const written = await conditionally(
          db.send(
            new PutCommand({
              TableName: table,
              Item: { ...key, ...result.next, version: version + 1 },
              ConditionExpression: item ? 'version = :v' : 'attribute_not_exists(pk)',
              ...(item ? { ExpressionAttributeValues: { ':v': version } } : {}),
            }),
          ),
        );
        if (written) return { granted: true, waitMs: 0 };
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
      return { granted: false, waitMs: 50 + Math.floor(Math.random() * 100) };
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
 * process; `override` (a configured rate) replaces `MaxSendRate` when set. A failed read keeps
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
