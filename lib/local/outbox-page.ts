/**
 * The unified local outbox: one page on its own loopback port (listed in the banner as "All mail",
 * `runtime.outboxes.all`) with every message the SES emulator, the Resend stand-in and the SMTP
 * sink took, newest first: the provider, from, to, subject, time, every header they kept, the
 * text, and the HTML in a sandboxed iframe (no scripts, no same origin, and the page's CSP loads
 * nothing remote, so opening the outbox fires no open pixel).
 *
 *   GET /                       the page (the newest `limit`, default 100)
 *   GET /?format=json           {total, byProvider, byRecipient, unavailable, messages}: all of them
 *   ?to=<address>  ?provider=ses|resend|smtp  ?limit=<n>   filter either form
 *
 * A separate server, not a path on the API host: the API host serves the declared routes (and
 * only the pages a user of the product meets: the API reference, the mailed links' pages, see
 * local-pages.ts), and this page must never look like part of the product.
 */
import { createServer, type ServerResponse } from 'node:http';
import { closeServer, endpointUrl, listen } from './emulators/net';
import {
  addressOf,
  countByRecipient,
  OUTBOX_PROVIDERS,
  type OutboxMessage,
  type OutboxProvider,
  type OutboxSnapshot,
  type OutboxSources,
  readOutboxes,
} from './outbox-messages';
import { answerFailure, guardedListener, requestTarget, UNPARSEABLE_TARGET } from './request-target';

const PAGE_LIMIT = 100;
const PROVIDER_LABEL: Record<OutboxProvider, string> = { ses: 'SES', resend: 'Resend', smtp: 'SMTP' };

export interface OutboxPage {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  stop(): Promise<void>;
}

export interface OutboxQuery {
  readonly to?: string;
  readonly provider?: OutboxProvider;
  readonly limit?: number;
}

/** Parses `?to=&provider=&limit=`; an unknown provider or a bad limit is a 400. */
export function parseOutboxQuery(params: URLSearchParams): OutboxQuery | { error: string } {
  const provider = params.get('provider') ?? undefined;
  if (provider !== undefined && !OUTBOX_PROVIDERS.includes(provider as OutboxProvider)) {
    return { error: `provider must be one of ${OUTBOX_PROVIDERS.join(', ')}` };
  }
  const limitText = params.get('limit') ?? undefined;
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    return { error: 'limit must be a whole number >= 1' };
  const to = params.get('to') ?? undefined;
  return {
    ...(to ? { to: addressOf(to) } : {}),
    ...(provider ? { provider: provider as OutboxProvider } : {}),
    ...(limit ? { limit } : {}),
  };
}

export function filterOutbox(messages: readonly OutboxMessage[], query: OutboxQuery): OutboxMessage[] {
  return messages.filter(
    (m) =>
      (!query.provider || m.provider === query.provider) && (!query.to || m.to.some((r) => addressOf(r) === query.to)),
  );
}

/** The JSON form: counts over the filtered messages, then the messages themselves. */
export function outboxJson(snapshot: OutboxSnapshot, query: OutboxQuery) {
  const matching = filterOutbox(snapshot.messages, query);
  const byProvider = Object.fromEntries(OUTBOX_PROVIDERS.map((p) => [p, 0])) as Record<OutboxProvider, number>;
  for (const m of matching) byProvider[m.provider] += 1;
  return {
    total: matching.length,
    byProvider,
    byRecipient: countByRecipient(matching),
    unavailable: snapshot.unavailable,
    messages: query.limit ? matching.slice(0, query.limit) : matching,
  };
}

const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderMessage(m: OutboxMessage): string {
  const headers = m.headers.map((h) => `<tr><th>${esc(h.name)}</th><td>${esc(h.value)}</td></tr>`).join('');
  const tags = m.tags?.length
    ? `<p class="tags">tags: ${esc(m.tags.map((t) => `${t.name}=${t.value}`).join(', '))}</p>`
    : '';
  return `<article class="${m.provider}">
<header><span class="provider">${PROVIDER_LABEL[m.provider]}</span> <b>${esc(m.subject)}</b><br>
${esc(m.from)} &rarr; ${esc(m.to.join(', '))} <time datetime="${esc(m.at)}">${esc(m.at)}</time> <small>id ${esc(m.id)}</small></header>
<details open><summary>${m.headers.length} header(s)</summary><table>${headers}</table></details>${tags}
${m.html !== undefined ? `<iframe sandbox="" referrerpolicy="no-referrer" loading="lazy" title="HTML part of ${esc(m.subject)}" srcdoc="${esc(m.html)}"></iframe>` : ''}
${m.text !== undefined ? `<details><summary>text part</summary><pre>${esc(m.text)}</pre></details>` : ''}
</article>`;
}

