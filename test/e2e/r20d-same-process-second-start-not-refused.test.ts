/**
 * Review round 20 (r20d): a second runtime started on a DATA_DIR already in use by a runtime of the
 * same process (emulators on their worker thread, startRuntime's default and what `npm start` uses)
 * is not refused: it takes the data directory over from the live runtime and then hangs for good.
 *
 * Defect: lib/local/emulators/data-dir-lock.ts tells "this process holds the lock" from "a dead
 * process with the same pid left it" by a module-level `held` set. The emulators take the lock on
 * their own worker thread, and every worker loads its own copy of the module, so a second worker of
 * the same process finds the lock naming its own pid, not in *its* `held`, and takes it over as
 * stale. The second emulator set then opens the live runtime's files: it replays and rewrites
 * `sqs.json` and prunes the SQS journal the live runtime is appending to (`sqs.journal.1.jsonl`
 * deleted under it: a kill before its next snapshot loses what it accepted meanwhile); its dynalite
 * cannot open the LevelDB the first one holds, the emulator thread dies ("Database is closed",
 * "emulator thread exited unexpectedly") and `startRuntime` never settles (still pending after
 * 50 s in a probe). With `emulators: 'in-process'` the same attempt is refused at once with "The
 * data directory ... is in use by this process (stop() the running emulators first)".
 *
 * Severity: LOW (needs two runtimes in one process: programmatic use, tooling, tests; `npm start`
 * runs one per process and is refused clearly by the pid check).
 *
 * Root cause: lib/local/emulators/data-dir-lock.ts lockDataDir/refuseIfLive (`held` is per thread:
 * a lock naming this pid but taken on another thread is judged stale), and
 * lib/local/emulators/worker.ts startEmulatorsInWorker (an emulator thread that dies after
 * 'started' is only logged; the start waiting on its endpoints hangs).
 *
 * Correct behaviour: the second start is refused promptly with the "in use" error and touches
 * nothing in the directory (e.g. take the lock on the main thread before the worker starts, or
 * write a per-holder token into the lock and keep the tokens held process-wide).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../lib/local/runtime';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-twice-'));
let first: Runtime | undefined;

afterAll(async () => {
  await first?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const options = {
  port: 0,
  dataDir,
  seed: false,
  pollWaitSeconds: 1,
  emulators: 'worker' as const,
  log: (line: string) => console.log(line),
};

describe('two runtimes of one process on one data directory (r20d)', () => {
  it('refuses the second start promptly instead of taking the directory over', async () => {
    first = await startRuntime(options);
    const second = startRuntime(options).then(
      async (runtime) => {
        await runtime.stop();
        return 'started' as const;
      },
      (error: Error) => error.message,
    );
    const outcome = await Promise.race([
      second,
      new Promise<string>((resolve) => setTimeout(() => resolve('still starting after 20 s'), 20_000)),
    ]);
    expect(outcome).toMatch(/in use/);
  }, 60_000);
});
