// Review round 26 (f), the class: operations tools that would change a data directory they were meant to read.
/**
 * dlq:redrive started the SQS emulator on a DATA_DIR that did not exist and so created it
 * (test/integration/r26f-dlq-redrive-creates-data-dir.test.ts). Both tools that read a data
 * directory with no runtime running (dlq:redrive, ops:export) now ask the one guard,
 * `notARuntimeDataDir` (lib/local/data-dir-ignore.ts), before they lock it or start an emulator:
 * this checks the guard's answers and that ops:export refuses a missing directory by name and
 * creates nothing (ops:import is the one tool meant to make a data directory, and writes its
 * .gitignore).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notARuntimeDataDir } from '../../lib/local/data-dir-ignore';

const ROOT = path.resolve(import.meta.dirname, '../..');
const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'r26f-guard-'));
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('r26f-fix: the operations tools read a data directory, never make one', () => {
  it('the guard names a missing directory, a file, and a directory without the data asked for', () => {
    const missing = path.join(parent, 'missing');
    expect(notARuntimeDataDir(missing, 'sqs.json', 'local SQS queues')).toContain(`${missing} does not exist`);
    const file = path.join(parent, 'a-file');
    fs.writeFileSync(file, '');
    expect(notARuntimeDataDir(file, 'sqs.json', 'local SQS queues')).toContain('is not a directory');
    const empty = path.join(parent, 'empty');
    fs.mkdirSync(empty);
    expect(notARuntimeDataDir(empty, 'dynamodb', 'local DynamoDB data')).toBe(
      `${empty} has no local DynamoDB data (dynamodb)`,
    );
    fs.mkdirSync(path.join(empty, 'dynamodb'));
    expect(notARuntimeDataDir(empty, 'dynamodb', 'local DynamoDB data')).toBeUndefined();
  });

  it('ops:export on a directory that does not exist refuses, naming it, and creates nothing', () => {
    const dataDir = path.join(parent, 'data-typo');
    const out = path.join(parent, 'backup.json');
    const run = spawnSync(
      path.join(ROOT, 'node_modules/.bin/node'),
      ['--import', 'tsx', 'bin/ops-backup.ts', 'export', '--out', out],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(dataDir);
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
  }, 90_000);
});
