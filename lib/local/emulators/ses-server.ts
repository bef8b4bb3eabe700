/**
 * SES emulator: aws-ses-v2-local (SES v2 API, an outbox page at `/`, JSON at `/store`). Its
 * store is a module-level singleton, so one SES emulator runs per process; it is reset at start
 * and refilled from `<dataDir>/ses-outbox.json`, which is rewritten whenever mail was sent.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import sesModule from 'aws-ses-v2-local';
import { clearStore, type Email, getStoreReadonly, setTemplate, type Template } from 'aws-ses-v2-local/dist/store';
import { createFaultSwitch, type FaultSwitch } from './fault-switch';
import { readJsonFile, startSnapshotter } from './json-file';
import { closeServer, endpointUrl } from './net';
import { type AcceptedSend, type SesEventPublisher, sesEventPublisher } from './ses-events';
import { sendJournal } from './ses-send-journal';

export interface SesEmulator {
  endpoint: string;
  outboxUrl: string;
  /** The local fault switch in front of the SES API (`LOCAL_SES_FAULT`, `PUT <endpoint>/_local/fault`). */
  fault: FaultSwitch;
  /** The configuration-set events every accepted send publishes (ses-events.ts). */
  events: SesEventPublisher;
  stop(): Promise<void>;
}

// A CommonJS module with `exports.default`: Node's ESM loader hands us `module.exports`,
// bundler-style interop (vitest) the function itself.
const startSesServer = ((sesModule as unknown as { default?: typeof sesModule }).default ??
  sesModule) as typeof sesModule;

interface OutboxSnapshot {
  version: 1;
  emails: Email[];
  templates: Template[];
}

/** Restores the saved outbox and serves SES on `host:port`. */
export async function startSes(opts: {
  file: string;
  host: string;
  port: number;
  snapshotIntervalMs: number;
  log: (msg: string) => void;
}): Promise<SesEmulator> {
  const saved = await readJsonFile<OutboxSnapshot>(opts.file);
  // The store outlives a stop() in this process: start from the file, not from leftovers.
  clearStore();
  const store = getStoreReadonly();
  if (saved) {
    (store.emails as Email[]).push(...saved.emails);
    for (const template of saved.templates) setTemplate(template.TemplateName, template);
    opts.log(`ses: restored ${saved.emails.length} email(s) from ${opts.file}`);
  }
  // Mail accepted after the last snapshot (a killed runtime writes no final one) is in the journal.
  const journal = outboxJournal(join(dirname(opts.file), 'ses-outbox.journal.jsonl'), store.emails as Email[]);
  if (journal.recovered > 0) opts.log(`ses: recovered ${journal.recovered} email(s) from the outbox journal`);

  const server: Server = await startSesServer({ host: opts.host, port: opts.port });
  const address = server.address();
  // The package resolves even when listen fails (its callback ignores the error).
  if (!address || typeof address === 'string')
    throw new Error(`SES emulator could not listen on ${opts.host}:${opts.port}`);
  const { port } = address;
  // Accepted sends with their tags, journaled before the answer: their events (the Send event, the
  // ledger's acknowledgement; bounces, complaints) that had not reached the bus at a stop or kill
  // are published at the next start (ses-send-journal.ts).
  const sends = sendJournal(join(dirname(opts.file), 'ses-sends.journal.jsonl'));
  const events = sesEventPublisher(opts.log, undefined, undefined, sends);
  const fault = sesFaultSwitch(
    server,
    join(dirname(opts.file), 'ses-fault'),
    opts.log,
    {
      record: (send) => sends.record(send),
      publish: (send) => {
        events.publish(send).catch((error: Error) => opts.log(`ses: publishing events failed: ${error.message}`));
      },
    },
    () => journal.catchUp(),
  );
  const outbox = outboxSerializer();
  const snapshots = startSnapshotter(opts.file, outbox.serialize, opts.snapshotIntervalMs, opts.log);
  const endpoint = endpointUrl(opts.host, port);

  return {
    endpoint,
    // Self-contained page (inline script and styles, no CDN); polls /store for new mail.
    outboxUrl: `${endpoint}/`,
    fault,
    events,
    async stop() {
      fault.releaseHanging();
      await closeServer(server);
      await events.stop();
      outbox.final();
      await snapshots.stop();
    },
  };
}

/**
 * Puts the fault switch in front of the emulator's own request handler: `fail` answers every SES
 * API call 500 `InternalFailure`, `throttle` answers sends 429 `TooManyRequestsException`
 * "Maximum sending rate exceeded." (as SES does, without Retry-After; GetAccount still answers),
 * `hang` leaves API calls unanswered. The outbox page and `/store` are never affected.
 */
function sesFaultSwitch(
  server: Server,
  file: string,
  log: (msg: string) => void,
  /** An accepted SendEmail: `record` just before the answer, `publish` just after. */
  onAccepted: AcceptedHooks,
  /** Runs just before any POST is answered (the outbox journal catches up). */
  onAnswer: () => void = () => {},
): FaultSwitch {
  const fault = createFaultSwitch({
    name: 'ses',
    file,
    initial: process.env.LOCAL_SES_FAULT,
    log,
    applies: (req) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const v1 = req.method === 'POST' && path === '/';
      const api = v1 || path.startsWith('/v2/');
      const send =
        req.method === 'POST' &&
        (v1 || path === '/v2/email/outbound-emails' || path === '/v2/email/outbound-bulk-emails');
      return { api, send };
    },
    answer: (res, kind) => {
      const [status, type, message] =
        kind === 'throttle'
          ? [429, 'TooManyRequestsException', 'Maximum sending rate exceeded.']
          : [500, 'InternalFailure', 'The request processing has failed because of an unknown error.'];
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
        .end(JSON.stringify({ message }));
    },
  });
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (fault.intercept(req, res)) return;
    if (req.method === 'POST') journalBeforeAnswer(res, onAnswer);
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === '/v2/email/outbound-emails') {
      watchAcceptedSend(req, res, onAccepted);
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
  return fault;
}

