/**
 * SES emulator: aws-ses-v2-local (SES v2 API, an outbox page at `/`, JSON at `/store`). Its
 * store is a module-level singleton, so one SES emulator runs per process; it is reset at start
 * and refilled from `<dataDir>/ses-outbox.json`, which is rewritten whenever mail was sent.
 */
import type { Server } from 'node:http';
import sesModule from 'aws-ses-v2-local';
import { clearStore, type Email, getStoreReadonly, setTemplate, type Template } from 'aws-ses-v2-local/dist/store';
import { readJsonFile, startSnapshotter } from './json-file';
import { closeServer, endpointUrl } from './net';

export interface SesEmulator {
  endpoint: string;
  outboxUrl: string;
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

  const server: Server = await startSesServer({ host: opts.host, port: opts.port });
  const address = server.address();
  // The package resolves even when listen fails (its callback ignores the error).
  if (!address || typeof address === 'string')
    throw new Error(`SES emulator could not listen on ${opts.host}:${opts.port}`);
  const { port } = address;
  const serialize = outboxSerializer();
  const snapshots = startSnapshotter(opts.file, serialize, opts.snapshotIntervalMs, opts.log);
  const endpoint = endpointUrl(opts.host, port);

  return {
    endpoint,
    // Self-contained page (inline script and styles, no CDN); polls /store for new mail.
    outboxUrl: `${endpoint}/`,
    async stop() {
      await closeServer(server);
      await snapshots.stop();
    },
  };
}

/**
 * Serialises the outbox, reusing the last text while nothing changed: emails (attachments
 * included) can be large and the store is only ever appended to or replaced wholesale.
 */
function outboxSerializer(): () => string {
  let lastEmails: readonly Email[] | undefined;
  let lastKey = '';
  let lastText = '';
  return () => {
    const { emails, templates } = getStoreReadonly();
    const templateList = [...templates.values()];
    const key = `${emails.length}:${JSON.stringify(templateList)}`;
    if (emails !== lastEmails || key !== lastKey) {
      lastText = JSON.stringify({ version: 1, emails, templates: templateList } satisfies OutboxSnapshot);
      lastEmails = emails;
      lastKey = key;
    }
    return lastText;
  };
}
