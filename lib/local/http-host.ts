/**
 * The local stand-in for API Gateway: matches a request against the declared routes
 * (unmatched ones go to the `$default` fallback, as in the cloud), invokes the route's
 * function with a payload v2 event and writes its result back.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';
import { resolveRoute } from '../../shared/http/path-match';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';
import { redactString } from '../../shared/observability/redact';
import { fallbackRoute, routeKey, routes } from '../definition';
import { buildEvent, type HttpResponseParts, newRequestId, type RawRequest, readResult } from './api-event';
import type { FunctionHost } from './function-host';
import {
  InvocationPayloadTooLargeError,
  overPayloadLimit,
  payloadBytes,
  ResponseTooLargeError,
} from './lambda-payload';
import type { LocalPages } from './local-pages';
import {
  answerFailure,
  guardedListener,
  loggableError,
  requestLogLine,
  requestTarget,
  UNPARSEABLE_TARGET,
} from './request-target';

/** API Gateway refuses payloads over 10 MB before any function runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/**
 * How long a request's body may take to arrive once its head has: API Gateway reads the whole
 * request before it invokes anything (a slow upload holds none of the functions' capacity), and
 * drops a client that stalls. Here it is answered 408 and its connection closed.
 */
export const BODY_TIMEOUT_MS = 30_000;

export interface HttpHostOptions {
  host: string;
  port: number;
  functions: FunctionHost;
  log: (line: string) => void;
  /** 'all' requests (development), or only 'problems': 5xx and answers slower than 1 s. */
  accessLog?: 'all' | 'problems';
  /**
   * Load mode: the header the functions take as the client address. Every answer names it in
   * `x-load-client-header`, so the load scripts can tell a runtime in load mode from another.
   */
  loadClientHeader?: string;
  /**
   * Requests in flight beyond which new ones are answered 429 at once (API Gateway's throttling,
   * sized to this machine): a single process past its capacity would otherwise queue every
   * request until all of them time out. Default 32.
   */
  maxInFlight?: number;
  /**
   * Where to append the server's own view of the traffic every 10 s and on stop (JSON lines:
   * requests, statuses, latency percentiles, in-flight peak, event-loop delay and utilisation).
   * The load scripts compare it with the generator's numbers.
   */
  statsFile?: string;
  /** Other heaps to report with the statistics (the emulator thread's), in bytes. */
  heaps?: () => Promise<Record<string, number>>;
  /** How long a body may take to arrive (BODY_TIMEOUT_MS): past it, 408 and the connection closed. */
  bodyTimeoutMs?: number;
  /** Local pages (the API reference, mailed links' pages) answered on GET/HEAD before routing. */
  pages?: LocalPages;
}

const SLOW_MS = 1000;
export const DEFAULT_MAX_IN_FLIGHT = 32;

