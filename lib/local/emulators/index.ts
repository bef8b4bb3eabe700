/**
 * Embedded AWS emulators for the local runtime (`npm start`): DynamoDB, SQS and SES (and the
 * email stand-ins for the other providers: Resend's HTTP API, an SMTP sink), all
 * in-process on loopback, spoken to with the real AWS SDK v3 clients (only the endpoint differs).
 *
 * What survives, under `dataDir`:
 * - DynamoDB (`dynamodb/`, dynalite's LevelDB): tables and items. Every acknowledged write is in
 *   LevelDB's log file (written, not fsync'd), so it survives a clean stop AND a crash or
 *   `kill -9` of the process; only an OS crash or power loss can lose the last writes.
 * - SQS (`sqs.json`): queues (attributes, redrive policy, tags) and their messages (body,
 *   attributes, receive count, remaining delay and retention). Written every 2 s when changed
 *   and on `stop()`; every send, receive and delete is also journaled before it is answered
 *   (sqs-journal.ts), so after a clean stop or a crash everything comes back, in-flight messages
 *   visible again (or redriven to the DLQ if they had reached maxReceiveCount).
 * - SES (`ses-outbox.json`): the sent-mail outbox and email templates, same cadence; each accepted
 *   email (and send, for its events) is journaled before the answer (ses-server.ts,
 *   ses-send-journal.ts), so a crash loses none.
 * - Resend stand-in (`resend-outbox.json`): what it took, same cadence; each email taken is
 *   journaled with its webhooks before the answer (resend-journal.ts), so a crash loses none, nor
 *   its idempotency key, and the webhooks a stop or crash found undelivered go at the next start.
 * - SMTP sink (`smtp-outbox.json`): what it took, same cadence, no journal (a crash can lose what
 *   it took in the last ~2 s).
 * Not persisted: TransactWriteItems ClientRequestToken memory, FIFO deduplication state,
 * SQS message-move tasks and pending purges. `emulators.lock` (a pid file) keeps a second
 * process off the same `dataDir` (and a second start in this process: on a worker thread the
 * lock is taken on the main thread); one left behind by a crash is taken over at the next start.
 *
 * DynamoDB transactions (dynalite has none) are emulated by a proxy in front of dynalite; they
 * are atomic only against other transactions, not against concurrent single-item writes
 * (see dynamodb-transact.ts). TTL is emulated by `startTtlSweeper`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock';
import { startDynamoDb } from './dynamodb-server';
import { startResend } from './resend-server';
import { startSes } from './ses-server';
import { startSmtpSink } from './smtp-sink';
import { startSqs } from './sqs-server';

export { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig, localResourceName } from './local-aws';
export { ensureQueues, type LocalQueue } from './queues';
export { ensureTables } from './tables';
export { startTtlSweeper, sweepExpiredItems } from './ttl-sweeper';
export { startEmulatorsInWorker } from './worker';

export interface Emulators {
  /** `http://127.0.0.1:<port>` of the DynamoDB endpoint (the transaction proxy). */
  dynamodb: { endpoint: string };
  sqs: { endpoint: string };
  /** `outboxUrl` is a page listing sent mail (self-contained, works offline). */
  ses: { endpoint: string; outboxUrl: string };
  /** The Resend stand-in: `endpoint` is RESEND_BASE_URL, `apiKey` the dummy key it accepts, `webhookSecret` what its webhooks are signed with. */
  resend: { endpoint: string; apiKey: string; outboxUrl: string; webhookSecret: string };
  /** The SMTP sink: `url` is SMTP_URL (with its credentials), `outboxUrl` its HTTP outbox. */
  smtp: { url: string; outboxUrl: string };
  /** The emulator thread's V8 heap in use and reserved, in bytes, when they run on a worker thread. */
  heap?: () => Promise<{ used: number; reserved: number }>;
  /** Points the emulators at what starts after them (the event bus, the API's webhook route). */
  configure(links: EmulatorLinks): Promise<void>;
  /** Writes the SQS/SES snapshots, closes LevelDB and all servers. Safe to call twice. */
  stop(): Promise<void>;
}

/** Where the emulators send what they produce; each field left out is left as it was. */
export interface EmulatorLinks {
  /** The local EventBridge endpoint: the SES emulator publishes its sends' events there. */
  eventBusEndpoint?: string;
  /** Where the Resend stand-in POSTs its signed webhooks, and the secret it signs with. */
  resendWebhook?: { url: string; secret: string };
}

