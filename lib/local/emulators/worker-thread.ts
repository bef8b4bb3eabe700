/**
 * Runs inside the emulator worker thread (see worker.ts): starts the emulators on this
 * thread's own event loop, reports their endpoints, relays log lines and stops on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type StartEmulatorsOptions, startEmulators } from './index';
import type { FromWorker, ToWorker } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('worker-thread.ts must run in a worker thread');
const send = (message: FromWorker) => port.postMessage(message);

const options = workerData as Omit<StartEmulatorsOptions, 'log'>;
try {
  const emulators = await startEmulators({ ...options, log: (line) => send({ type: 'log', line }) });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'configure') {
      emulators.configure(message.links).then(
        () => send({ type: 'configured' }),
        (error: Error) => send({ type: 'configured', error: error.message }),
      );
      return;
    }
    if (message.type !== 'stop') return;
    emulators.stop().then(
      () => send({ type: 'stopped' }),
      (error: Error) => send({ type: 'stopped', error: error.message }),
    );
  });
  send({
    type: 'started',
    dynamodb: emulators.dynamodb,
    sqs: emulators.sqs,
    ses: emulators.ses,
    resend: emulators.resend,
    smtp: emulators.smtp,
  });
} catch (error) {
  send({ type: 'failed', error: (error as Error).message });
}