interface AcceptedHooks {
  record(send: AcceptedSend): void;
  publish(send: AcceptedSend): void;
}

/**
 * Sees a v2 SendEmail through: as the emulator answers 200 with its MessageId, the request body
 * (parsed by the emulator's own JSON middleware onto `req.body`) gives recipients and tags. The
 * send is recorded before the answer leaves and its events published after.
 */
function watchAcceptedSend(req: IncomingMessage, res: ServerResponse, onAccepted: AcceptedHooks) {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
    const send = acceptedSendOf(req, res, args[0]);
    if (send) onAccepted.record(send);
    const out = end(...args);
    if (send) onAccepted.publish(send);
    return out;
  };
}

/** The send an answer accepts, or undefined (not a 200 with a MessageId). */
function acceptedSendOf(req: IncomingMessage, res: ServerResponse, chunk: unknown): AcceptedSend | undefined {
  try {
    if (res.statusCode !== 200 || (typeof chunk !== 'string' && !Buffer.isBuffer(chunk))) return undefined;
    const messageId = (JSON.parse(String(chunk)) as { MessageId?: unknown }).MessageId;
    const body = (req as IncomingMessage & { body?: SendBody }).body;
    if (typeof messageId !== 'string' || !body) return undefined;
    const simple = body.Content?.Simple;
    return {
      messageId,
      from: String(body.FromEmailAddress ?? ''),
      to: [
        ...(body.Destination?.ToAddresses ?? []),
        ...(body.Destination?.CcAddresses ?? []),
        ...(body.Destination?.BccAddresses ?? []),
      ],
      subject: String(simple?.Subject?.Data ?? ''),
      tags: (body.EmailTags ?? []).filter((t) => typeof t?.Name === 'string' && typeof t?.Value === 'string'),
      ...(body.ConfigurationSetName ? { configurationSet: body.ConfigurationSetName } : {}),
      atMs: Date.now(),
    };
  } catch {
    // Not the answer we expected: nothing to publish.
    return undefined;
  }
}

interface SendBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string } } };
  EmailTags?: Array<{ Name: string; Value: string }>;
  ConfigurationSetName?: string;
}

/**
 * Serialises the outbox for its snapshot. Every accepted email is in the outbox journal already
 * (appended before the sender is answered, read back at start), so the periodic snapshot does not
 * rewrite the emails as they arrive: re-serialising the whole outbox every interval cost time in
 * proportion to the mail sent so far (~100 MB of JSON every 2 s after 30,000 emails) and slowed a
 * long run down as it went. The text is rebuilt when the templates change, when the store is
 * replaced (`/clear-store`), and at stop (`final()`), which compacts the journal's mail into it.
 */
function outboxSerializer(): { serialize: () => string; final: () => void } {
  let lastEmails: readonly Email[] | undefined;
  let lastCount = -1;
  let lastKey = '';
  let lastText = '';
  let finalPass = false;
  return {
    final: () => {
      finalPass = true;
    },
    serialize: () => {
      const { emails, templates } = getStoreReadonly();
      const templateList = [...templates.values()];
      const key = JSON.stringify(templateList);
      const stale = emails !== lastEmails || key !== lastKey || (finalPass && emails.length !== lastCount);
      if (stale) {
        lastText = JSON.stringify({ version: 1, emails, templates: templateList } satisfies OutboxSnapshot);
        lastEmails = emails;
        lastCount = emails.length;
        lastKey = key;
      }
      return lastText;
    },
  };
}

/** Calls `before` right before the response goes out (after the emulator stored what it accepted). */
function journalBeforeAnswer(res: ServerResponse, before: () => void): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
    before();
    return end(...args);
  };
}

/**
 * The outbox's write-ahead journal: every accepted email is appended (synchronously, before the
 * sender is answered) to an append-only file, so mail a provider "sent" survives a killed runtime
 * even when no snapshot followed. At start, journaled mail the snapshot lacks is put back.
 */
function outboxJournal(file: string, emails: Email[]): { recovered: number; catchUp(): void } {
  const known = new Set(emails.map((e) => e.messageId));
  let recovered = 0;
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const email = JSON.parse(line) as Email;
        if (!known.has(email.messageId)) {
          emails.push(email);
          known.add(email.messageId);
          recovered += 1;
        }
      } catch {
        // A torn last line: the write it belonged to was never answered.
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let current = emails;
  let journaled = emails.length;
  return {
    recovered,
    catchUp() {
      // `POST /clear-store` replaces the store's array: the journal starts over with it.
      const now = getStoreReadonly().emails as Email[];
      if (now !== current) {
        current = now;
        journaled = 0;
        writeFileSync(file, '');
      }
      if (current.length <= journaled) return;
      appendFileSync(
        file,
        current
          .slice(journaled)
          .map((e) => `${JSON.stringify(e)}\n`)
          .join(''),
      );
      journaled = current.length;
    },
  };
}
