/**
 * The emulators on a worker thread of their own. In one thread, every DynamoDB call costs
 * the functions' event loop both sides of the exchange (the SDK client's work and dynalite's);
 * on their own thread the emulators use the machine's second core, and a busy emulator no
 * longer delays every request in flight. Same emulators, same endpoints and persistence as
 * `startEmulators` (which tests keep calling in-process); see docs/PERFORMANCE_BASELINES.md.
 * The data directory is locked on the calling thread, before the emulator thread starts. A thread
 * that dies after it started fails whatever waits on it (`configure`, `stop`) with the reason.
 */
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock';
import type { Emulators, StartEmulatorsOptions } from './index';
import type { FromWorker, ToWorker } from './worker-messages';

export async function startEmulatorsInWorker(opts: StartEmulatorsOptions): Promise<Emulators> {
  const log = opts.log ?? (() => {});
  const { log: _log, ...options } = opts;
  // The data directory's lock is taken here, on the main thread: what a process holds is known
  // per thread (data-dir-lock.ts), so a lock taken on an emulator thread would look stale to a
  // second start of this process and be taken over. The thread is told the lock is held.
  await mkdir(opts.dataDir, { recursive: true });
  const unlock = await lockDataDir(opts.dataDir);
  const workerData: StartEmulatorsOptions = { ...options, dataDirLocked: true };
  let worker: Worker;
  try {
    worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData });
  } catch (error) {
    await unlock();
    throw error;
  }
  const send = (message: ToWorker) => worker.postMessage(message);
  let onStopped: ((error?: string) => void) | undefined;
  // Configure requests are answered in order: the thread handles its messages one by one.
  const configured: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  /** Why the thread died after it started; then every request fails with it at once. */
  let died: Error | undefined;
  let lastError: Error | undefined;
  worker.on('error', (error) => {
    lastError = error;
    log(`emulator thread failed: ${error.stack ?? error.message}`);
  });

  const started = await new Promise<Extract<FromWorker, { type: 'started' }>>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'log') log(message.line);
      else if (message.type === 'started') resolve(message);
      else if (message.type === 'failed') reject(new Error(message.error));
      else if (message.type === 'stopped') onStopped?.(message.error);
      else if (message.type === 'configured') {
        const waiter = configured.shift();
        if (message.error === undefined) waiter?.resolve();
        else waiter?.reject(new Error(message.error));
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The emulator thread exited (code ${code}) before it started`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    await unlock();
    throw error;
  });

  const snapshots = process.env.LOCAL_HEAP_SNAPSHOT_DIR;
  if (snapshots) onSnapshotSignal(snapshots, worker, log);

  let stopping: Promise<void> | undefined;
  worker.on('exit', (code) => {
    if (stopping && !onStopped) return; // terminated by stop()
    died = new Error(
      `The emulator thread exited unexpectedly (code ${code})${lastError ? `: ${lastError.message}` : ''}; stop the runtime and start it again`,
    );
    log(`emulator thread exited unexpectedly (code ${code}): the local runtime cannot work without it`);
    for (const waiter of configured.splice(0)) waiter.reject(died);
    onStopped?.(died.message);
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
      new Promise<void>((resolve, reject) => {
        if (died) return reject(died);
        configured.push({ resolve, reject });
        send({ type: 'configure', links });
      }),
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        const settle = (error?: string) => {
          onStopped = undefined;
          worker
            .terminate()
            .finally(unlock)
            .finally(() => (error === undefined ? resolve() : reject(new Error(error))));
        };
        if (died) return settle(died.message);
        onStopped = settle;
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
