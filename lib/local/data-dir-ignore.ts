/**
 * A data directory holds the local secret key and the demo account's password. Wherever
 * DATA_DIR points, also inside a clone under a name the repository's .gitignore does not
 * list, the directory tells git to leave it out: a `.gitignore` of `*` (as Python's venv and
 * pytest's cache do). One the developer wrote is left as it is.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DATA_DIR_GITIGNORE = '# Written by the local runtime: nothing in its data directory belongs in git.\n*\n';

export function ignoreDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(path.join(dataDir, '.gitignore'), DATA_DIR_GITIGNORE, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
