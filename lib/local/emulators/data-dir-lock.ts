/**
 * One emulator set per data directory. LevelDB allows a single opener, and a second one makes
 * dynalite throw "Database is not open" from inside its request handler (crashing the process
 * on the first call); two writers would also overwrite each other's SQS/SES snapshots. A pid
 * lock file turns that into a clear error at start. A lock left by a dead process is taken over
 * (an empty one too: what a start killed mid-write left before the lock was written whole).
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createStateFile } from '../state-file';

/** Lock files this process holds: tells its own lock from one left by a dead process that had the same pid. */
const held = new Set<string>();

/** Takes `<dataDir>/emulators.lock`; resolves with its release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = resolve(join(dataDir, 'emulators.lock'));
  for (let attempt = 0; attempt < 2; attempt++) {
    // The pid appears with the name (linked whole): a lock is never seen empty while its owner lives.
    if (createStateFile(path, String(process.pid))) {
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (owner === process.pid && held.has(path)) {
      throw new Error(`The data directory ${dataDir} is in use by this process (stop() the running emulators first)`);
    }
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `The data directory ${dataDir} is in use by process ${owner} (delete ${path} if that is not a local runtime)`,
      );
    }
    await rm(path, { force: true });
  }
  throw new Error(`Cannot lock the data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