export async function startHttpHost(opts: HttpHostOptions): Promise<{ url: string; server: http.Server }> {
  const logAll = (opts.accessLog ?? 'all') === 'all';
  const hostHeaders: Record<string, string> = opts.loadClientHeader
    ? { 'x-load-client-header': opts.loadClientHeader }
    : {};
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  let inFlight = 0;
  let throttledSinceLog = 0;
  const throttleLog = setInterval(() => {
    if (throttledSinceLog === 0) return;
    opts.log(`[local] throttled ${throttledSinceLog} requests over ${maxInFlight} in flight (429)`);
    throttledSinceLog = 0;
  }, 10_000);
  throttleLog.unref();
  const stats = opts.statsFile ? serverStats(opts.statsFile, opts.heaps) : undefined;
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = performance.now();
    const requestId = newRequestId();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    // Parsed without throwing (`GET //` is a valid request line; `new URL('//', base)` throws).
    const target = requestTarget(url);
    const pathname = target?.pathname ?? '/';
    const send = (answer: HttpResponseParts) => {
      let out = answer;
      const head = (parts: HttpResponseParts) =>
        res.writeHead(parts.status, {
          ...parts.headers,
          ...hostHeaders,
          'apigw-requestid': requestId,
          // A length, as API Gateway sends: one write of head and body, no chunked framing. Never on 204 or 304 (RFC 9110 8.6).
          ...(parts.status === 204 || parts.status === 304 ? {} : { 'content-length': parts.body.length }),
        });
      try {
        head(out);
      } catch (error) {
        // A header value HTTP cannot carry (a control or non-ASCII character): API Gateway answers
        // such a function response 502; never leave the client waiting for an answer.
        out = badGateway(error, requestId);
        head(out);
      }
      res.end(method === 'HEAD' ? undefined : out.body);
      const ms = performance.now() - started;
      stats?.record(out.status, ms, inFlight);
      return ms;
    };
    const failed = (error: unknown) => answerFailure('local', req, res, error, opts.log);
    if (!target) {
      // API Gateway answers a request it cannot parse itself, before any route: 400 in the contract.
      req.resume();
      const out = errorAnswer(
        400,
        { error: 'Bad Request', message: UNPARSEABLE_TARGET, code: 'MALFORMED_REQUEST' },
        requestId,
      );
      const ms = send(out);
      if (logAll) opts.log(`${requestLogLine(method, url)} ${out.status} ${ms.toFixed(1)} ms`);
      return;
    }
    const page = method === 'GET' || method === 'HEAD' ? opts.pages?.[pathname] : undefined;
    if (page) {
      req.resume();
      page()
        .then((out) => ({ status: out.status, headers: { ...out.headers }, body: Buffer.from(out.body) }))
        .catch((error: unknown) => hostError(error, requestId))
        .then((out) => {
          const ms = send(out);
          if (logAll || out.status >= 500) opts.log(`${requestLogLine(method, url)} ${out.status} ${ms.toFixed(1)} ms`);
        })
        .catch(failed);
      return;
    }
    const found = resolveRoute(routes, method, pathname);
    // The request is read first, as API Gateway reads it before it invokes anything: only an
    // invocation takes one of the functions' slots, so uploads still arriving hold none.
    readBody(req, bodyTimeoutMs)
      .then(async (body) => {
        // Routes exempt from the per-client limits (health) are not throttled either: a monitor must
        // be able to tell an overloaded service from a dead one.
        if (inFlight >= maxInFlight && found.route?.rateTier !== 'exempt') {
          throttledSinceLog += 1;
          return throttled(requestId, maxInFlight);
        }
        inFlight += 1;
        // A client gone while its body was read has closed `res` already: its slot is free again.
        if (res.closed || res.destroyed) inFlight -= 1;
        else
          res.once('close', () => {
            inFlight -= 1;
          });
        const raw: RawRequest = {
          method,
          // The parsed target, absolute: the event's rawPath is the path routed on (`//` included).
          url: target.href,
          headers: req.headers,
          body,
          sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        };
        const match = found.route
          ? { routeKey: routeKey(found.route), pathParameters: found.params, fn: found.route.function }
          : { routeKey: '$default', fn: fallbackRoute.function };
        const event = buildEvent(raw, match, requestId);
        // Lambda's 6 MB, on the event (a body the 10 MB API Gateway takes can still be refused there:
        // base64 adds a third) and on the result: past either the invocation fails in the cloud.
        if (overPayloadLimit(event, body.length)) throw new InvocationPayloadTooLargeError(payloadBytes(event));
        const result = await opts.functions.invoke(match.fn, event, requestId);
        if (overPayloadLimit(result, resultSizeHint(result))) {
          throw new ResponseTooLargeError(payloadBytes(result));
        }
        return readResult(result);
      })
      .catch((error: unknown) => hostError(error, requestId))
      .then((out) => {
        const ms = send(out);
        if (logAll || out.status >= 500 || ms >= SLOW_MS)
          opts.log(`${requestLogLine(method, url)} ${out.status} ${ms.toFixed(1)} ms`);
      })
      .catch(failed);
  };
  // Guarded: nothing a request carries may throw out of the listener and end the runtime.
  const server = http.createServer(guardedListener('local', handle, opts.log));
  // Requests Node refuses before routing (oversized headers or URL, broken framing) still get
  // an error body in the contract, as API Gateway answers them with its own JSON.
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    if (!socket.writable) return;
    const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      error: tooLarge ? 'Request Header Fields Too Large' : 'Bad Request',
      message: tooLarge ? 'The request line and headers exceed 16 KB' : 'The request could not be parsed',
      code: tooLarge ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST',
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `${Object.entries(SECURITY_HEADERS)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}connection: close\r\n\r\n${head ? '' : body}`,
    );
  });
  server.keepAliveTimeout = 65_000;
  server.on('close', () => {
    clearInterval(throttleLog);
    stats?.close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A burst of new connections waits in the kernel's accept queue while the event loop is busy;
    // Node's default of 511 overflowed under the stress profile (connections dropped, clients
    // timing out after 10 s instead of getting an answer), so ask for the kernel's maximum.
    server.listen({ port: opts.port, host: opts.host, backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`, server };
}

const memoryMb = () => {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
};

/** Per-window and whole-run statistics of what this host answered, appended to `file`. */
function serverStats(file: string, heaps?: () => Promise<Record<string, number>>) {
  let otherHeapsMb: Record<string, number> = {};
  const refreshHeaps = () =>
    heaps?.().then(
      (h) => {
        otherHeapsMb = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Math.round(v / 1048576)]));
      },
      () => undefined,
    );
  const WINDOW_MS = 10_000;
  const windowLatency = createHistogram();
  const totalLatency = createHistogram();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const totalLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  totalLoopDelay.enable();
  const fresh = () => ({ requests: 0, '2xx': 0, '3xx': 0, '4xx': 0, '429': 0, '5xx': 0, inFlightPeak: 0 });
  let window = fresh();
  const total = fresh();
  let lastElu = performance.eventLoopUtilization();
  const startedAt = Date.now();
  const ms = (h: RecordableHistogram, p: number) => Math.round(h.percentile(p) / 10) / 100;
  const beyondTick = (ns: number) => Math.max(0, Math.round((ns / 1e6 - 10) * 100) / 100);
  const line = (kind: 'window' | 'total', counts: ReturnType<typeof fresh>, h: RecordableHistogram) => {
    const elu = performance.eventLoopUtilization(kind === 'window' ? lastElu : undefined);
    const delay = kind === 'window' ? loopDelay : totalLoopDelay;
    const entry = {
      kind,
      at: new Date().toISOString(),
      secondsSinceStart: Math.round((Date.now() - startedAt) / 1000),
      ...counts,
      latencyMs: counts.requests
        ? { p50: ms(h, 50), p95: ms(h, 95), p99: ms(h, 99), max: Math.round(h.max / 10) / 100 }
        : undefined,
      // The histogram holds whole timer periods (10 ms resolution): the delay is what exceeds it.
      eventLoopDelayMs: {
        p50: beyondTick(delay.percentile(50)),
        p99: beyondTick(delay.percentile(99)),
        max: beyondTick(delay.max),
      },
      eventLoopUtilization: Math.round(elu.utilization * 1000) / 1000,
      memoryMb: { ...memoryMb(), ...otherHeapsMb },
    };
    fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
  };
  const timer = setInterval(() => {
    refreshHeaps();
    if (window.requests > 0) line('window', window, windowLatency);
    window = fresh();
    windowLatency.reset();
    loopDelay.reset();
    lastElu = performance.eventLoopUtilization();
  }, WINDOW_MS);
  timer.unref();
  const bump = (counts: ReturnType<typeof fresh>, status: number, inFlightNow: number) => {
    counts.requests += 1;
    const bucket = status === 429 ? '429' : (`${Math.floor(status / 100)}xx` as '2xx' | '3xx' | '4xx' | '5xx');
    if (bucket in counts) counts[bucket] += 1;
    counts.inFlightPeak = Math.max(counts.inFlightPeak, inFlightNow);
  };
  return {
    record(status: number, latencyMs: number, inFlightNow: number) {
      const micros = Math.max(1, Math.round(latencyMs * 1000));
      windowLatency.record(micros);
      totalLatency.record(micros);
      bump(window, status, inFlightNow);
      bump(total, status, inFlightNow);
    },
    close() {
      clearInterval(timer);
      if (window.requests > 0) line('window', window, windowLatency);
      line('total', total, totalLatency);
      loopDelay.disable();
      totalLoopDelay.disable();
    },
  };
}

class PayloadTooLarge extends Error {}
class BodyTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no body within ${timeoutMs} ms`);
  }
}

/** The request's body, whole: over 10 MB a PayloadTooLarge, not arrived within `timeoutMs` a BodyTimeout. */
function readBody(req: http.IncomingMessage, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      // Answered 408 with `connection: close`: nothing more is read from it.
      reject(new BodyTimeout(timeoutMs));
    }, timeoutMs);
    timer.unref();
    const done = () => clearTimeout(timer);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        done();
        reject(new PayloadTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      done();
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      done();
      reject(error);
    });
  });
}

