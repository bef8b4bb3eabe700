/**
 * The local SQS emulator alone (lib/local/emulators/sqs-server.ts), for one integration test file:
 * started once in `beforeAll` in a data dir of its own, stopped in `afterAll` with the clients made
 * from it destroyed and the dir removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';

export interface SqsHarness {
  readonly emulator: SqsEmulator;
  readonly dataDir: string;
  /** A client of the emulator (`wrap` it, e.g. in `withSqsSafeBodies`); destroyed by `stop`. */
  client(config?: Partial<SQSClientConfig>): SQSClient;
  stop(): Promise<void>;
}

export async function startSqsEmulator(prefix: string): Promise<SqsHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const emulator = await startSqs({
    file: join(dataDir, 'sqs.json'),
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs: 60_000,
    log: () => undefined,
  });
  const clients: SQSClient[] = [];
  return {
    emulator,
    dataDir,
    client(config = {}) {
      const client = new SQSClient({ ...localClientConfig(emulator.endpoint), ...config });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      await emulator.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The bodies of up to 10 messages visible in the queue at `url`, received at once (no wait). */
export async function bodiesIn(sqs: SQSClient, url: string): Promise<Array<string | undefined>> {
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return received.Messages?.map((m) => m.Body) ?? [];
}
