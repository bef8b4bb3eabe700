/**
 * dynalite 4.0.0 reads every Query and Scan through a stream over an abstract-level 3 iterator,
 * and when the stream ends or is destroyed it calls `iterator.return()` to let the iterator go
 * (node_modules/dynalite/db/index.js, `createValueStream`/`createKeyStream`). abstract-level 3's
 * iterators have no `return`; they are released by `close()`, and one that reached its end is
 * not closed by itself. So every Query and Scan left its LevelDB iterator open: the database
 * keeps each open iterator (with the items its stream had buffered) until the database closes,
 * and LevelDB's native iterator pins the memtables and table files it was reading. Under the load
 * profiles that was ~50 open iterators a second and the emulator thread's memory grew without
 * bound (docs/PERFORMANCE_BASELINES.md, memory).
 *
 * The fix gives abstract-level's iterators the `return` dynalite calls: it closes the iterator.
 * Installed once per thread before dynalite opens its database; a no-op where `return` exists.
 */
import { createRequire } from 'node:module';

interface IteratorPrototype {
  close(): Promise<void>;
  return?: () => Promise<{ done: true; value: undefined }>;
}

/** abstract-level as dynalite loads it (the copy in dynalite's own dependency tree). */
function abstractLevel(): { AbstractIterator: { prototype: object } } {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  return fromLevel('abstract-level');
}

/** The prototype all abstract-level iterators (entries, keys, values) share. */
export function levelIteratorPrototype(): IteratorPrototype {
  return Object.getPrototypeOf(abstractLevel().AbstractIterator.prototype) as IteratorPrototype;
}

export function closeLevelIteratorsOnReturn(): void {
  const prototype = levelIteratorPrototype();
  if (typeof prototype.return === 'function') return;
  Object.defineProperty(prototype, 'return', {
    configurable: true,
    writable: true,
    value: async function (this: IteratorPrototype) {
      await this.close();
      return { done: true as const, value: undefined };
    },
  });
}
