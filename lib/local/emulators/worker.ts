/**
 * The emulators on a worker thread of their own. In one thread, every DynamoDB call costs
 * the functions' event loop both sides of the exchange (the SDK client's work and dynalite's);
 * on their own thread the emulators use the machine's second core, and a busy emulator no
 * longer delays every request in flight. Same emulators, same endpoints and persistence as
 * `startEmulators` (which tests keep calling in-process); see docs/PERFORMANCE_BASELINES.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Emulators, StartEmulatorsOptions } from './index';
import type { FromWorker, ToWorker } from './worker-messages';

export async function startEmulatorsInWorker(opts: StartEmulatorsOptions): Promise<Emulators> {
  const log = opts.log ?? (() => {});
  const { log: _log, ...workerData } = opts;
  const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData });
  const send = (message: ToWorker) => worker.postMessage(message);
  let onStopped: ((message: Extract<FromWorker, { type: 'stopped' }>) => void) | undefined;
  // Configure requests are answered in order: the thread handles its messages one by one.
  const configured: Array<() => void> = [];

  const started = await new Promise<Extract<FromWorker, { type: 'started' }>>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'log') log(message.line);
      else if (message.type === 'started') resolve(message);
      else if (message.type === 'failed') reject(new Error(message.error));
      else if (message.type === 'stopped') onStopped?.(message);
      else if (message.type === 'configured') configured.shift()?.();
    });
    worker.once('error', (error) => {
      log(`emulator thread failed: ${error.stack ?? error.message}`);
      reject(error);
    });
    worker.once('exit', (code) => reject(new Error(`The emulator thread exited (code ${code}) before it started`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  const snapshots = process.env.LOCAL_HEAP_SNAPSHOT_DIR;
  if (snapshots) onSnapshotSignal(snapshots, worker, log);

  let stopping: Promise<void> | undefined;
  worker.on('exit', (code) => {
    if (!stopping) log(`emulator thread exited unexpectedly (code ${code})`);
  });
  return {
    dynamodb: started.dynamodb,
    sqs: started.sqs,
    ses: started.ses,
    resend: started.resend,
    smtp: started.smtp,
    heap: async () => {
      const heap = await worker.getHeapStatistics();
      return { used: heap.used_heap_size, reserved: heap.total_heap_size };
    },
    configure: (links) =>
      new Promise<void>((resolve) => {
        configured.push(resolve);
        send({ type: 'configure', links });
      }),
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        onStopped = (message) => {
          worker.terminate().finally(() => (message.error ? reject(new Error(message.error)) : resolve()));
        };
        send({ type: 'stop' });
      });
      return stopping;
    },
  };
}

/**
 * A diagnostic (docs/PERFORMANCE_BASELINES.md, memory): with LOCAL_HEAP_SNAPSHOT_DIR set,
 * `kill -USR2 <pid>` writes a heap snapshot of each thread (the functions' main thread and
 * the emulators' thread) into that directory; `npm run bench:memory` (bin/bench-memory.ts) sums them.
 */
function onSnapshotSignal(dir: string, worker: Worker, log: (line: string) => void): void {
  process.on('SIGUSR2', () => {
    fs.mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replaceAll(':', '-');
    const main = v8.writeHeapSnapshot(path.join(dir, `main-${stamp}.heapsnapshot`));
    const emulators = path.join(dir, `emulators-${stamp}.heapsnapshot`);
    worker
      .getHeapSnapshot()
      .then((stream) => pipeline(stream, fs.createWriteStream(emulators)))
      .then(
        () => log(`heap snapshots written: ${main}, ${emulators}`),
        (error: unknown) => log(`heap snapshot of the emulator thread failed: ${String(error)}`),
      );
  });
}