/** The length of a result's one large part (its body), for overPayloadLimit; unknown: infinite. */
function resultSizeHint(result: unknown): number {
  if (typeof result === 'string') return result.length;
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) return Number.POSITIVE_INFINITY;
  const { body } = result as { body?: unknown };
  if (body === undefined) return 0;
  return typeof body === 'string' ? body.length : Number.POSITIVE_INFINITY;
}

/** What API Gateway answers when its throttle refuses a request, in our error contract. */
function throttled(requestId: string, maxInFlight: number) {
  return errorAnswer(
    429,
    {
      error: 'Too Many Requests',
      message: `The API is at capacity (${maxInFlight} requests in flight); retry shortly`,
      code: 'THROTTLED',
    },
    requestId,
    { 'retry-after': '1' },
  );
}

function errorAnswer(
  status: number,
  body: { error: string; message: string; code: string },
  requestId: string,
  extraHeaders: Record<string, string> = {},
) {
  return {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      ...extraHeaders,
      'x-request-id': requestId,
    },
    body: Buffer.from(JSON.stringify({ ...body, requestId })),
  };
}

/** What API Gateway answers when it cannot get a result from the function, in our error contract. */
function badGateway(error: unknown, requestId: string) {
  console.error(`[local] ${requestId} invalid function response: ${redactString(String((error as Error)?.message))}`);
  const body = {
    error: 'Bad Gateway',
    message: 'The function answered a header HTTP cannot carry',
    code: 'BAD_GATEWAY',
  };
  return errorAnswer(502, body, requestId);
}