export interface StartEmulatorsOptions {
  /** Directory for everything persisted (created if missing). */
  dataDir: string;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Fixed ports (see ../ports.ts); 0 or absent = any free port. */
  ports?: { dynamodb?: number; sqs?: number; ses?: number; resend?: number; smtp?: number; smtpOutbox?: number };
  log?: (msg: string) => void;
  /**
   * The caller holds the data directory's lock already (startEmulatorsInWorker takes it on the
   * main thread before the emulator thread starts): not taken again here.
   */
  dataDirLocked?: boolean;
  /**
   * What the delays of restored SQS messages are multiplied by (at most 1; 1 by default): the
   * runtime's campaign clock runs faster than the last run's (TIME_SCALE), so a delay that run set
   * for a campaign step comes when campaign time reaches its due time, not later (sqs-state.ts).
   */
  sqsDelayFactor?: number;
}

/** How often the in-memory emulators (SQS, SES) write their snapshot when it changed. */
const SNAPSHOT_INTERVAL_MS = 2000;

/**
 * Starts the three emulators in parallel, restoring their state from `dataDir`. Fails fast if
 * another live process (or this one, without stop()) already runs emulators on `dataDir`.
 */
export async function startEmulators(opts: StartEmulatorsOptions): Promise<Emulators> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  await mkdir(opts.dataDir, { recursive: true });
  const unlock = opts.dataDirLocked ? async () => undefined : await lockDataDir(opts.dataDir);
  const common = { host, log, snapshotIntervalMs: SNAPSHOT_INTERVAL_MS };
  const started = await Promise.allSettled([
    startDynamoDb({ ...common, path: join(opts.dataDir, 'dynamodb'), port: opts.ports?.dynamodb ?? 0 }),
    startSqs({
      ...common,
      file: join(opts.dataDir, 'sqs.json'),
      port: opts.ports?.sqs ?? 0,
      ...(opts.sqsDelayFactor !== undefined ? { delayFactor: opts.sqsDelayFactor } : {}),
    }),
    startSes({ ...common, file: join(opts.dataDir, 'ses-outbox.json'), port: opts.ports?.ses ?? 0 }),
    startResend({ ...common, file: join(opts.dataDir, 'resend-outbox.json'), port: opts.ports?.resend ?? 0 }),
    startSmtpSink({
      ...common,
      file: join(opts.dataDir, 'smtp-outbox.json'),
      port: opts.ports?.smtp ?? 0,
      httpPort: opts.ports?.smtpOutbox ?? 0,
    }),
  ] as const);
  const [dynamodb, sqs, ses, resend, smtp] = started;
  if (
    dynamodb.status !== 'fulfilled' ||
    sqs.status !== 'fulfilled' ||
    ses.status !== 'fulfilled' ||
    resend.status !== 'fulfilled' ||
    smtp.status !== 'fulfilled'
  ) {
    await stopAll(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])))
      .catch(() => undefined)
      .finally(unlock);
    const failures = started.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    throw new AggregateError(failures, `Local emulators failed to start: ${failures.map((e) => e.message).join('; ')}`);
  }

  let stopping: Promise<void> | undefined;
  return {
    dynamodb: { endpoint: dynamodb.value.endpoint },
    sqs: { endpoint: sqs.value.endpoint },
    ses: { endpoint: ses.value.endpoint, outboxUrl: ses.value.outboxUrl },
    resend: {
      endpoint: resend.value.endpoint,
      apiKey: resend.value.apiKey,
      outboxUrl: resend.value.outboxUrl,
      webhookSecret: resend.value.webhookSecret,
    },
    smtp: { url: smtp.value.url, outboxUrl: smtp.value.outboxUrl },
    async configure(links) {
      // Resolves once Send events a killed runtime may have lost are on the bus again (ses-send-journal.ts).
      if (links.eventBusEndpoint !== undefined) await ses.value.events.configure(links.eventBusEndpoint);
      if (links.resendWebhook !== undefined) resend.value.webhooks.configure(links.resendWebhook);
    },
    stop() {
      stopping ??= stopAll([dynamodb.value, sqs.value, ses.value, resend.value, smtp.value]).finally(unlock);
      return stopping;
    },
  };
}

async function stopAll(emulators: { stop(): Promise<void> }[]): Promise<void> {
  const results = await Promise.allSettled(emulators.map((e) => e.stop()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length)
    throw new AggregateError(
      failures,
      `Stopping the local emulators failed: ${failures.map((e) => e.message).join('; ')}`,
    );
}
