/**
 * Counts a request against its rules and decides. Each rule is one atomic conditional
 * increment, so concurrent function instances agree without coordination; a request
 * refused by a rule is not counted by it, so a client that backs off gets through as soon
 * as the window turns. The store failing lets the request through (logged): an outage of
 * the counters must not take the API down with it.
 */
import type { RateRule } from './rules';

export interface CounterStore {
  /**
   * Increments the counter `key` unless it has reached `limit`; returns the count after the
   * increment, or `undefined` when the limit was already reached. Items expire after `expiresAt` (epoch s).
   */
  incrementBelow(key: string, limit: number, expiresAt: number): Promise<number | undefined>;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** The tightest rule's view, for the RateLimit-* headers. */
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the tightest rule's window resets. */
  readonly resetSeconds: number;
  /** The rule that refused, when one did. */
  readonly refusedBy?: string;
}

export interface ClientIdentity {
  readonly address: string;
  /** A stable, non-secret id of the API key when the request carries one. */
  readonly keyId?: string;
}

export async function checkRateLimits(
  rules: readonly RateRule[],
  client: ClientIdentity,
  deps: { store: CounterStore; nowMs: number; onStoreError: (error: unknown) => void },
): Promise<RateDecision | undefined> {
  if (rules.length === 0) return undefined;
  const results = await Promise.all(
    rules.map(async (rule) => {
      const windowStart = Math.floor(deps.nowMs / 1000 / rule.windowSeconds) * rule.windowSeconds;
      const resetSeconds = Math.max(1, Math.ceil(windowStart + rule.windowSeconds - deps.nowMs / 1000));
      const who = rule.keyBy === 'client' && client.keyId ? `key:${client.keyId}` : `ip:${client.address}`;
      const key = `RL#${rule.id}#${who}#${windowStart}`;
      try {
        const count = await deps.store.incrementBelow(key, rule.limit, windowStart + rule.windowSeconds + 60);
        return {
          rule,
          resetSeconds,
          remaining: count === undefined ? 0 : rule.limit - count,
          refused: count === undefined,
        };
      } catch (error) {
        deps.onStoreError(error);
        return { rule, resetSeconds, remaining: rule.limit, refused: false };
      }
    }),
  );
  const refused = results.find((r) => r.refused);
  const tightest = refused ?? results.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  const decision = {
    allowed: refused === undefined,
    limit: tightest.rule.limit,
    remaining: Math.max(0, tightest.remaining),
    resetSeconds: tightest.resetSeconds,
  };
  return refused ? { ...decision, refusedBy: refused.rule.id } : decision;
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), plus Retry-After on refusal. */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
  if (!decision.allowed) headers['retry-after'] = String(decision.resetSeconds);
  return headers;
}
