/**
 * Counts a request against its rules and decides, at one counter write per client identity.
 *
 * The request's rules are grouped by the identity they key on (`user:<userId>` for a rule keyed
 * by client when the request carries a verified API key, else `ip:<address>`) and by bucket: rules
 * whose window divides 60 s share the identity's 60-second bucket, a rule with any other
 * window (the email tier's hour) has a bucket of its own window length. A bucket is one item
 * holding one counter per (rule, window), and each group is one atomic conditional update of
 * its item, so concurrent function instances agree without coordination. An `/api` request
 * without an API key is one write (the email tier adds its hourly item); a key adds the key's.
 *
 * Semantics:
 * - Within a group a request is admitted only when every rule has room, and is then counted
 *   by all of them at once; a refused request is counted by none of the group's rules, so a
 *   client that backs off gets through as soon as the refusing window turns.
 * - Groups are independent: when the key's group refuses and the address's admits, the
 *   request is refused but stays counted against the address (and the other way round).
 * - When several rules refuse, the decision names the one whose window resets last: retrying
 *   any earlier would be refused again.
 * - The store failing lets the request through (logged): an outage of the counters must not
 *   take the API down with it.
 */
import type { RateRule } from './rules';

/** The bucket every rule whose window divides it shares. */
export const SHARED_BUCKET_SECONDS = 60;
/** How long a counter item outlives its bucket before TTL may delete it. */
const EXPIRY_GRACE_SECONDS = 60;

/** One rule's counter inside a group's item. */
export interface GroupCounter {
  /** Attribute name: `<ruleId>.<start of the rule's current window within the bucket, in s>`. */
  readonly name: string;
  readonly limit: number;
  /** The rule's previous window in the same item, removed by the write (keeps the item small). */
  readonly previous?: string;
}

/** What one request writes for one (identity, bucket): one item, one conditional update. */
export interface CounterGroup {
  /** The item: `RL#<who>#<bucketSeconds>#<bucketStart>`. */
  readonly key: string;
  /** Epoch seconds after which TTL may delete the item (the bucket's end + 60 s). */
  readonly expiresAt: number;
  readonly counters: readonly GroupCounter[];
}

export interface GroupCount {
  /** Every counter had room, and all were incremented; otherwise none was. */
  readonly admitted: boolean;
  /** Counter name to count: after the increment when admitted, as found when refused. Absent = 0. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface CounterStore {
  /**
   * Increments the counter `key` unless it has reached `limit`; returns the count after the
   * increment, or `undefined` when the limit was already reached. Items expire after `expiresAt` (epoch s).
   */
  incrementBelow(key: string, limit: number, expiresAt: number): Promise<number | undefined>;
  /** Counts one request in a group's item when every counter is below its limit (atomically), else in none. */
  countRequest(group: CounterGroup): Promise<GroupCount>;
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
  /** The user of a verified API key (never of an unverified one): their per-client budget. */
  readonly userId?: string;
}

/** A group to write, with the rules it counts and when each rule's window resets. */
export interface PlannedGroup {
  readonly group: CounterGroup;
  readonly members: readonly { readonly rule: RateRule; readonly counter: string; readonly resetSeconds: number }[];
}

/** Groups a request's rules into one counter write per (identity, bucket), in the rules' order. */
export function planCounterGroups(rules: readonly RateRule[], client: ClientIdentity, nowMs: number): PlannedGroup[] {
  const nowSeconds = nowMs / 1000;
  const groups = new Map<
    string,
    { group: CounterGroup & { counters: GroupCounter[] }; members: PlannedGroup['members'][number][] }
  >();
  for (const rule of rules) {
    const window = rule.windowSeconds;
    const bucketSeconds = SHARED_BUCKET_SECONDS % window === 0 ? SHARED_BUCKET_SECONDS : window;
    const bucketStart = Math.floor(nowSeconds / bucketSeconds) * bucketSeconds;
    const windowStart = Math.floor(nowSeconds / window) * window;
    const offset = windowStart - bucketStart;
    const who = rule.keyBy === 'client' && client.userId ? `user:${client.userId}` : `ip:${client.address}`;
    const key = `RL#${who}#${bucketSeconds}#${bucketStart}`;
    let planned = groups.get(key);
    if (!planned) {
      planned = {
        group: { key, expiresAt: bucketStart + bucketSeconds + EXPIRY_GRACE_SECONDS, counters: [] },
        members: [],
      };
      groups.set(key, planned);
    }
    const counter = `${rule.id}.${offset}`;
    planned.group.counters.push({
      name: counter,
      limit: rule.limit,
      ...(offset >= window ? { previous: `${rule.id}.${offset - window}` } : {}),
    });
    planned.members.push({ rule, counter, resetSeconds: Math.max(1, Math.ceil(windowStart + window - nowSeconds)) });
  }
  return [...groups.values()];
}

