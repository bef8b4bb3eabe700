/**
 * dynalite 4.0.0 reads the table's description from LevelDB on every operation (`getTable` in
 * node_modules/dynalite/db/index.js): a GetItem, a PutItem or a Query each cost a second LevelDB
 * read for a description that changes only when a table is created, updated or deleted. A CPU
 * profile of the campaign benchmark put those reads at about half of the emulator thread's
 * LevelDB reads.
 *
 * This keeps each description in memory (as its JSON text, so every reader still gets an object of
 * its own to change) and forgets it on every write of that description. A read that started before
 * a write is not remembered when it ends (a generation per name). Installed once per thread before
 * dynalite creates its store.
 */
import { createRequire } from 'node:module';

type Callback = (error: Error | null, value?: unknown) => void;

interface SubDb {
  get(key: string, cb: Callback): void;
  put(key: string, value: unknown, cb?: (error?: Error | null) => void): void;
  del(key: string, cb?: (error?: Error | null) => void): void;
  batch(ops: unknown[], cb?: (error?: Error | null) => void): void;
}

interface DbModule {
  create: ((options: unknown) => { tableDb: SubDb }) & { cachedTables?: true };
}

/** dynalite's store module, the instance dynalite itself loads. */
function dynaliteDb(): DbModule {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  return fromDynalite('./db') as DbModule;
}

/** Wraps one table sub-database with the cache. */
export function cacheTableReads(tableDb: SubDb): SubDb {
  const texts = new Map<string, string>();
  const generations = new Map<string, number>();
  let epoch = 0;
  const generation = (key: string) => `${epoch}:${generations.get(key) ?? 0}`;
  const changed = (key?: string) => {
    if (key === undefined) {
      epoch += 1;
      texts.clear();
      return;
    }
    generations.set(key, (generations.get(key) ?? 0) + 1);
    texts.delete(key);
  };
  const { get, put, del, batch } = tableDb;
  tableDb.get = (key, cb) => {
    const text = texts.get(key);
    if (text !== undefined) {
      const value: unknown = JSON.parse(text);
      queueMicrotask(() => cb(null, value));
      return;
    }
    const started = generation(key);
    get.call(tableDb, key, (error, value) => {
      if (!error && value && typeof value === 'object' && generation(key) === started) {
        texts.set(key, JSON.stringify(value));
      }
      cb(error, value);
    });
  };
  tableDb.put = (key, value, cb) => {
    changed(key);
    put.call(tableDb, key, value, (error) => {
      changed(key);
      cb?.(error);
    });
  };
  tableDb.del = (key, cb) => {
    changed(key);
    del.call(tableDb, key, (error) => {
      changed(key);
      cb?.(error);
    });
  };
  tableDb.batch = (ops, cb) => {
    changed();
    batch.call(tableDb, ops, (error) => {
      changed();
      cb?.(error);
    });
  };
  return tableDb;
}

export function cacheDynaliteTables(): void {
  const db = dynaliteDb();
  if (db.create.cachedTables) return;
  const create = db.create;
  const cached = Object.assign(
    function (this: unknown, options: unknown) {
      const store = create.call(this, options);
      cacheTableReads(store.tableDb);
      return store;
    },
    { cachedTables: true as const },
  );
  db.create = cached;
}
