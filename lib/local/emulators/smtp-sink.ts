/**
 * Local SMTP sink (smtp-server + mailparser) for the SMTP provider: a relay on loopback that
 * takes every message and keeps it (in memory, snapshotted to `<dataDir>/smtp-outbox.json`),
 * never delivering anything. Plain SMTP without TLS; AUTH PLAIN/LOGIN with the one user it was
 * started with (`SMTP_URL` carries it), any other credentials get 535 as a real relay answers.
 *
 * To exercise the provider's error mapping, a recipient `smtp-<code>@<any domain>` with a 4xx/5xx
 * code (e.g. `smtp-550@example.com`, `smtp-421@...`) is refused at RCPT TO with that reply.
 * A small HTTP companion serves the outbox: `GET /store` (JSON), `POST /clear-store`, `GET /`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { readJsonFile, startSnapshotter } from './json-file';
import { closeServer, endpointUrl, listen, urlHost } from './net';

export interface SmtpMessage {
  id: string;
  receivedAt: string;
  /** Envelope, as the client gave it. */
  envelope: { from: string; to: string[] };
  messageId?: string;
  from?: string;
  to?: string;
  subject?: string;
  text?: string;
  html?: string;
  /** Every header line, in order, unfolded. */
  headers: Array<{ name: string; value: string }>;
}

export interface SmtpSink {
  /** `smtp://user:pass@127.0.0.1:<port>`: what `SMTP_URL` is set to. */
  url: string;
  /** The HTTP companion: `/store`, `/clear-store`, `/`. */
  outboxUrl: string;
  messages(): readonly SmtpMessage[];
  stop(): Promise<void>;
}

const REPLIES: Record<number, string> = {
  421: '4.7.0 Try again later, closing connection (rate limited)',
  450: '4.2.1 Mailbox temporarily unavailable, try again later',
  451: '4.3.0 Local error in processing',
  452: '4.5.3 Insufficient system storage',
  550: '5.1.1 The email account that you tried to reach does not exist',
  552: '5.3.4 Message size exceeds fixed limit',
  553: '5.1.3 Mailbox name not allowed',
  554: '5.7.1 Message rejected as spam',
};

export async function startSmtpSink(opts: {
  file: string;
  host: string;
  port: number;
  httpPort?: number;
  snapshotIntervalMs: number;
  log: (msg: string) => void;
  user?: string;
  password?: string;
}): Promise<SmtpSink> {
  const user = opts.user ?? 'local';
  const password = opts.password ?? 'local';
  const saved = await readJsonFile<{ version: 1; messages: SmtpMessage[] }>(opts.file);
  const messages: SmtpMessage[] = saved?.messages ?? [];
  if (saved) opts.log(`smtp: restored ${messages.length} message(s) from ${opts.file}`);
  let version = 0;

  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 40 * 1024 * 1024,
    logger: false,
    banner: 'Unite-Hub local SMTP sink',
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      const error = Object.assign(new Error('5.7.8 Username and Password not accepted'), { responseCode: 535 });
      callback(error);
    },
    onRcptTo(address, _session, callback) {
      const code = Number(/^smtp-(\d{3})@/i.exec(address.address)?.[1]);
      if (code >= 400 && code < 600) {
        return callback(
          Object.assign(new Error(REPLIES[code] ?? `${Math.floor(code / 100)}.0.0 Refused`), { responseCode: code }),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true }).then(
        (parsed) => {
          const id = `smtp-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
          messages.push({
            id,
            receivedAt: new Date().toISOString(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
            ...(parsed.from?.text ? { from: parsed.from.text } : {}),
            ...(parsed.to
              ? { to: (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).map((a) => a.text).join(', ') }
              : {}),
            ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
            ...(parsed.text !== undefined ? { text: parsed.text } : {}),
            ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
            headers: parsed.headerLines.map(({ line }) => {
              const colon = line.indexOf(':');
              return {
                name: line.slice(0, colon),
                value: line
                  .slice(colon + 1)
                  .replace(/\r?\n[ \t]+/g, ' ')
                  .trim(),
              };
            }),
          });
          version++;
          callback(null, `2.0.0 Ok: queued as ${id}`);
        },
        (error: Error) => callback(Object.assign(error, { responseCode: 451 })),
      );
    },
  });
  smtp.on('error', (error) => opts.log(`smtp: ${error.message}`));
  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    smtp.once('error', onError);
    const server = smtp.listen(opts.port, opts.host, () => {
      smtp.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });

  const http: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && path === '/store') return reply(200, { messages });
    if (req.method === 'POST' && path === '/clear-store') {
      messages.length = 0;
      version++;
      return reply(200, { cleared: true });
    }
    if (req.method === 'GET' && path === '/') return outboxPage(res);
    reply(404, { message: 'Not found' });
  });
  const httpPort = await listen(http, opts.httpPort ?? 0, opts.host);

  let lastVersion = -1;
  let lastText = '';
  const snapshots = startSnapshotter(
    opts.file,
    () => {
      if (version !== lastVersion) {
        lastText = JSON.stringify({ version: 1, messages });
        lastVersion = version;
      }
      return lastText;
    },
    opts.snapshotIntervalMs,
    opts.log,
  );
  const outboxUrl = `${endpointUrl(opts.host, httpPort)}/`;
  return {
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${urlHost(opts.host)}:${port}`,
    outboxUrl,
    messages: () => messages,
    async stop() {
      await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), closeServer(http)]);
      await snapshots.stop();
    },
  };
}

function outboxPage(res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<meta charset="utf-8"><title>SMTP sink: received mail</title>
<style>body{font:14px system-ui;margin:2em}article{border:1px solid #ccc;margin:1em 0;padding:.5em 1em}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}</style>
<h1>SMTP sink: received mail</h1><p>JSON at <code>/store</code>. Newest first.</p><main id="m"></main>
<script>
const esc=(s)=>String(s??'').replace(/[&<>"']/g,(c)=>'&#'+c.charCodeAt(0)+';');
async function load(){const {messages}=await (await fetch('/store')).json();
document.getElementById('m').innerHTML=messages.slice().reverse().map((m)=>'<article><b>'+esc(m.subject)+'</b><br>'+
esc(m.envelope.from)+' &rarr; '+esc(m.envelope.to.join(', '))+' <small>'+esc(m.receivedAt)+'</small><pre>'+
esc(m.headers.map((h)=>h.name+': '+h.value).join('\\n'))+'</pre><pre>'+esc(m.text??'')+'</pre></article>').join('');}
load();setInterval(load,3000);
</script>`);
}
