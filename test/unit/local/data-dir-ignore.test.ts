import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ignoreDataDir } from '../../../lib/local/data-dir-ignore';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A throwaway git repository with the project's own .gitignore. */
function repoWithOurGitignore(): { dir: string; untracked: () => string[] } {
  const dir = tempDir('uh-gitignore-');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet');
  fs.copyFileSync(path.resolve(import.meta.dirname, '../../../.gitignore'), path.join(dir, '.gitignore'));
  const untracked = () =>
    git('status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.endsWith(' .gitignore'));
  return { dir, untracked };
}

const writeSecret = (dataDir: string) => {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'secret.key'), 'k');
};

describe('local data directories stay out of git', () => {
  it('ignores .data/ and the README’s side-by-side .data-b/ by the repository’s .gitignore', () => {
    const { dir, untracked } = repoWithOurGitignore();
    writeSecret(path.join(dir, '.data'));
    writeSecret(path.join(dir, '.data-b'));
    fs.writeFileSync(path.join(dir, 'kept.ts'), '');

    expect(untracked()).toEqual(['?? kept.ts']);
  });

  it('ignores any other DATA_DIR inside the clone: the directory ignores itself', () => {
    const { dir, untracked } = repoWithOurGitignore();
    const dataDir = path.join(dir, 'scratch', 'demo-data');
    ignoreDataDir(dataDir);
    writeSecret(dataDir);

    expect(untracked()).toEqual([]);
  });

  it('leaves a .gitignore the developer wrote alone', () => {
    const dataDir = tempDir('uh-data-');
    fs.writeFileSync(path.join(dataDir, '.gitignore'), 'mine\n');

    ignoreDataDir(dataDir);

    expect(fs.readFileSync(path.join(dataDir, '.gitignore'), 'utf8')).toBe('mine\n');
  });
});