interface RuleOutcome {
  readonly rule: RateRule;
  /** The rule's counter in its group's item. */
  readonly counter: string;
  readonly resetSeconds: number;
  readonly remaining: number;
  readonly refused: boolean;
}

/**
 * What this function instance already knows to be refused: a counter found at its limit stays
 * at it until its window ends (counts only grow within a window), so until then the same
 * window refuses again without a write. A client that keeps hammering then costs no counter
 * writes at all, only its refusal count (abuse alerts). Bounded: expired entries are dropped,
 * and past `maxEntries` the memory is cleared (it only saves writes, it decides nothing alone).
 */
export class RefusalMemory {
  private readonly refusedUntil = new Map<string, number>();
  constructor(private readonly maxEntries = 10_000) {}

  /** The counter of `group` known to be at its limit at `nowMs`, if any. */
  refused(group: CounterGroup, nowMs: number): string | undefined {
    for (const counter of group.counters) {
      const until = this.refusedUntil.get(`${group.key}|${counter.name}`);
      if (until === undefined) continue;
      if (until > nowMs) return counter.name;
      this.refusedUntil.delete(`${group.key}|${counter.name}`);
    }
    return undefined;
  }

  remember(group: CounterGroup, counter: string, untilMs: number): void {
    if (this.refusedUntil.size >= this.maxEntries) this.refusedUntil.clear();
    this.refusedUntil.set(`${group.key}|${counter}`, untilMs);
  }

  get size(): number {
    return this.refusedUntil.size;
  }
}

export async function checkRateLimits(
  rules: readonly RateRule[],
  client: ClientIdentity,
  deps: {
    store: CounterStore;
    nowMs: number;
    onStoreError: (error: unknown) => void;
    /** Refusals this instance already saw (saves the writes of a client that keeps hammering). */
    refusals?: RefusalMemory;
  },
): Promise<RateDecision | undefined> {
  if (rules.length === 0) return undefined;
  const outcomes = (
    await Promise.all(
      planCounterGroups(rules, client, deps.nowMs).map(async ({ group, members }): Promise<RuleOutcome[]> => {
        const known = deps.refusals?.refused(group, deps.nowMs);
        if (known !== undefined) {
          const limit = group.counters.find((c) => c.name === known)?.limit ?? 0;
          return outcomesOf(members, { admitted: false, counts: { [known]: limit } });
        }
        try {
          const outcomes = outcomesOf(members, await deps.store.countRequest(group));
          for (const o of outcomes) {
            if (o.refused) deps.refusals?.remember(group, o.counter, deps.nowMs + o.resetSeconds * 1000);
          }
          return outcomes;
        } catch (error) {
          deps.onStoreError(error);
          // Let through, every rule shown with its full room.
          return outcomesOf(members, { admitted: true, counts: {} });
        }
      }),
    )
  ).flat();
  const refused = outcomes
    .filter((o) => o.refused)
    .reduce<RuleOutcome | undefined>((a, b) => (a === undefined || b.resetSeconds > a.resetSeconds ? b : a), undefined);
  const shown = refused ?? outcomes.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  const decision = {
    allowed: refused === undefined,
    limit: shown.rule.limit,
    remaining: Math.max(0, shown.remaining),
    resetSeconds: shown.resetSeconds,
  };
  return refused ? { ...decision, refusedBy: refused.rule.id } : decision;
}

function outcomesOf(members: PlannedGroup['members'], result: GroupCount): RuleOutcome[] {
  const outcomes = members.map(({ rule, counter, resetSeconds }) => {
    const count = result.counts[counter] ?? 0;
    return {
      rule,
      counter,
      resetSeconds,
      remaining: rule.limit - count,
      refused: !result.admitted && count >= rule.limit,
    };
  });
  if (result.admitted || outcomes.some((o) => o.refused)) return outcomes;
  // Refused, yet no counter read back at its limit: the read raced another instance (e.g. one
  // whose clock had already turned the window). Blame the rule with the least room left.
  const tightest = outcomes.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return outcomes.map((o) => (o === tightest ? { ...o, remaining: 0, refused: true } : o));
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
