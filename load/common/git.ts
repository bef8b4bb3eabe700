import { execFileSync } from 'node:child_process';
import { REPO_DIR } from './paths';

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/**
 * The commit the working tree is at (short), `<commit> (with uncommitted changes)` when tracked
 * files differ from it; undefined outside a git checkout. Read before a run: the code that runs
 * is the code at its start.
 */
export function gitCommit(): string | undefined {
  try {
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no').trim();
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return undefined;
  }
}

/**
 * Run outputs, not code: the summaries that runs write (docs/load/, docs/bench/). A run made
 * right after another, before its summary is committed, runs the same code.
 */
const RUN_OUTPUTS = [':(exclude)docs/load', ':(exclude)docs/bench'];

/**
 * The commit (short) and whether tracked files other than run outputs differ from it;
 * undefined outside a git checkout.
 */
export function gitState(): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', '.', ...RUN_OUTPUTS).trim();
    return { commit, dirty: changed !== '' };
  } catch {
    return undefined;
  }
}
