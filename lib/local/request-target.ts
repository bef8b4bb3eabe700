/**
 * What every local HTTP listener (the API host, the outbox page, the Scheduler stand-in) needs
 * before it routes: the request target parsed without ever throwing, and a listener that can
 * never throw out of its callback (an exception escaping a `request` listener is uncaught and
 * ends the whole runtime).
 *
 * `new URL(req.url, base)` is not a safe parse: it reads an origin-form target that starts with
 * `//` (`GET //`, a request line Node's HTTP parser accepts) as a scheme-relative URL and throws
 * `Invalid URL` for `//` or `//[`. RFC 9112 3.2 says the target is one of
 *  - origin-form `/path?query`: the path is everything up to `?`, `//` included (parsed against
 *    a fixed origin, never as a host);
 *  - absolute-form `http://host/path?query` (proxies send it): its path and query;
 *  - authority-form and asterisk-form (CONNECT, `OPTIONS *`): no path to route.
 * A target that is none of these, or an absolute one that does not parse (`http://[`), is
 * answered 400, as API Gateway answers a request it cannot parse.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { redactString } from '../../shared/observability/redact';
import { hasSecretSegment, loggableRequestLine } from '../../shared/observability/request-line';
import { routes } from '../definition';

/** The origin origin-form targets are parsed against (never a request's Host). */
export const LOCAL_ORIGIN = 'http://local';

/**
 * The parsed request target (use its `pathname` and `searchParams`), or `undefined` when it
 * cannot be parsed (answer 400). Never throws.
 */
export function requestTarget(target: string | undefined): URL | undefined {
  const raw = target === undefined || target === '' ? '/' : target;
  try {
    if (raw.startsWith('/')) return new URL(`${LOCAL_ORIGIN}${raw}`);
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The declared route templates with a secret path parameter (`/u/{token}`, `/api/hooks/campaigns/{id}/{token}`). */
const SECRET_TEMPLATES: readonly string[] = [...new Set(routes.map((r) => r.path).filter(hasSecretSegment))];

/**
 * `METHOD target` safe for a log line: every path segment a declared route names as a secret
 * parameter (`{token}`) replaced by `[REDACTED]`, the query string's secrets too, no fragment
 * or user info (shared/observability/request-line.ts). Every local access and error line uses it.
 */
export function requestLogLine(method: string | undefined, target: string | undefined): string {
  return loggableRequestLine(method ?? 'GET', target === undefined || target === '' ? '/' : target, SECRET_TEMPLATES);
}

/** An error as a log line prints it (stack, cause, own properties), with secrets and emails redacted. */
export function loggableError(error: unknown): string {
  return redactString(inspect(error, { depth: 4, breakLength: Number.POSITIVE_INFINITY }));
}

/** The message of the 400 a listener answers for a target `requestTarget` could not parse. */
export const UNPARSEABLE_TARGET = 'The request target could not be parsed';

/**
 * `listener`, made unable to throw out of its callback: an exception is logged and answered 500
 * JSON (or, once the head is out, the response is cut off), so one bad request never ends the
 * process. Wrap callbacks the listener registers itself (`req.on('end', ...)`) with
 * `answerFailure` too: they run outside this try.
 */
export function guardedListener(
  name: string,
  listener: RequestListener,
  log: (line: string) => void = console.error,
): RequestListener {
  return (req, res) => {
    try {
      listener(req, res);
    } catch (error) {
      answerFailure(name, req, res, error, log);
    }
  };
}

/** Answers a listener's unexpected failure: 500 JSON if nothing was sent yet, else ends the response. Never throws. */
export function answerFailure(
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  log: (line: string) => void = console.error,
): void {
  try {
    log(`[${name}] ${requestLogLine(req.method, req.url)} failed: ${loggableError(error)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: 'Internal Server Error', message: 'The request failed', code: 'INTERNAL' });
    res.writeHead(500, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  } catch {
    res.destroy();
  }
}
