/**
 * Remembers the answer of an async lookup per key for `ttlMs` in this container (a Lambda
 * instance, the local runtime), at most `maxKeys` keys (the oldest goes first). For values a
 * short staleness cannot hurt, read on every message otherwise (a workspace's sender profile). A
 * failed lookup is not remembered, nor an answer `keep` refuses.
 */
export function ttlMemo<T>(
  lookup: (key: string) => Promise<T>,
  options: {
    ttlMs: number;
    maxKeys?: number;
    now?: () => number;
    /** Whether to remember this answer (default: all); one a person is about to fix should not be. */
    keep?: (value: T) => boolean;
  },
): (key: string) => Promise<T> {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 1000;
  const entries = new Map<string, { until: number; value: Promise<T> }>();
  return (key) => {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.value;
    entries.delete(key);
    const value = lookup(key);
    entries.set(key, { until: now() + options.ttlMs, value });
    const forget = () => {
      if (entries.get(key)?.value === value) entries.delete(key);
    };
    value.then((v) => {
      if (options.keep && !options.keep(v)) forget();
    }, forget);
    while (entries.size > maxKeys) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
    return value;
  };
}
