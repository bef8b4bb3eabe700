/**
 * Bounded concurrency for a list of independent calls: at most `limit` in flight, results
 * in the order of the input. The first rejection rejects the map; the other calls still run
 * to the end (a clean-up keeps going past one failed delete).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
