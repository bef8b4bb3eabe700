/**
 * SQS emulator: local-aws-sqs (JSON and Query protocols) on our own HTTP server, its queues and
 * messages snapshotted to `<dataDir>/sqs.json` (see sqs-state.ts for how), and every change
 * journaled before it is answered (sqs-journal.ts), so a killed runtime loses no message.
 */
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import { createRequestHandler } from 'local-aws-sqs';
import { readJsonFile, startSnapshotter } from './json-file';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import { closeServer, endpointUrl, listen, urlHost } from './net';
import { returnOnFirstMessage, watchQueues, withMessageBodyRules, withSystemAttributeNames } from './sqs-compat';
import { openJournal, replayJournals } from './sqs-journal';
import { type SqsSnapshot, SqsStateTracker } from './sqs-state';

export interface SqsEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** Restores the snapshot at `file` (if any) and serves on `host:port`. */
export async function startSqs(opts: {
  file: string;
  host: string;
  port: number;
  snapshotIntervalMs: number;
  log: (msg: string) => void;
  /** Restored delays are multiplied by it (at most 1): see StartEmulatorsOptions.sqsDelayFactor. */
  delayFactor?: number;
}): Promise<SqsEmulator> {
  const dir = dirname(opts.file);
  const onDisk = await readJsonFile<SqsSnapshot & { journalFrom?: number }>(opts.file);
  // The snapshot plus every journal written after it: nothing a caller saw accepted is lost.
  const replay = replayJournals(dir, onDisk);
  const saved = onDisk || replay.replayed > 0 ? replay.snapshot : undefined;
  const { service, requestHandler } = createRequestHandler({
    port: opts.port,
    // Only used to build queue URLs (we listen ourselves), so it must be the URL form.
    hostname: urlHost(opts.host),
    region: LOCAL_REGION,
    // local-aws-sqs's own default is 123456789012; every other local ARN uses LOCAL_ACCOUNT.
    accountId: LOCAL_ACCOUNT,
    // Saved queues come back in file order, so a source may precede its DLQ; checked again below.
    validateDlqDestination: false,
    // Real SQS blocks re-creating a deleted name for 60 s; locally that only gets in the way.
    emulateQueueCreationLifecycle: false,
    queues: (saved?.queues ?? []).map(({ QueueName, Attributes, tags }) => ({ QueueName, Attributes, tags })),
  });
  service.validateDlqDestination = true;
  /** The MaximumMessageSize of the queue a URL names (its last path segment, as the package reads it). */
  const maxMessageBytesOf = (queueUrl: unknown): number | undefined => {
    if (typeof queueUrl !== 'string') return undefined;
    const name = queueUrl.split('/').filter(Boolean).pop();
    const size = service.Queues.find((q) => q.QueueName === name)?.MaximumMessageSize;
    return size === undefined ? undefined : Number(size);
  };
  const tracker = new SqsStateTracker(service);
  watchQueues(service, (queue) => {
    tracker.track(queue);
    returnOnFirstMessage(queue);
  });
  if (saved) {
    const restored = tracker.restore(saved, Date.now(), opts.delayFactor);
    const journaled = replay.replayed > 0 ? ` (${replay.replayed} journal entries replayed)` : '';
    opts.log(`sqs: restored ${saved.queues.length} queue(s), ${restored} message(s) from ${opts.file}${journaled}`);
  }
  const journal = openJournal(dir, replay.nextGeneration);
  tracker.changes = journal;
  let coveredFrom = replay.nextGeneration;

  // SQS's rules the package lacks: MessageSystemAttributeNames, the characters a body may hold, and
  // a message's size in bytes (the package counts characters).
  const server = createServer(withSystemAttributeNames(withMessageBodyRules(requestHandler, maxMessageBytesOf)));
  const port = await listen(server, opts.port, opts.host);
  // Queue URLs embed the port; with port 0 it is only known now.
  service.PORT = port;
  const snapshots = startSnapshotter(
    opts.file,
    () => {
      // Rotated in the same tick as the state is read: the new journal holds only later changes.
      coveredFrom = journal.rotate();
      return JSON.stringify({ ...tracker.snapshot(), journalFrom: coveredFrom });
    },
    opts.snapshotIntervalMs,
    opts.log,
    () => journal.prune(coveredFrom),
  );
  // A baseline at once: the replayed journals are then covered by a snapshot and can go.
  await snapshots.flush();

  return {
    endpoint: endpointUrl(opts.host, port),
    async stop() {
      await closeServer(server);
      await snapshots.stop();
      journal.close();
    },
  };
}
