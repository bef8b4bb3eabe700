// Review round 21: this test failed at 0391036.
// `ops:export --endpoint` read the tables from the runtime at the endpoint but secret.key, the clock
// and the demo password from `--data-dir`, else DATA_DIR, else .data, never checking that this was
// the directory that runtime serves: another directory's secret.key was paired with its tables, and
// the backup could not open its secrets. It must refuse, naming both directories.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type DynamoDbEmulator, startDynamoDb } from '../../lib/local/emulators/dynamodb-server';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { ensureTables } from '../../lib/local/emulators/tables';
import { LOCAL_TABLE_PREFIX } from '../../lib/ops/local-backup';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'bin/ops-backup.ts', ...args], {
    timeout: 30_000,
    env: { ...process.env, DATA_DIR: undefined, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'r21f3-export-'));
/** A data directory with its own secret key and (empty) DynamoDB directory. */
const dataDir = (name: string, keyByte: number) => {
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, 'dynamodb'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'secret.key'), Buffer.alloc(32, keyByte).toString('base64'), { mode: 0o600 });
  return dir;
};
const served = dataDir('served', 1);
const other = dataDir('other', 2);
let emulator: DynamoDbEmulator;

beforeAll(async () => {
  emulator = await startDynamoDb({ path: path.join(served, 'dynamodb'), host: '127.0.0.1', port: 0, log: () => {} });
  const client = new DynamoDBClient(localClientConfig(emulator.endpoint));
  await ensureTables(client, tables, LOCAL_TABLE_PREFIX, () => {});
  client.destroy();
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('ops:export --endpoint takes its files from the directory that runtime serves', () => {
  it('refuses --data-dir naming another directory, naming both, and writes no backup', async () => {
    const out = path.join(work, 'mismatch.jsonl');
    const result = await cli(['export', '--out', out, '--endpoint', emulator.endpoint, '--data-dir', other]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(served);
    expect(result.stderr).toContain(other);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses DATA_DIR naming another directory the same way', async () => {
    const out = path.join(work, 'mismatch-env.jsonl');
    const result = await cli(['export', '--out', out, '--endpoint', emulator.endpoint], { DATA_DIR: other });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(served);
    expect(result.stderr).toContain(other);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('exports when the directory is the one served (also through a symlink to it)', async () => {
    const out = path.join(work, 'ok.jsonl');
    const result = await cli(['export', '--out', out, '--endpoint', emulator.endpoint, '--data-dir', served]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('files: secret.key');

    const link = path.join(work, 'link');
    fs.symlinkSync(served, link);
    const viaLink = await cli(['export', '--out', path.join(work, 'ok-link.jsonl'), '--endpoint', emulator.endpoint], {
      DATA_DIR: link,
    });
    expect(viaLink.code, viaLink.stderr).toBe(0);
  });

  it('refuses an endpoint that does not say which directory it serves', async () => {
    const out = path.join(work, 'unknown.jsonl');
    // The SDK's path only: a plain HTTP server with no local identity route.
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await cli([
        'export',
        '--out',
        out,
        '--endpoint',
        `http://127.0.0.1:${port}`,
        '--data-dir',
        served,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/data directory/i);
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      server.close();
    }
  });
});
