/**
 * The local runtime's backup and restore (lib/ops/local-backup.ts, docs/runbooks/restore.md):
 *
 *   npm run ops:export -- --out .data-backups/backup.jsonl [--endpoint URL] [--data-dir DIR]
 *   npm run ops:import -- --in .data-backups/backup.jsonl --data-dir .data-restored
 *
 * Export reads the tables through the DynamoDB API:
 * - `--endpoint URL`: a running runtime's DynamoDB (the `DynamoDB` line `npm start` prints); the
 *   files (secret.key, ...) come from its data directory (`--data-dir`, else DATA_DIR, else .data),
 *   which must be the one that runtime serves: another is refused, naming both
 *   (checkEndpointServesDataDir).
 * - neither: the data directory with no runtime running: its DynamoDB emulator is opened on it
 *   (under the directory's lock) and closed after. An exact copy, as nothing writes meanwhile.
 * Import loads a backup into a new (absent or empty) data directory; start a runtime on it with
 * `DATA_DIR=<dir> npm start` (another PORT if the first one still runs).
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { notARuntimeDataDir } from '../lib/local/data-dir-ignore';
import { localClientConfig } from '../lib/local/emulators/local-aws';
import { emulatorBasePort, PORT_OFFSETS } from '../lib/local/ports';
import { BackupError, checkEndpointServesDataDir, exportBackup, importBackup, LEFT_OUT } from '../lib/ops/local-backup';

const usage = `Usage:
  npm run ops:export -- --out <file.jsonl> [--endpoint URL] [--data-dir DIR]
  npm run ops:import -- --in <file.jsonl> --data-dir <new dir>`;

const [command, ...rest] = process.argv.slice(2);
let values: ReturnType<typeof parse>['values'];
try {
  values = parse(rest).values;
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}

let code = 0;
try {
  if (command === 'export') await runExport();
  else if (command === 'import') await runImport();
  else fail(usage);
} catch (error) {
  console.error(error instanceof BackupError ? error.message : ((error as Error).stack ?? String(error)));
  code = 1;
}
process.exit(code);

async function runExport(): Promise<void> {
  if (!values.out) fail(`--out is required\n${usage}`);
  if (values.in) fail('--in is for ops:import');
  const out = path.resolve(values.out);
  if (fs.existsSync(out)) fail(`${out} exists: choose another --out (a backup is never overwritten)`);
  const dataDir = path.resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.data');
  let client: DynamoDBClient;
  let close: () => Promise<void>;
  let where: string;
  if (values.endpoint) {
    await checkEndpointServesDataDir(values.endpoint, dataDir);
    client = new DynamoDBClient(localClientConfig(values.endpoint));
    close = async () => client.destroy();
    where = `${values.endpoint} (running), files from ${dataDir}`;
  } else {
    const { lockDataDir } = await import('../lib/local/emulators/data-dir-lock');
    const { startDynamoDb } = await import('../lib/local/emulators/dynamodb-server');
    const refused = notARuntimeDataDir(dataDir, 'dynamodb', 'local DynamoDB data');
    if (refused) fail(refused);
    let unlock: () => Promise<void>;
    try {
      unlock = await lockDataDir(dataDir);
    } catch (error) {
      let hint = '';
      try {
        const port = Number(process.env.PORT ?? 3008);
        const base = emulatorBasePort(process.env.EMULATOR_BASE_PORT, port);
        if (base) hint = ` (with PORT=${port}: --endpoint http://127.0.0.1:${base + PORT_OFFSETS.dynamodb})`;
      } catch {
        // no hint
      }
      fail(
        `${(error as Error).message}.\nA runtime is running on it: pass --endpoint with the DynamoDB line its banner printed${hint}.`,
      );
    }
    const emulator = await startDynamoDb({
      path: path.join(dataDir, 'dynamodb'),
      host: '127.0.0.1',
      port: 0,
      log: () => {},
    }).catch(async (error) => {
      await unlock();
      throw error;
    });
    client = new DynamoDBClient(localClientConfig(emulator.endpoint));
    close = async () => {
      client.destroy();
      await emulator.stop();
      await unlock();
    };
    where = `${dataDir} (no runtime running)`;
  }
  try {
    const summary = await exportBackup({ client, dataDir, out });
    console.log(`Exported ${where} to ${out} (mode 0600: it holds the local secret key)`);
    for (const [table, count] of Object.entries(summary.items)) console.log(`  table ${table}: ${count} item(s)`);
    console.log(`  files: ${summary.files.join(', ')}`);
    console.log(`  not included: ${LEFT_OUT.join('; ')}`);
    const inRepo = path.relative(process.cwd(), out);
    if (
      !inRepo.startsWith('..') &&
      !path.isAbsolute(inRepo) &&
      !inRepo.split(path.sep).some((s) => s.startsWith('.data'))
    ) {
      console.log('  Keep it out of git: it holds the secret key (under .data-backups/, which .gitignore covers).');
    }
    if (values.endpoint) {
      console.log(
        '  (read from a running runtime: writes made during the export may be missing; stop it for an exact copy)',
      );
    }
  } finally {
    await close();
  }
}

async function runImport(): Promise<void> {
  if (!values.in) fail(`--in is required\n${usage}`);
  if (!values['data-dir']) fail(`--data-dir is required: the new data directory to load it into\n${usage}`);
  if (values.out || values.endpoint) fail('--out and --endpoint are for ops:export');
  const dataDir = path.resolve(values['data-dir']);
  const parsed = await importBackup({ file: path.resolve(values.in), dataDir });
  console.log(`Imported ${values.in} (exported ${parsed.createdAt}) into ${dataDir}`);
  for (const [table, count] of Object.entries(parsed.items)) console.log(`  table ${table}: ${count} item(s)`);
  console.log(`  files: ${parsed.files.join(', ')}`);
  const relative = path.relative(process.cwd(), dataDir);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dataDir;
  console.log(`Start a runtime on it: DATA_DIR=${shown} PORT=3010 npm start (another PORT while the original runs)`);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: false,
    options: {
      out: { type: 'string' },
      in: { type: 'string' },
      endpoint: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
