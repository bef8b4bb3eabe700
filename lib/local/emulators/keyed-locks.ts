/**
 * Locks by name: a task holds every name it asks for, and tasks that share no name run at once.
 * Names are taken in sorted order, so two tasks that each want names the other holds cannot wait
 * on each other (no deadlock); waiters of one name are served in arrival order.
 */
export class KeyedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` holding every name in `names`; its failure releases them as its success does. */
  async run<T>(names: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const name of [...new Set(names)].sort()) {
        const previous = this.tails.get(name) ?? Promise.resolve();
        let release: () => void = () => undefined;
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        const tail = previous.then(() => held);
        this.tails.set(name, tail);
        releases.push(() => {
          release();
          // The last waiter of a name leaves nothing behind.
          if (this.tails.get(name) === tail) this.tails.delete(name);
        });
        await previous;
      }
      return await task();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Names held or waited for (for tests: none once every task is done). */
  get size(): number {
    return this.tails.size;
  }
}
