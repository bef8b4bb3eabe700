/**
 * `npm run ops:restore -- --table <name> --to <ISO time|latest> [--target NAME] [--stage dev|prod]
 *   [--sample N] [--skip-count] [--check-only] [--endpoint URL] [--timeout-minutes M]`:
 * restores a DynamoDB table from point-in-time recovery into a NEW table
 * (`<table>-restored-<UTC timestamp>` unless --target), waits until it is ACTIVE, then checks the
 * copy against the source (lib/ops/table-restore.ts) and says what to do next
 * (docs/runbooks/restore.md).
 *
 * - `--table`: the physical name (`unite-hub-prod-core`), or with `--stage` the declared one (`core`).
 * - `--check-only --target NAME`: no restore; compares an existing copy with the source (a restore
 *   that outlived the wait, or a copy made by hand). Works against the local emulator too.
 * - `--endpoint URL`: a DynamoDB endpoint other than AWS's (the local runtime's, dummy credentials).
 *   dynalite has no point-in-time recovery, so there only `--check-only` does anything useful.
 *
 * AWS credentials and region come from the environment (AWS_PROFILE, AWS_REGION), as for the CLI.
 * Exit codes: 0 restored and checked, 1 check failed, 2 usage, 3 table not found, 4 PITR off,
 * 5 time outside the restorable window, 6 restore did not finish (RESTORE_EXIT).
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SERVICE_NAME } from '../lib/definition';
import { localClientConfig } from '../lib/local/emulators/local-aws';
import {
  checkRestoreTime,
  compareTables,
  defaultTargetName,
  formatComparison,
  parseRestoreTime,
  RESTORE_EXIT,
  RestoreError,
  restorableWindow,
  startRestore,
  waitUntilRestored,
} from '../lib/ops/table-restore';

const usage =
  'Usage: npm run ops:restore -- --table <table> --to <ISO time|latest> [--target NAME] [--stage dev|prod] ' +
  '[--sample N] [--skip-count] [--check-only] [--endpoint URL] [--timeout-minutes M]  (docs/runbooks/restore.md)';

let values: ReturnType<typeof parse>['values'];
try {
  values = parse().values;
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}

if (!values.table) fail(`--table is required\n${usage}`);
if (values.stage && !['dev', 'prod'].includes(values.stage)) fail('--stage must be dev or prod');
if (values['check-only'] && !values.target) fail('--check-only needs --target (the restored table to check)');
const sample = Number(values.sample ?? 20);
if (!Number.isInteger(sample) || sample < 0) fail('--sample must be a whole number >= 0');
const timeoutMinutes = Number(values['timeout-minutes'] ?? 240);
if (!(timeoutMinutes > 0)) fail('--timeout-minutes must be a positive number');
// Physical names as lib/cdk/physical-names.ts makes them (not imported: it pulls in the CDK).
const source = values.stage ? `${SERVICE_NAME}-${values.stage}-${values.table}` : values.table;
let time: 'latest' | Date | undefined;
if (!values['check-only']) {
  try {
    time = parseRestoreTime(values.to);
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`);
  }
}
const target = values.target ?? defaultTargetName(source);
if (target === source) fail('--target must differ from the source: a restore always makes a new table');

const client = values.endpoint ? new DynamoDBClient(localClientConfig(values.endpoint)) : new DynamoDBClient({});
const where = values.endpoint ?? `region ${await client.config.region()}`;
let code: number = RESTORE_EXIT.ok;
try {
  if (time !== undefined) {
    const window = await restorableWindow(client, source);
    console.log(
      `${source} at ${where}: point-in-time recovery ENABLED, restorable ${window.earliest.toISOString()} .. ${window.latest.toISOString()}`,
    );
    checkRestoreTime(time, window);
    await startRestore(client, { source, target, time });
    console.log(
      `Restoring ${source} as of ${time === 'latest' ? `the latest restorable time (~${window.latest.toISOString()})` : time.toISOString()} ` +
        `into ${target}. Minutes for a small table, up to hours for a large one; Ctrl-C stops waiting, not the restore ` +
        `(check later: --check-only --target ${target}).`,
    );
    let last = '';
    let lastMinute = 0;
    await waitUntilRestored(client, target, {
      pollMs: values.endpoint ? 500 : 15_000,
      timeoutMs: timeoutMinutes * 60_000,
      // A line when the status changes, and one a minute while it does not.
      onProgress: (status, elapsedMs) => {
        const minute = Math.floor(elapsedMs / 60_000);
        if (status === last && minute === lastMinute) return;
        console.log(`  ${target}: ${status} (${Math.round(elapsedMs / 1000)} s)`);
        last = status;
        lastMinute = minute;
      },
    });
  } else {
    console.log(`Checking ${target} against ${source} at ${where} (no restore: --check-only)`);
  }

  const comparison = await compareTables(client, source, target, { sample, count: !values['skip-count'] });
  console.log(`\n${target} compared with ${source}:`);
  for (const line of formatComparison(comparison)) console.log(`  ${line}`);
  if (!comparison.ok) code = RESTORE_EXIT.checkFailed;
  console.log(`
Next (docs/runbooks/restore.md): nothing uses ${target} yet, and the app cannot be pointed at it
(table names are fixed per stage, lib/cdk/physical-names.ts). Either
  - copy back what was lost: read it from ${target}, put it into ${source} (a workspace, some records), or
  - replace ${source} wholesale: stop writes, back up both, delete ${source} and restore a backup of
    ${target} under the name ${source}; then set TTL, PITR, deletion protection and tags again.
A restored table has no TTL, streams, PITR, tags, alarms or auto scaling of its own. When done:
  aws dynamodb delete-table --table-name ${target}`);
} catch (error) {
  if (error instanceof RestoreError) {
    console.error(error.message);
    code = error.exitCode;
  } else {
    console.error(`${(error as Error).name}: ${(error as Error).message}`);
    code = RESTORE_EXIT.checkFailed;
  }
} finally {
  client.destroy();
}
process.exit(code);

function parse() {
  return parseArgs({
    allowPositionals: false,
    options: {
      table: { type: 'string' },
      to: { type: 'string' },
      target: { type: 'string' },
      stage: { type: 'string' },
      sample: { type: 'string' },
      'skip-count': { type: 'boolean', default: false },
      'check-only': { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      'timeout-minutes': { type: 'string' },
    },
  });
}

function fail(message: string): never {
  console.error(message);
  process.exit(RESTORE_EXIT.usage);
}
