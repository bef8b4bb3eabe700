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
