/**
 * The local stand-in for API Gateway: matches a request against the declared routes
 * (unmatched ones go to the `$default` fallback, as in the cloud), invokes the route's
 * function with a payload v2 event and writes its result back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveRoute } from '../../shared/http/path-match';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';
import { fallbackRoute, routeKey, routes } from '../definition';
import { buildEvent, newRequestId, type RawRequest, readResult } from './api-event';
import type { FunctionHost } from './function-host';

/** API Gateway refuses payloads over 10 MB before any function runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface HttpHostOptions {
  host: string;
  port: number;
  functions: FunctionHost;
  log: (line: string) => void;
}

export async function startHttpHost(opts: HttpHostOptions): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    readBody(req)
      .then(async (body) => {
        const raw: RawRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body,
          sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        };
        const path = new URL(raw.url, 'http://local').pathname;
        const found = resolveRoute(routes, raw.method, path);
        const match = found.route
          ? { routeKey: routeKey(found.route), pathParameters: found.params, fn: found.route.function }
          : { routeKey: '$default', fn: fallbackRoute.function };
        const result = await opts.functions.invoke(match.fn, buildEvent(raw, match, requestId), requestId);
        return readResult(result);
      })
      .catch((error: unknown) => hostError(error, requestId))
      .then((out) => {
        res.writeHead(out.status, { ...out.headers, 'apigw-requestid': requestId });
        res.end(req.method === 'HEAD' ? undefined : out.body);
        const ms = (performance.now() - started).toFixed(1);
        opts.log(`${req.method} ${req.url} ${out.status} ${ms} ms`);
      });
  });
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`, server };
}

class PayloadTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        reject(new PayloadTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What API Gateway answers when it cannot get a result from the function, in our error contract. */
function hostError(error: unknown, requestId: string) {
  const tooLarge = error instanceof PayloadTooLarge;
  const body = tooLarge
    ? { error: 'Payload Too Large', message: 'The request body exceeds 10 MB', code: 'PAYLOAD_TOO_LARGE', requestId }
    : { error: 'Internal Server Error', message: 'The function failed to answer', code: 'INTERNAL', requestId };
  if (!tooLarge) console.error(`[local] ${requestId} function error:`, error);
  return {
    status: tooLarge ? 413 : 500,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
    body: Buffer.from(JSON.stringify(body)),
  };
}
