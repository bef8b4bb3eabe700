/**
 * Vitest global setup: one scratch directory per `vitest run`, made the temporary directory of
 * every worker (TMPDIR, read by os.tmpdir()), and removed when the run ends. Whatever a test
 * leaves behind there (a CDK App's `cdk.out*` when no outdir is given, an emulator's data
 * directory a failed test never cleaned) goes with it instead of piling up in /tmp run after run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'uh-vitest-'));
  process.env.TMPDIR = scratch;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(scratch, { recursive: true, force: true });
  };
}
