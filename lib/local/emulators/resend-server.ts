/**
 * Local Resend stand-in: a small HTTP server speaking the part of Resend's API the product uses,
 * on the wire as Resend does, so the official `resend` SDK talks to it unchanged (only
 * `RESEND_BASE_URL` differs):
 * - `POST /emails` with `Authorization: Bearer <key>` and JSON `{from, to, subject, html, text,
 *   headers, tags, reply_to, cc, bcc}` answers 200 `{id}`; an `Idempotency-Key` already used with
 *   the same body answers the first id again (nothing stored twice), with another body 409
 *   `invalid_idempotent_request`;
 * - errors have Resend's shape `{statusCode, name, message}`: 401 `missing_api_key`, 403
 *   `invalid_api_key`, 422 `validation_error` / `missing_required_field`, 404 `not_found`;
 * - `GET /emails/{id}` returns a stored email.
 * Local only: `GET /store` (the outbox as JSON, newest last), `POST /clear-store`, `GET /` a
 * minimal outbox page, and the fault switch (`LOCAL_RESEND_FAULT`, `/_local/fault`; `throttle`
 * answers 429 `rate_limit_exceeded`, `fail` 500 `internal_server_error`).
 * Kept in memory and snapshotted to `<dataDir>/resend-outbox.json`. Each email taken is journaled
 * with its webhooks before the answer (`<dataDir>/resend.journal.jsonl`, resend-journal.ts): a stop
 * or kill loses neither the email and its idempotency key nor a webhook still owed (sent at the
 * next start, once the runtime gives the URL).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { createFaultSwitch, type FaultSwitch } from './fault-switch';
import { readJsonFile, startSnapshotter } from './json-file';
import { closeServer, endpointUrl, listen } from './net';
import { resendJournal } from './resend-journal';
import {
  LOCAL_RESEND_WEBHOOK_SECRET,
  newSvixId,
  type ResendWebhookSender,
  resendWebhookSender,
  resendWebhooksOf,
} from './resend-webhooks';

export interface ResendEmailRecord {
  id: string;
  object: 'email';
  created_at: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  cc?: string[];
  bcc?: string[];
  reply_to?: string[];
  headers: Record<string, string>;
  tags: Array<{ name: string; value: string }>;
  idempotency_key?: string;
  last_event: 'delivered';
}

export interface ResendStandIn {
  /** What `RESEND_BASE_URL` is set to. */
  endpoint: string;
  /** The only key it accepts (a dummy). */
  apiKey: string;
  outboxUrl: string;
  fault: FaultSwitch;
  /** Signed webhooks of each email taken (resend-webhooks.ts), to the URL the runtime configures. */
  webhooks: ResendWebhookSender;
  /** The secret they are signed with (`RESEND_WEBHOOK_SECRET` of the functions). */
  webhookSecret: string;
  emails(): readonly ResendEmailRecord[];
  stop(): Promise<void>;
}

interface Snapshot {
  version: 1;
  emails: ResendEmailRecord[];
  idempotency: Array<[string, { id: string; fingerprint: string }]>;
}