/**
 * The answer to a function that failed (500, the error on stderr, redacted; a result over Lambda's
 * 6 MB fails so in the cloud), a body over 10 MB or an event over Lambda's 6 MB (413), or a body
 * that did not arrive in time (408, the connection closed).
 */
function hostError(error: unknown, requestId: string) {
  if (error instanceof PayloadTooLarge) {
    const body = { error: 'Payload Too Large', message: 'The request body exceeds 10 MB', code: 'PAYLOAD_TOO_LARGE' };
    return errorAnswer(413, body, requestId);
  }
  if (error instanceof InvocationPayloadTooLargeError) {
    console.error(`[local] ${requestId} request refused: ${error.message}`);
    const message = 'The request exceeds the 6 MB a function can be invoked with';
    return errorAnswer(413, { error: 'Payload Too Large', message, code: 'PAYLOAD_TOO_LARGE' }, requestId);
  }
  if (error instanceof BodyTimeout) {
    const message = `The request body did not arrive within ${error.timeoutMs / 1000} s`;
    return errorAnswer(408, { error: 'Request Timeout', message, code: 'REQUEST_TIMEOUT' }, requestId, {
      connection: 'close',
    });
  }
  if (error instanceof ResponseTooLargeError) {
    // Loud: the same request is a 500 in the cloud; locally nothing else would show it.
    console.error(`[local] ${requestId} !!! ${error.message}`);
    const body = { error: 'Internal Server Error', message: 'The function failed to answer', code: 'INTERNAL' };
    return errorAnswer(500, body, requestId);
  }
  console.error(`[local] ${requestId} function error: ${loggableError(error)}`);
  const body = { error: 'Internal Server Error', message: 'The function failed to answer', code: 'INTERNAL' };
  return errorAnswer(500, body, requestId);
}
