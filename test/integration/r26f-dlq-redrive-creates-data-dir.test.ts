// Review round 26 (f): `npm run dlq:redrive` on a data directory that does not exist creates one.
/**
 * Review round 26 (f): the README ("Operations") says `npm run dlq:redrive -- <queue>` with no
 * runtime running works on "the local data directory (`DATA_DIR`, default `.data/`): it starts that
 * directory's SQS emulator under its lock and stops it after". Pointed at a directory that does not
 * exist (a mistyped `DATA_DIR`, or `.data/` in a fresh clone), bin/dlq-redrive.ts:74-90 takes the
 * lock and starts the SQS emulator on `<dir>/sqs.json`, which creates the directory with a
 * `sqs.json` snapshot, a journal and nothing else, then fails with `QueueDoesNotExist`. The
 * directory has no `.gitignore` (the runtime and ops:import write one, lib/local/data-dir-ignore.ts;
 * the README: "each one holds a `.gitignore` of its own, wherever `DATA_DIR` points"), so a
 * mistyped `DATA_DIR=data-b` inside the clone leaves an untracked directory git offers to commit;
 * and an operations tool that should only read and move messages leaves a half data directory
 * behind. ops:export refuses the same case cleanly ("has no local DynamoDB data"), creating nothing.
 *
 * Severity LOW: an operator's typo leaves litter and a misleading "queue not found" instead of
 * "no data directory here"; nothing is lost. Fails at 1fcafc7.
 * Reached by: anyone running `npm run dlq:redrive -- <queue>` with no runtime on a `DATA_DIR`
 * that does not exist (the runbook's local step, docs/runbooks/dead-letter-queue.md).
 *
 * The test runs the script as the npm script does, on a directory that does not exist, and
 * expects a failure that names the missing directory and leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'r26f-dlq-'));
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('r26f: dlq:redrive on a data directory that does not exist', () => {
  it('refuses, naming the directory, and creates nothing', () => {
    const dataDir = path.join(parent, 'data-typo');
    const run = spawnSync(
      path.join(ROOT, 'node_modules/.bin/node'),
      ['--import', 'tsx', 'bin/dlq-redrive.ts', 'email-sends', '--dry-run'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, SQS_ENDPOINT: '' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(dataDir);
    expect(fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : 'not created').toBe('not created');
  }, 90_000);
});
