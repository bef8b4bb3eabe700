/**
 * A small autocannon-like HTTP/1.1 client for `npm run bench:http`: N kept-alive connections, each
 * sending the same GET as soon as the previous answer is in, for a fixed time. Raw sockets and a
 * minimal response parser (Content-Length or chunked), so the client costs little CPU per request
 * and a fast server is not measured at the speed of Node's own http client.
 */
import net from 'node:net';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface HammerOptions {
  connections: number;
  seconds: number;
  /** Latencies (µs) are recorded here too, to sum rounds. */
  into?: RecordableHistogram;
}

export interface HammerResult {
  url: string;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** Bytes of one whole answer at the start of `buf`, its status; undefined while incomplete. */
export function parseAnswer(buf: Buffer): { length: number; status: number } | undefined {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd < 0) return undefined;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = headEnd + 4 + Number(length[1]);
    return buf.length >= total ? { length: total, status } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    // Chunk by chunk: a chunk's data may itself hold `0\r\n\r\n`.
    for (let at = headEnd + 4; ; ) {
      const lineEnd = buf.indexOf(CRLF, at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0) {
        const end = buf.indexOf(HEADER_END, lineEnd); // after any trailers
        return end < 0 ? undefined : { length: end + HEADER_END.length, status };
      }
      at = lineEnd + CRLF.length + size + CRLF.length;
      if (Number.isNaN(at) || at > buf.length) return undefined;
    }
  }
  return { length: headEnd + 4, status };
}

/** Keeps `connections` requests in flight against a loopback URL for `seconds`, then stops. */
export async function hammer(url: string, { connections, seconds, into }: HammerOptions): Promise<HammerResult> {
  const { hostname, port, pathname, search } = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) throw new Error(`loopback only, not ${hostname}`);
  const request = Buffer.from(
    `GET ${pathname}${search} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: keep-alive\r\n\r\n`,
  );
  const latency = createHistogram();
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const connection = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port), noDelay: true });
      let pending = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        if (performance.now() >= deadline) {
          socket.end();
          return resolve();
        }
        sentAt = performance.now();
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('data', (chunk) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        for (let answer = parseAnswer(pending); answer; answer = parseAnswer(pending)) {
          pending = pending.subarray(answer.length);
          requests += 1;
          if (answer.status < 200 || answer.status > 299) non2xx += 1;
          const us = Math.max(1, Math.round((performance.now() - sentAt) * 1000));
          latency.record(us);
          into?.record(us);
          send();
        }
      });
      socket.on('error', () => {
        errors += 1;
        resolve();
      });
      socket.on('close', () => resolve());
    });

  await Promise.all(Array.from({ length: connections }, connection));
  const elapsed = (performance.now() - started) / 1000;
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    url,
    requests,
    non2xx,
    errors,
    seconds: Math.round(elapsed * 100) / 100,
    requestsPerSecond: Math.round(requests / elapsed),
    latencyMs: requests
      ? { p50: ms(latency.percentile(50)), p99: ms(latency.percentile(99)), max: ms(latency.max) }
      : { p50: 0, p99: 0, max: 0 },
  };
}