/** The page: escaped throughout; the HTML part only inside `srcdoc` of an iframe sandboxed without allow-scripts. */
export function renderOutboxPage(snapshot: OutboxSnapshot, query: OutboxQuery): string {
  const matching = filterOutbox(snapshot.messages, query);
  const shown = matching.slice(0, query.limit ?? PAGE_LIMIT);
  const counts = OUTBOX_PROVIDERS.map(
    (p) => `${PROVIDER_LABEL[p]} ${matching.filter((m) => m.provider === p).length}`,
  ).join(' · ');
  const missing = snapshot.unavailable
    .map((u) => `<p class="warn">${PROVIDER_LABEL[u.provider]} outbox unavailable: ${esc(u.reason)}</p>`)
    .join('');
  const filters = [query.to ? `to ${query.to}` : '', query.provider ? `via ${PROVIDER_LABEL[query.provider]}` : '']
    .filter(Boolean)
    .join(', ');
  return `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Local outbox: all mail</title>
<style>body{font:14px system-ui;margin:2em;max-width:70em}article{border:1px solid #ccc;margin:1em 0;padding:.5em 1em}
.provider{display:inline-block;min-width:4em;padding:0 .4em;border-radius:3px;color:#fff;background:#555;text-align:center}
.ses .provider{background:#b35c00}.resend .provider{background:#222}.smtp .provider{background:#2b6cb0}
table{border-collapse:collapse;font:12px ui-monospace,monospace}th{text-align:left;padding-right:1em;vertical-align:top;white-space:nowrap}
td{word-break:break-all}iframe{width:100%;height:14em;border:1px solid #ddd}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}
.warn{color:#a00}time,small{color:#666}</style>
<h1>Local outbox: all mail</h1>
<p>SES, Resend and SMTP stand-ins, newest first${filters ? ` (${esc(filters)})` : ''}: ${matching.length} message(s) (${counts})${
    shown.length < matching.length ? `, the newest ${shown.length} shown (<code>?limit=</code>)` : ''
  }. <a href="?format=json">JSON</a> · <a href="">reload</a>. Remote images in mail are not loaded.</p>
${missing}${shown.length === 0 ? '<p>No mail yet.</p>' : shown.map(renderMessage).join('\n')}
</html>`;
}

const SECURITY = {
  // srcdoc frames inherit this policy: nothing remote (no open pixels), no scripts anywhere.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY, 'content-type': type }).end(body);
}

/** Starts the page on `host:port` (0: any free port), reading the stand-ins at `sources` on every request. */
export async function startOutboxPage(opts: {
  host: string;
  port: number;
  sources: OutboxSources;
}): Promise<OutboxPage> {
  // Guarded: no request may throw out of the listener and end the runtime.
  const server = createServer(
    guardedListener('outbox', (req, res) => {
      const url = requestTarget(req.url);
      if (!url) return answer(res, 400, 'application/json', JSON.stringify({ message: UNPARSEABLE_TARGET }));
      if (url.pathname !== '/') return answer(res, 404, 'application/json', JSON.stringify({ message: 'Not found' }));
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return answer(res, 405, 'application/json', JSON.stringify({ message: 'Method not allowed' }));
      }
      const query = parseOutboxQuery(url.searchParams);
      if ('error' in query) return answer(res, 400, 'application/json', JSON.stringify({ message: query.error }));
      const json = url.searchParams.get('format') === 'json';
      readOutboxes(opts.sources, AbortSignal.timeout(10_000))
        .then(
          (snapshot) =>
            json
              ? answer(res, 200, 'application/json', JSON.stringify(outboxJson(snapshot, query)))
              : answer(res, 200, 'text/html; charset=utf-8', renderOutboxPage(snapshot, query)),
          (error: Error) => answer(res, 500, 'application/json', JSON.stringify({ message: error.message })),
        )
        .catch((error: unknown) => answerFailure('outbox', req, res, error));
    }),
  );
  const port = await listen(server, opts.port, opts.host);
  return { url: `${endpointUrl(opts.host, port)}/`, stop: () => closeServer(server) };
}
