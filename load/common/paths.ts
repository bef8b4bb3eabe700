/** Where the load scripts live and write, wherever they are started from. */
import path from 'node:path';

export const LOAD_DIR = path.resolve(import.meta.dirname, '..');
export const REPO_DIR = path.join(LOAD_DIR, '..');
/** Results and their sidecars (git-ignored). */
export const RESULTS_DIR = path.join(LOAD_DIR, 'results');
export const ARTILLERY_BIN = path.join(REPO_DIR, 'node_modules', '.bin', 'artillery');
