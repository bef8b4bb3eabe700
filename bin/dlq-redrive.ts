/**
 * `npm run dlq:redrive -- <queue> [--max N] [--dry-run] [--endpoint URL | --stage dev|prod]`:
 * moves the dead letters of a declared queue back to it, and prints the counts.
 *
 * Where the queues are:
 * - `--endpoint URL` (or SQS_ENDPOINT): a running local runtime's SQS (the `SQS` line `npm start`
 *   prints). Receive, send, delete.
 * - neither: the local data directory (DATA_DIR, default .data/) with no runtime running: its SQS
 *   emulator is started on the directory's snapshot (under the directory's lock) and stopped after.
 * - `--stage dev|prod`: the deployed stack's queues by their physical names
 *   (`unite-hub-<stage>-<queue>` and `-dlq`), AWS credentials and region from the environment.
 *   SQS's StartMessageMoveTask moves them, unless `--max` asks for a count (receive, send, delete).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SERVICE_NAME } from '../lib/definition';
import { localClientConfig, localResourceName } from '../lib/local/emulators/local-aws';
import {
  declaredQueue,
  depth,
  isUnsupported,
  moveByMessages,
  moveByTask,
  resolvePair,
  UnknownQueueError,
} from '../lib/ops/dlq-redrive';

const usage =
  'Usage: npm run dlq:redrive -- <queue> [--max N] [--dry-run] [--endpoint URL | --stage dev|prod] (queues: see lib/definition)';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    max: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    endpoint: { type: 'string' },
    stage: { type: 'string' },
  },
});

const name = positionals[0];
if (!name || positionals.length > 1) fail(usage);
try {
  declaredQueue(name);
} catch (error) {
  if (error instanceof UnknownQueueError) fail(error.message);
  throw error;
}
const max = values.max === undefined ? undefined : Number(values.max);
if (max !== undefined && !(Number.isInteger(max) && max > 0)) fail('--max must be a positive integer');
const endpoint = values.endpoint ?? process.env.SQS_ENDPOINT;
if (values.stage && endpoint) fail('--stage (the cloud) and --endpoint (a local SQS) exclude each other');
if (values.stage && !['dev', 'prod'].includes(values.stage)) fail('--stage must be dev or prod');

let stopLocal: (() => Promise<void>) | undefined;
let sqs: SQSClient;
let names: { queue: string; dlq: string };
let where: string;
if (values.stage) {
  // Physical names as lib/cdk/physical-names.ts makes them (not imported: it pulls in the CDK).
  const base = `${SERVICE_NAME}-${values.stage}-${name}`;
  names = { queue: base, dlq: `${base}-dlq` };
  sqs = new SQSClient({});
  where = `stage ${values.stage} (${await sqs.config.region()})`;
} else {
  const local = `${SERVICE_NAME}-local-`;
  names = { queue: localResourceName(local, name), dlq: localResourceName(local, `${name}-dlq`) };
  if (endpoint) {
    where = endpoint;
  } else {
    const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
    // Read a data directory, never make one: an emulator started on a mistyped DATA_DIR would create it.
    const { notARuntimeDataDir } = await import('../lib/local/data-dir-ignore');
    const refused = notARuntimeDataDir(dataDir, 'sqs.json', 'local SQS queues');
    if (refused) fail(`${refused}.\nStart the runtime on it once (DATA_DIR=<dir> npm start), or pass --endpoint.`);
    const { lockDataDir } = await import('../lib/local/emulators/data-dir-lock');
    const { startSqs } = await import('../lib/local/emulators/sqs-server');
    let unlock: () => Promise<void>;
    try {
      unlock = await lockDataDir(dataDir);
    } catch (error) {
      fail(
        `${(error as Error).message}.\nA runtime is running on it: pass --endpoint with the SQS line its banner printed.`,
      );
    }
    const emulator = await startSqs({
      file: path.join(dataDir, 'sqs.json'),
      host: '127.0.0.1',
      port: 0,
      snapshotIntervalMs: 60_000,
      log: () => {},
    }).catch(async (error) => {
      await unlock();
      throw error;
    });
    stopLocal = async () => {
      await emulator.stop();
      await unlock();
    };
    where = `${dataDir} (no runtime running)`;
    process.env.SQS_ENDPOINT = emulator.endpoint;
  }
  sqs = new SQSClient(localClientConfig(process.env.SQS_ENDPOINT ?? endpoint ?? ''));
}

let code = 0;
try {
  const pair = await resolvePair(sqs, names.queue, names.dlq).catch((error: Error) => {
    throw new Error(`${names.queue} / ${names.dlq} not found at ${where}: ${error.name} ${error.message}`);
  });
  const before = await depth(sqs, pair.dlqUrl);
  console.log(
    `${names.dlq} at ${where}: ${before.visible} message(s) visible, ${before.inFlight} in flight, ${before.delayed} delayed`,
  );
  if (values['dry-run']) {
    console.log(
      `Dry run: would move ${max === undefined ? before.visible : Math.min(max, before.visible)} to ${names.queue}.`,
    );
  } else if (values.stage && max === undefined) {
    try {
      const task = await moveByTask(sqs, pair, {
        onProgress: (moved, status) => console.log(`  move task ${status}: ${moved} moved`),
      });
      console.log(`Move task ${task.taskHandle} ${task.status}: ${task.moved} message(s) moved to ${names.queue}.`);
      if (task.status === 'FAILED') code = 1;
    } catch (error) {
      if (!isUnsupported(error)) throw error;
      console.log('StartMessageMoveTask is not available here; moving by receive, send, delete.');
      code = report(await moveByMessages(sqs, pair, { waitSeconds: 1 }));
    }
  } else {
    code = report(
      await moveByMessages(sqs, pair, { ...(max ? { max } : {}), ...(values.stage ? { waitSeconds: 1 } : {}) }),
    );
  }
  const after = await depth(sqs, pair.dlqUrl);
  const queue = await depth(sqs, pair.queueUrl);
  console.log(
    `Now: ${names.dlq} ${after.visible} visible; ${names.queue} ${queue.visible} visible, ${queue.inFlight} in flight.`,
  );
} catch (error) {
  console.error((error as Error).message);
  code = 1;
} finally {
  sqs.destroy();
  await stopLocal?.();
}
process.exit(code);

function report(result: { moved: number; failed: number }): number {
  console.log(
    `Moved ${result.moved} message(s) to ${names.queue}${result.failed ? `; ${result.failed} failed (left in the DLQ)` : ''}.`,
  );
  return result.failed ? 1 : 0;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
