/** Paths the stacks resolve declarations against, independent of the process's cwd. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in lib/cdk/). */
const rootUrl = new URL('../../', import.meta.url);
export const repoRoot = fileURLToPath(rootUrl);

/** A path declared relative to the repository root (`functions/system.ts`). */
export const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, rootUrl));

/** The package version, published to functions as APP_VERSION and shown in health checks. */
export const appVersion = (): string =>
  (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;
