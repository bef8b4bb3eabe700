/**
 * The bundles' stand-in for `mnemonist/lru-cache`, which the SDK's DynamoDB client reaches only
 * through its endpoint-discovery cache (`@aws-sdk/endpoint-cache`, used when endpoint discovery is
 * on, which this service never turns on): mnemonist and its iterator helpers are ~7 KB of every
 * DynamoDB function's cold start, this is a Map in insertion order. The CDK bundling aliases the
 * module here (lib/cdk/house-function.ts); tests and the local runtime keep mnemonist. The
 * members EndpointCache calls (`get`, `set`, `has`, `peek`, `clear`) behave as mnemonist's:
 * `get` and `set` make a key the most recent, `peek` and `has` do not, a `set` past the capacity
 * evicts the least recent (test/unit/aws/lru-cache.test.ts checks them against mnemonist).
 */
export default class LRUCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0) || !Number.isFinite(capacity)) throw new Error('LRUCache: capacity should be positive number.');
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }

  set(key: K, value: V): this {
    if (this.#entries.has(key)) this.#entries.delete(key);
    else if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, value);
    return this;
  }

  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }
}
