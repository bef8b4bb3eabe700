/**
 * A data directory holds the local secret key and the demo account's password. Wherever
 * DATA_DIR points, also inside a clone under a name the repository's .gitignore does not
 * list, the directory tells git to leave it out: a `.gitignore` of `*` (as Python's venv and
 * pytest's cache do). It is created whole or not at all (state-file.ts); an empty one (what a
 * start killed mid-write left before that) is written again; one the developer wrote is left as
 * it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createStateFile, writeStateFile } from './state-file';

export const DATA_DIR_GITIGNORE = '# Written by the local runtime: nothing in its data directory belongs in git.\n*\n';

export function ignoreDataDir(dataDir: string): void {
  const file = path.join(dataDir, '.gitignore');
  const size = (): number | undefined => fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size() === undefined && createStateFile(file, DATA_DIR_GITIGNORE)) return;
  if (size() === 0) writeStateFile(file, DATA_DIR_GITIGNORE);
}

/**
 * Why `dataDir` is not a local runtime's data directory holding `entry` (`dynamodb`: `label`
 * "local DynamoDB data"; `sqs.json`), or undefined when it is. Operations tools that read a data directory (ops:export,
 * dlq:redrive) ask this before they lock it or start an emulator on it: an emulator creates the
 * files it would keep there, so pointed at a mistyped DATA_DIR it would leave a half data
 * directory (without the `.gitignore` the runtime writes) and then fail with a misleading "queue
 * not found" instead of naming the directory.
 */
export function notARuntimeDataDir(dataDir: string, entry: string, label: string): string | undefined {
  const stat = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (!stat) return `${dataDir} does not exist: set DATA_DIR (or --data-dir) to the local runtime's data directory`;
  if (!stat.isDirectory()) return `${dataDir} is not a directory`;
  if (!fs.existsSync(path.join(dataDir, entry))) return `${dataDir} has no ${label} (${entry})`;
  return undefined;
}
