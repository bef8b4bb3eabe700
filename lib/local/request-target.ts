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
    log(`[${name}] ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
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
