/** The local DynamoDB's in-memory table descriptions (lib/local/emulators/table-cache.ts). */
import { describe, expect, it } from 'vitest';
import { cacheTableReads } from '../../../lib/local/emulators/table-cache';

type Cb = (error: Error | null, value?: unknown) => void;

/** A sub-database over a Map whose reads answer when `flush` is called. */
function fakeSubDb() {
  const data = new Map<string, unknown>();
  const pending: Array<() => void> = [];
  let reads = 0;
  const db = {
    get(key: string, cb: Cb) {
      reads += 1;
      const value = data.get(key);
      pending.push(() => (value === undefined ? cb(new Error('NotFoundError')) : cb(null, structuredClone(value))));
    },
    put(key: string, value: unknown, cb?: (e?: Error | null) => void) {
      data.set(key, structuredClone(value));
      queueMicrotask(() => cb?.(null));
    },
    del(key: string, cb?: (e?: Error | null) => void) {
      data.delete(key);
      queueMicrotask(() => cb?.(null));
    },
    batch(_ops: unknown[], cb?: (e?: Error | null) => void) {
      queueMicrotask(() => cb?.(null));
    },
  };
  const flush = () => {
    for (const answer of pending.splice(0)) answer();
  };
  return { db, data, flush, reads: () => reads };
}

const read = (db: { get(key: string, cb: Cb): void }, key: string, flush: () => void) =>
  new Promise<unknown>((resolve, reject) => {
    db.get(key, (error, value) => (error ? reject(error) : resolve(value)));
    flush();
  });

describe('cacheTableReads', () => {
  it('reads a description once, and gives each reader an object of its own', async () => {
    const { db, flush, reads } = fakeSubDb();
    const cached = cacheTableReads(db);
    await new Promise<void>((r) => cached.put('core', { TableStatus: 'ACTIVE', KeySchema: ['pk'] }, () => r()));
    const first = (await read(cached, 'core', flush)) as { KeySchema: string[] };
    first.KeySchema.push('changed by a reader');
    const second = await read(cached, 'core', flush);
    expect(second).toEqual({ TableStatus: 'ACTIVE', KeySchema: ['pk'] });
    expect(reads()).toBe(1);
  });

  it('forgets a description when it is written or deleted, and never remembers a missing table', async () => {
    const { db, flush, reads } = fakeSubDb();
    const cached = cacheTableReads(db);
    await expect(read(cached, 'core', flush)).rejects.toThrow('NotFoundError');
    await expect(read(cached, 'core', flush)).rejects.toThrow('NotFoundError');
    expect(reads()).toBe(2);
    await new Promise<void>((r) => cached.put('core', { TableStatus: 'CREATING' }, () => r()));
    expect(await read(cached, 'core', flush)).toEqual({ TableStatus: 'CREATING' });
    await new Promise<void>((r) => cached.put('core', { TableStatus: 'ACTIVE' }, () => r()));
    expect(await read(cached, 'core', flush)).toEqual({ TableStatus: 'ACTIVE' });
    await new Promise<void>((r) => cached.del('core', () => r()));
    await expect(read(cached, 'core', flush)).rejects.toThrow('NotFoundError');
  });

  it('does not remember a read that started before a write and ended after it', async () => {
    const { db, flush } = fakeSubDb();
    const cached = cacheTableReads(db);
    await new Promise<void>((r) => cached.put('core', { TableStatus: 'CREATING' }, () => r()));
    const stale = new Promise<unknown>((resolve) => cached.get('core', (_e, v) => resolve(v)));
    await new Promise<void>((r) => cached.put('core', { TableStatus: 'ACTIVE' }, () => r()));
    flush();
    expect(await stale).toEqual({ TableStatus: 'CREATING' });
    expect(await read(cached, 'core', flush)).toEqual({ TableStatus: 'ACTIVE' });
  });
});
