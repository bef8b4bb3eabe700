/**
 * The shared send pace (`Pacer`): one token-bucket item in the ephemeral table
 * (`EMAILPACE#<provider>` / `bucket`), read consistently, advanced with `takeTokens`
 * (shared/email/pacing.ts) and written back with a compare-and-set on its `version`. Every
 * sender instance takes from the same item, so the sum of their sends follows the policy.
 * A lost race reads again (a few times, with jitter); after that the caller is told to wait
 * a moment, never granted a token it did not win. A compare-and-set the SDK retried after DynamoDB
 * applied it (its answer lost) is refused by its own write: each write puts its id among the
 * item's last writes (`writes`), and a refusal whose item holds it is a win (dynamo/own-write.ts),
 * so one grant never takes its tokens and budget twice (before review round 24 it did).
 *
 * Within one process (a Lambda instance working on a batch of 10), concurrent `take` calls are
 * coalesced: one read and one compare-and-set take as many tokens as callers are waiting, and
 * callers arriving meanwhile wait for the next round. Ten senders of a batch racing for the same
 * item would otherwise lose most rounds to each other (about 3 reads and writes per send, measured
 * by the email-send bench) for the same tokens.
 *
 * The policy comes from `policy()`: `cachedQuotaPolicy` below refreshes it from the provider's
 * quota (SES `GetAccount`) every few minutes.
 *
 * The daily budget is that provider's (`budgetOf`, SES): once it is spent, a caller whose chain has
 * another provider (`budgetOptional`) is still granted a token of the rate, marked `budgetSpent`
 * (the send skips SES and the next provider sends, at the same pace); any other caller is granted
 * nothing and told to come back in 5 minutes (a newer quota read may free some). Within a round
 * the last units go to the callers that need SES first, whatever their place in the round.
 *
 * The daily budget lives in the same item (`dailyRemaining`, with `quotaReadAtMs`, the time of the
 * quota read it comes from): the newest read of any process sets it, and every grant subtracts
 * from it in the same compare-and-set that takes the tokens, so all senders together are granted
 * at most what the last read left, however long a process caches its policy.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type BucketPolicy, dailyBudget, policyForQuota, takeTokens } from '../email/pacing';
import type { PaceGrant, Pacer, ProviderName } from '../email/ports';
import { getItem } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
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
/**
 * The ids of the bucket's last writes it keeps (`writes`, newest first; 16 characters each, so the
 * item stays under 1 KB: one write unit). A write whose answer was lost finds itself among them
 * when the SDK's retry is refused, even after other instances' writes landed between the two tries.
 */
const RECENT_WRITES = 32;
const EXHAUSTED_WAIT_MS = 5 * 60 * 1000;

export function dynamoSendPacer(
  db: DynamoDBDocumentClient,
  table: string,
  policy: () => Promise<PacePolicy>,
  provider = 'ses',
  budgetOf: ProviderName = 'ses',
): Pacer {
  const key = { pk: sendPacePk(provider), sk: SEND_PACE_SK };
  const exhausted: PaceGrant = { granted: false, waitMs: EXHAUSTED_WAIT_MS };

  /**
   * Takes a token for each caller of a round (`optional[i]`: whether caller i may send without
   * `budgetOf`) with one compare-and-set (retried on a lost race). The daily budget's units go
   * first to the callers that need `budgetOf` (in order: those beyond the budget are told to wait
   * for a newer read), then to optional callers while units are left; the other optional callers
   * take a token of the rate alone (`budgetSpent`). Tokens serve the eligible callers in order. A
   * caller left without a token waits until it could have one (its place among those left), so the
   * callers of a round come back one by one as tokens refill instead of all at once.
   */
  async function takeMany(nowMs: number, optional: readonly boolean[]): Promise<PaceGrant[]> {
    const current = await policy();
    const { bucket } = current;
    // A fixed policy with no budget needs no read, unless a caller may go on without it; a read
    // policy may be older than the item's.
    if (!optional.includes(true) && current.quotaReadAtMs === undefined && current.dailyRemaining <= 0) {
      return optional.map(() => exhausted);
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
      // Who may take a token: the budget's units are kept first for the callers that cannot send
      // without `budgetOf` (in order; the others of them wait for a newer read), whether or not a
      // token serves them this round (one left waiting comes back soon for its unit); every caller
      // that can skip it may take a token, and a unit with it while units are left over.
      const remaining = Math.max(0, daily.remaining);
      let kept = Math.min(remaining, optional.filter((canSkip) => !canSkip).length);
      let spare = remaining - kept;
      const plan = optional.map((canSkip): 'budget' | 'optional' | 'none' => {
        if (canSkip) return 'optional';
        if (kept <= 0) return 'none';
        kept--;
        return 'budget';
      });
      const eligible = plan.filter((p) => p !== 'none').length;
      if (eligible === 0) return optional.map(() => exhausted);
      const result = takeTokens(state, bucket, nowMs, eligible);
      const wait = inLine(result.next.tokens);
      // The first `granted` eligible callers are served, in order; a served optional caller takes a
      // spare unit if one is left, else the rate alone (`budgetSpent`).
      let served = 0;
      let spent = 0;
      const grants = plan.map((p): PaceGrant => {
        if (p === 'none') return exhausted;
        if (served >= result.granted) return { granted: false, waitMs: wait(served++ - result.granted) };
        served++;
        if (p === 'optional') {
          if (spare <= 0) return { granted: true, waitMs: 0, budgetSpent: true };
          spare--;
        }
        spent++;
        return { granted: true, waitMs: 0 };
      });
      if (result.granted === 0) return grants;
      // Spent in the same write that takes the tokens: a lost race spends nothing.
      const budget =
        daily.readAtMs !== undefined && Number.isFinite(daily.remaining)
          ? { dailyRemaining: daily.remaining - spent, quotaReadAtMs: daily.readAtMs }
          : {};
      // Marked as this write's, so a retry of it by the SDK after DynamoDB applied it (its answer
      // lost) finds it among the item's last writes: a grant, not a lost race to take again.
      const mine = ownToken();
      const recent = Array.isArray(item?.writes) ? item.writes.filter((w) => typeof w === 'string') : [];
      const { written } = await writeOwn(
        db,
        {
          Put: {
            TableName: table,
            Item: {
              ...key,
              ...result.next,
              ...budget,
              version: version + 1,
              writes: [mine, ...recent].slice(0, RECENT_WRITES),
            },
            ConditionExpression: item ? 'version = :v' : 'attribute_not_exists(pk)',
            ...(item ? { ExpressionAttributeValues: { ':v': version } } : {}),
          },
        },
        (found) => Array.isArray(found.writes) && found.writes.includes(mine),
      );
      if (written) return grants;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
    }
    return optional.map(() => ({ granted: false, waitMs: 50 + Math.floor(Math.random() * 100) }));
  }

  type Waiter = {
    nowMs: number;
    budgetOptional: boolean;
    resolve: (r: PaceGrant) => void;
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
        const grants = await takeMany(
          nowMs,
          group.map((w) => w.budgetOptional),
        );
        group.forEach((w, i) => {
          w.resolve(grants[i] ?? exhausted);
        });
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    running = false;
  }

  return {
    budgetOf,
    take(nowMs, options) {
      return new Promise((resolve, reject) => {
        waiting.push({ nowMs, budgetOptional: options?.budgetOptional === true, resolve, reject });
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
