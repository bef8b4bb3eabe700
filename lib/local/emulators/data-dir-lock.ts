/**
 * One emulator set per data directory. LevelDB allows a single opener, and a second one makes
 * dynalite throw "Database is not open" from inside its request handler (crashing the process
 * on the first call); two writers would also overwrite each other's SQS/SES snapshots. A pid
 * lock file turns that into a clear error at start. A lock left by a dead process is taken over
 * (an empty one too: what a start killed mid-write left before the lock was written whole).
 *
 * The takeover never removes the lock by name after checking it: between the check and the
 * removal another starter may have taken the stale lock over and created its own, which would be
 * deleted (and both starters would hold the directory). Instead the lock is renamed to a name of
 * this call's own (atomic: of two takers only one moves a given file) and the file actually moved
 * is judged again; a live lock moved by mistake is linked back, and the start is refused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createStateFile } from '../state-file';

/**
 * Lock files this process holds: tells its own lock from one left by a dead process that had the
 * same pid. Per thread (each worker thread loads its own copy of this module), so the lock is
 * taken on the main thread: startEmulatorsInWorker takes it before the emulator thread starts, or
 * a second start of this process would judge the first one's lock stale and take it over.
 */
const held = new Set<string>();

/** Takes `<dataDir>/emulators.lock`; resolves with its release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = resolve(join(dataDir, 'emulators.lock'));
  for (let attempt = 0; attempt < 3; attempt++) {
    // The pid appears with the name (linked whole): a lock is never seen empty while its owner lives.
    if (createStateFile(path, String(process.pid))) {
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released (or taken over) meanwhile: try to create it again
    refuseIfLive(text, path, dataDir);
    // Stale by its text: take over whatever file has the name now, and judge that file.
    const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
    try {
      fs.renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = fs.readFileSync(aside, 'utf8');
    try {
      refuseIfLive(moved, path, dataDir);
    } catch (refusal) {
      // Another starter's fresh lock: back under its name (linked: never over a newer one).
      putBack(aside, path);
      throw refusal;
    }
    fs.rmSync(aside, { force: true });
  }
  throw new Error(`Cannot lock the data directory ${dataDir}`);
}

/** Throws the "in use" error when the lock text `text` names a live holder. */
function refuseIfLive(text: string, path: string, dataDir: string): void {
  const owner = Number(text.trim());
  if (owner === process.pid && held.has(path)) {
    throw new Error(`The data directory ${dataDir} is in use by this process (stop() the running emulators first)`);
  }
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `The data directory ${dataDir} is in use by process ${owner} (delete ${path} if that is not a local runtime)`,
    );
  }
}

/**
 * Returns a live lock moved aside to its name. Should a third starter have created a lock in the
 * instant it was away (the name free), that one stays, and the moved one is kept aside for
 * inspection: the error names both.
 */
function putBack(aside: string, path: string): void {
  try {
    fs.linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`Two runtimes raced for ${path}; a live lock was kept at ${aside}: stop them and start one`);
    }
    throw error;
  }
  fs.rmSync(aside, { force: true });
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
