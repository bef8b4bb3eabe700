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
 *
 * Reading one back never takes a damaged file (written by hand, copied badly) for a missing one:
 * {@link readJsonState} says which file, and each caller deals with it as suits the file (clock.json
 * is restored from its copy or the start refused; the seeded accounts' files are moved aside).
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

/**
 * `value` as indented JSON, written atomically twice: first to `<file>.copy`, then to `file`. A
 * `file` damaged later (a hand edit, a bad copy) is then restored from the copy, which holds what
 * `file` held, or (a kill between the two writes) what it was about to hold.
 */
export function writeJsonStateWithCopy(file: string, value: unknown, mode = 0o644): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  writeStateFile(copyOf(file), text, mode);
  writeStateFile(file, text, mode);
}

/** Where {@link writeJsonStateWithCopy} keeps the copy of `file`. */
export const copyOf = (file: string): string => `${file}.copy`;

/** A state file that exists but does not hold what it should (not JSON, or not the expected shape). */
export class DamagedStateFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} cannot be read: ${reason}`);
    this.name = 'DamagedStateFileError';
  }
}

/**
 * The parsed JSON in `file`; `undefined` only when there is no such file. A file that is not JSON
 * is never taken for a missing one: a {@link DamagedStateFileError} names it (the caller restores,
 * moves aside, or refuses, as suits that file).
 */
export function readJsonState<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DamagedStateFileError(file, (error as Error).message);
  }
}

/** Moves a damaged `file` aside to `<file>.damaged-<ms>` (kept for a repair by hand); returns that name. */
export function setAside(file: string): string {
  const aside = `${file}.damaged-${Date.now()}`;
  fs.renameSync(file, aside);
  return aside;
}

/**
 * {@link readJsonState} for a file its caller can make again: a damaged one is moved aside
 * ({@link setAside}), a line says so and what follows (`consequence`), and it reads as missing.
 */
export function readJsonStateOrSetAside<T>(
  file: string,
  log: (line: string) => void,
  consequence: string,
): T | undefined {
  try {
    return readJsonState<T>(file);
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    const aside = setAside(file);
    log(`[local] ${file} could not be read (${error.reason}): moved to ${aside}; ${consequence}`);
    return undefined;
  }
}
