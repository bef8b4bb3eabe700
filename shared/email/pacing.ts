/**
 * The send pace: a token bucket every sender instance shares (the adapter keeps its state in
 * one DynamoDB item and updates it conditionally). Its rate is a fraction of the provider's
 * own `MaxSendRate` (SES throttles at the exact rate, not at 70-80% of it), and a daily
 * budget caps the bucket from `Max24HourSend - SentLast24Hours`.
 */

export interface BucketState {
  /** Tokens left (fractional: refill is continuous). */
  readonly tokens: number;
  /** Epoch ms of the last refill. */
  readonly updatedAtMs: number;
}

export interface BucketPolicy {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Most tokens the bucket holds: the largest burst. */
  readonly burst: number;
}

export interface TakeResult {
  /** Tokens granted now (0 to what was asked). */
  readonly granted: number;
  /** The state to store (compare-and-set on `before`). */
  readonly next: BucketState;
  /** When no token was granted: how long until one will be. */
  readonly waitMs: number;
}

/** The default share of the provider's maximum send rate we use. */
export const DEFAULT_RATE_FRACTION = 0.8;

/** The policy for a provider quota: `fraction` of `maxSendRate` per second, bursts of one second's worth. */
export function policyForQuota(maxSendRate: number, fraction = DEFAULT_RATE_FRACTION): BucketPolicy {
  const ratePerSecond = Math.max(0.1, maxSendRate * fraction);
  return { ratePerSecond, burst: Math.max(1, Math.floor(ratePerSecond)) };
}

/** Refills `state` to `nowMs` and takes up to `wanted` whole tokens. */
export function takeTokens(
  state: BucketState | undefined,
  policy: BucketPolicy,
  nowMs: number,
  wanted: number,
): TakeResult {
  const start = state ?? { tokens: policy.burst, updatedAtMs: nowMs };
  const elapsed = Math.max(0, nowMs - start.updatedAtMs) / 1000;
  const tokens = Math.min(policy.burst, start.tokens + elapsed * policy.ratePerSecond);
  const granted = Math.max(0, Math.min(Math.floor(tokens), Math.floor(wanted)));
  const left = tokens - granted;
  const waitMs = granted > 0 ? 0 : Math.ceil(((1 - left) / policy.ratePerSecond) * 1000);
  return { granted, next: { tokens: left, updatedAtMs: Math.max(nowMs, start.updatedAtMs) }, waitMs };
}

/** What remains of the provider's daily quota, never negative. */
export function dailyBudget(quota: { max24HourSend: number; sentLast24Hours: number }): number {
  if (quota.max24HourSend < 0) return Number.POSITIVE_INFINITY; // SES: -1 means unlimited
  return Math.max(0, quota.max24HourSend - quota.sentLast24Hours);
}

/** Exponential backoff with full jitter for a throttled message's next visibility, in seconds (SQS caps at 12 h). */
export function throttleBackoffSeconds(receiveCount: number, random: () => number = Math.random): number {
  const ceiling = Math.min(900, 2 ** Math.min(10, Math.max(1, receiveCount)));
  return Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}
