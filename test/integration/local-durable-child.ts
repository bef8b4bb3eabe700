/**
 * Helper process for the local-durable-*.test.ts files (not a test), so a test can end it the
 * way a crash does. MODE picks what it runs on DATA_DIR:
 * - `secret-key`, `gitignore`: prints `{"ready":true}`, waits for a line on stdin (the test first
 *   lowers the process's file-size limit to 0 with prlimit, so the first byte written to a file
 *   fails and the uncaught error ends the process mid-write), then makes the local secret key, or
 *   the data directory's .gitignore, as a first start does.
 * - `sqs`: the SQS emulator on DATA_DIR/sqs.json with the runtime's 2 s snapshot interval;
 *   prints `{"endpoint":…}` and runs until killed (SIGKILL).
 */
import { createInterface } from 'node:readline';
import { ignoreDataDir } from '../../lib/local/data-dir-ignore';
import { startSqs } from '../../lib/local/emulators/sqs-server';
import { localSecretKey } from '../../lib/local/secret-key';

const dataDir = process.env.DATA_DIR as string;
const mode = process.env.MODE;
if (mode === 'secret-key' || mode === 'gitignore') {
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.once('line', () => {
    if (mode === 'secret-key') localSecretKey(dataDir);
    else ignoreDataDir(dataDir);
    process.stdout.write(`${JSON.stringify({ done: true })}\n`);
    process.exit(0);
  });
} else {
  const sqs = await startSqs({
    file: `${dataDir}/sqs.json`,
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs: 2000,
    log: () => undefined,
  });
  process.stdout.write(`${JSON.stringify({ endpoint: sqs.endpoint })}\n`);
  setInterval(() => undefined, 60_000);
}
