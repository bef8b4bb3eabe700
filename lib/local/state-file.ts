/**
 * The one writer of the local runtime's state files under DATA_DIR (secret.key, clock.json,
 * demo-account.json, load-account.json, their pending sign-ups, the data directory's .gitignore,
 * the compacted journals and logs, the emulators' snapshots): written whole or not at all. The
 * text goes to a sibling temporary file, reaches the disk (fsync), and is renamed over the target
 * (or linked to it, when it must only be created), so a kill at any moment leaves either the
 * previous file (or none) or the new one, never a torn one.
 *
 * A temporary file's name is new for every write (pid and random bytes) and is created
 * exclusively ('wx'): one a killed writer left behind (after {@link createStateFile} linked it,
 * still a second name of the live file) is never opened again, so it cannot be truncated in place.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';

const temporaryOf = (file: string) => `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

/** Writes `text` to `file`'s temporary sibling and flushes it to the disk; returns its name. */
function writeTemporary(file: string, text: string, mode: number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = temporaryOf(file);
  const fd = fs.openSync(temporary, 'wx', mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return temporary;
}

/** Replaces `file` with `text` atomically (temporary sibling, fsync, rename). */
export function writeStateFile(file: string, text: string, mode = 0o644): void {
  fs.renameSync(writeTemporary(file, text, mode), file);
}

/**
 * Creates `file` with `text`, whole, only if no file has that name: the temporary sibling is
 * linked to the name (which fails when it exists) rather than renamed over it, so of two
 * processes creating it at once one wins and the other reads the winner's file.
 * @returns whether this call created it.
 */
export function createStateFile(file: string, text: string, mode = 0o644): boolean {
  const temporary = writeTemporary(file, text, mode);
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** {@link writeStateFile} without blocking the thread (the emulators' snapshots, megabytes at times). */
export async function writeStateFileAsync(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = temporaryOf(file);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/** `value` as indented JSON, written atomically. */
export function writeJsonState(file: string, value: unknown, mode = 0o644): void {
  writeStateFile(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/** The parsed JSON in `file`; `undefined` when it does not exist or is not JSON. */
export function readJsonState<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