export const LOCAL_RESEND_API_KEY = 're_local_0000000000000000';
const MAX_BODY = 40 * 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startResend(opts: {
  file: string;
  host: string;
  port: number;
  snapshotIntervalMs: number;
  log: (msg: string) => void;
  apiKey?: string;
}): Promise<ResendStandIn> {
  const apiKey = opts.apiKey ?? LOCAL_RESEND_API_KEY;
  const saved = await readJsonFile<Snapshot>(opts.file);
  const emails: ResendEmailRecord[] = saved?.emails ?? [];
  const idempotency = new Map(saved?.idempotency ?? []);
  if (saved) opts.log(`resend: restored ${emails.length} email(s) from ${opts.file}`);
  // Emails taken after the last snapshot (a killed runtime writes no final one), and the webhooks
  // a stop or kill found not yet delivered.
  const journal = resendJournal<ResendEmailRecord>(join(dirname(opts.file), 'resend.journal.jsonl'), opts.log);
  const recovered = journal.restore(emails, idempotency);
  if (recovered > 0) opts.log(`resend: recovered ${recovered} email(s) from the journal`);
  let version = recovered > 0 ? 1 : 0;
  let closed = false;
  const webhooks = resendWebhookSender(opts.log, (hookId) => {
    if (!closed) journal.done(hookId);
  });
  for (const { hooks } of journal.owed) webhooks.deliver(hooks);
  if (journal.owed.length > 0) {
    opts.log(`resend: ${journal.pending()} webhook(s) owed from before the last stop, sent once the API listens`);
  }

  const fault = createFaultSwitch({
    name: 'resend',
    file: join(dirname(opts.file), 'resend-fault'),
    initial: process.env.LOCAL_RESEND_FAULT,
    log: opts.log,
    applies: (req) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const api = path === '/emails' || path.startsWith('/emails/');
      return { api, send: api && req.method === 'POST' };
    },
    answer: (res, kind) =>
      kind === 'throttle'
        ? json(res, 429, {
            statusCode: 429,
            name: 'rate_limit_exceeded',
            message: 'Too many requests. You can only make 2 requests per second.',
          })
        : json(res, 500, {
            statusCode: 500,
            name: 'internal_server_error',
            message: 'An unexpected error occurred.',
          }),
  });

  const send = (req: IncomingMessage, body: unknown): { id: string } => {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ') || auth.length <= 'Bearer '.length) {
      throw new ApiError(
        401,
        'missing_api_key',
        'Missing API key in the authorization header. Include the following header Authorization: Bearer YOUR_API_KEY in the request.',
      );
    }
    if (auth.slice('Bearer '.length) !== apiKey) throw new ApiError(403, 'invalid_api_key', 'API key is invalid');
    const email = validate(body);
    const key = header(req, 'idempotency-key');
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (key !== undefined) {
      if (key.length < 1 || key.length > 256) {
        throw new ApiError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
      }
      const earlier = idempotency.get(key);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw new ApiError(
            409,
            'invalid_idempotent_request',
            'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
          );
        }
        return { id: earlier.id };
      }
    }
    const id = randomUUID();
    const record: ResendEmailRecord = {
      id,
      object: 'email',
      created_at: new Date().toISOString(),
      ...email,
      ...(key === undefined ? {} : { idempotency_key: key }),
      last_event: 'delivered',
    };
    const hooks = resendWebhooksOf(record, Date.now()).map((body) => ({ id: newSvixId(), body }));
    // On the disk before the answer: a stop or kill after it loses neither the email nor its webhooks.
    journal.record({ email: record, ...(key === undefined ? {} : { fingerprint }), hooks });
    emails.push(record);
    if (key !== undefined) idempotency.set(key, { id, fingerprint });
    version++;
    webhooks.deliver(hooks);
    return { id };
  };

  const server = createServer((req, res) => {
    if (fault.intercept(req, res)) return;
    const path = (req.url ?? '').split('?')[0] ?? '';
    try {
      if (req.method === 'GET' && path === '/') return page(res);
      if (req.method === 'GET' && path === '/store') return json(res, 200, { emails });
      if (req.method === 'POST' && path === '/clear-store') {
        // The journal first: should its compaction fail, nothing is cleared (500).
        journal.cleared();
        emails.length = 0;
        idempotency.clear();
        version++;
        return json(res, 200, { cleared: true });
      }
      if (req.method === 'GET' && path.startsWith('/emails/')) {
        const found = emails.find((e) => e.id === decodeURIComponent(path.slice('/emails/'.length)));
        if (!found) throw new ApiError(404, 'not_found', 'Email not found');
        return json(res, 200, found);
      }
      if (path === '/emails' && req.method === 'POST') {
        readBody(req).then(
          (text) => {
            try {
              let body: unknown;
              try {
                body = JSON.parse(text);
              } catch {
                throw new ApiError(422, 'validation_error', 'Invalid JSON body');
              }
              json(res, 200, send(req, body));
            } catch (error) {
              fail(res, error);
            }
          },
          (error: unknown) => fail(res, error),
        );
        return;
      }
      throw new ApiError(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
    } catch (error) {
      fail(res, error);
    }
  });
  const port = await listen(server, opts.port, opts.host);
  let lastVersion = -1;
  let lastText = '';
  /** What the journal held when the snapshot being written was taken. */
  let mark = 0;
  const snapshots = startSnapshotter(
    opts.file,
    () => {
      if (version !== lastVersion) {
        lastText = JSON.stringify({ version: 1, emails, idempotency: [...idempotency] } satisfies Snapshot);
        lastVersion = version;
        mark = journal.mark();
      }
      return lastText;
    },
    opts.snapshotIntervalMs,
    opts.log,
    // The journal may forget the emails this snapshot holds once their webhooks are done.
    () => journal.snapshotted(mark),
  );
  const endpoint = endpointUrl(opts.host, port);
  return {
    endpoint,
    apiKey,
    outboxUrl: `${endpoint}/`,
    fault,
    webhooks,
    webhookSecret: LOCAL_RESEND_WEBHOOK_SECRET,
    emails: () => emails,
    async stop() {
      // What is not delivered by now stays owed in the journal for the next start.
      webhooks.stop();
      fault.releaseHanging();
      await closeServer(server);
      await snapshots.stop();
      journal.flush();
      closed = true;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const list = (value: unknown, field: string): string[] | undefined => {
  if (value === undefined || value === null) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string' && /^[^@\s]+@[^@\s]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(v))) {
    throw new ApiError(
      422,
      'validation_error',
      `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
    );
  }
  if (values.length > 50) throw new ApiError(422, 'validation_error', `Too many recipients in \`${field}\` (max 50).`);
  return values as string[];
};

/** Resend's checks of a send, with its messages. */
function validate(
  body: unknown,
): Pick<
  ResendEmailRecord,
  'from' | 'to' | 'subject' | 'html' | 'text' | 'cc' | 'bcc' | 'reply_to' | 'headers' | 'tags'
> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(422, 'validation_error', 'Invalid body');
  }
  const b = body as Record<string, unknown>;
  for (const field of ['from', 'to', 'subject'] as const) {
    if (b[field] === undefined || b[field] === null || b[field] === '') {
      throw new ApiError(422, 'missing_required_field', `Missing \`${field}\` field.`);
    }
  }
  if (typeof b.subject !== 'string') throw new ApiError(422, 'validation_error', 'Invalid `subject` field.');
  if (b.html === undefined && b.text === undefined) {
    throw new ApiError(422, 'missing_required_field', 'Missing `html` or `text` field.');
  }
  const from = list(b.from, 'from');
  const to = list(b.to, 'to') as string[];
  const headers: Record<string, string> = {};
  if (b.headers !== undefined) {
    if (typeof b.headers !== 'object' || b.headers === null || Array.isArray(b.headers)) {
      throw new ApiError(422, 'validation_error', 'Invalid `headers` field.');
    }
    for (const [name, value] of Object.entries(b.headers)) {
      if (typeof value !== 'string' || /[\r\n]/.test(value) || !/^[!-9;-~]+$/.test(name)) {
        throw new ApiError(422, 'validation_error', `Invalid header \`${name}\`.`);
      }
      headers[name] = value;
    }
  }
  const tags: Array<{ name: string; value: string }> = [];
  if (b.tags !== undefined) {
    if (!Array.isArray(b.tags)) throw new ApiError(422, 'validation_error', 'Invalid `tags` field.');
    for (const tag of b.tags as Array<{ name?: unknown; value?: unknown }>) {
      const ok = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,256}$/.test(v);
      if (!ok(tag?.name) || !ok(tag?.value)) {
        throw new ApiError(
          422,
          'validation_error',
          'Tags should only contain ASCII letters (a–z, A–Z), numbers (0–9), underscores (_), or dashes (-).',
        );
      }
      tags.push({ name: tag.name as string, value: tag.value as string });
    }
  }
  const cc = list(b.cc, 'cc');
  const bcc = list(b.bcc, 'bcc');
  const replyTo = list(b.reply_to, 'reply_to');
  return {
    from: (from as string[])[0] as string,
    to,
    subject: b.subject,
    ...(typeof b.html === 'string' ? { html: b.html } : {}),
    ...(typeof b.text === 'string' ? { text: b.text } : {}),
    ...(cc ? { cc } : {}),
    ...(bcc ? { bcc } : {}),
    ...(replyTo ? { reply_to: replyTo } : {}),
    headers,
    tags,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError(422, 'validation_error', 'The email is too large (max 40 MB).'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function fail(res: ServerResponse, error: unknown): void {
  if (error instanceof ApiError) {
    json(res, error.statusCode, { statusCode: error.statusCode, name: error.name, message: error.message });
  } else {
    json(res, 500, { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' });
  }
}

/** A self-contained outbox page (no CDN): every email with its headers and tags; reloads /store. */
function page(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<meta charset="utf-8"><title>Resend stand-in: sent mail</title>
<style>body{font:14px system-ui;margin:2em}article{border:1px solid #ccc;margin:1em 0;padding:.5em 1em}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}</style>
<h1>Resend stand-in: sent mail</h1><p>JSON at <code>/store</code>. Newest first.</p><main id="m"></main>
<script>
const esc=(s)=>String(s??'').replace(/[&<>"']/g,(c)=>'&#'+c.charCodeAt(0)+';');
async function load(){const {emails}=await (await fetch('/store')).json();
document.getElementById('m').innerHTML=emails.slice().reverse().map((e)=>'<article><b>'+esc(e.subject)+'</b><br>'+
esc(e.from)+' &rarr; '+esc(e.to.join(', '))+' <small>'+esc(e.created_at)+' id '+esc(e.id)+'</small><pre>'+
esc(Object.entries(e.headers).map(([k,v])=>k+': '+v).join('\\n'))+'</pre><small>tags: '+
esc(e.tags.map((t)=>t.name+'='+t.value).join(', '))+'</small><pre>'+esc(e.text??'')+'</pre></article>').join('');}
load();setInterval(load,3000);
</script>`);
}
