/**
 * The webhook poster: one POST over node:http/node:https, redirects never followed (a 3xx is an
 * answer, so a redirect cannot lead inside the network). One deadline bounds the whole attempt,
 * started before anything else: resolving the host (the name is whatever a campaign editor typed,
 * so its nameserver may be theirs, and slow on purpose), connecting, sending and the answer.
 * Unless private webhooks are allowed, the host's addresses are resolved once and a private one
 * (isPrivateAddress: private, loopback, link-local, unique-local, IPv4-mapped and other embedded
 * IPv4) refuses the send; the connection then goes only to those checked addresses (the socket's
 * `lookup` answers them and never asks DNS again), so a name that changes its answer between the
 * check and the connection (DNS rebinding) cannot lead inward. The host name is kept for TLS (SNI and the
 * certificate check) and the Host header. No connection is pooled: each POST opens its own.
 */
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { type ClientRequest, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookAnswer, WebhookPoster } from '../campaigns/webhook-action';
import { isPrivateAddress, type WebhookPolicy, webhookUrlProblem } from '../campaigns/webhook-url';

/** One attempt, from resolving the host to the answer's status. */
export const WEBHOOK_TIMEOUT_MS = 5000;

export interface FetchWebhookPosterOptions {
  readonly policy: WebhookPolicy;
  readonly timeoutMs?: number;
  /**
   * Every address of a host name (default {@link resolveHost}; tests pass their own). The
   * connection uses only its answer. `deadline` aborts when the attempt's time is up: the attempt
   * ends then whether or not this has settled; a resolver should also stop its queries.
   */
  readonly resolve?: (host: string, deadline: AbortSignal) => Promise<readonly string[]>;
}

/**
 * Every address of `host`: its A and AAAA records, asked of the system's nameservers (or
 * `servers`) through c-ares, IPv4 first. Not `dns.lookup`: getaddrinfo runs on the libuv
 * threadpool (4 threads, shared with the AWS SDK's own lookups and with crypto and files) and
 * cannot be stopped, so a nameserver that never answers would hold a thread until the system
 * resolver gives up, whatever the attempt's deadline. These queries are cancelled when `deadline`
 * aborts. A name with addresses of one family only answers those; with none, the A query's error.
 */
export async function resolveHost(host: string, deadline: AbortSignal, servers?: readonly string[]) {
  const resolver = new Resolver();
  if (servers) resolver.setServers(servers);
  const cancel = () => resolver.cancel();
  deadline.addEventListener('abort', cancel, { once: true });
  try {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [v4, v6].flatMap((answer) => (answer.status === 'fulfilled' ? answer.value : []));
    if (addresses.length === 0 && v4.status === 'rejected') throw v4.reason;
    return addresses;
  } finally {
    deadline.removeEventListener('abort', cancel);
  }
}

/** `work`, unless `deadline` aborts first: then its reason (a TimeoutError), whatever `work` does. */
function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(deadline.reason);
  let abort = () => {};
  const late = new Promise<never>((_, reject) => {
    abort = () => reject(deadline.reason);
    deadline.addEventListener('abort', abort, { once: true });
  });
  return Promise.race([work, late]).finally(() => deadline.removeEventListener('abort', abort));
}

/** A socket `lookup` that answers only `vetted` (already checked), whatever the name. */
export function vettedLookup(vetted: readonly string[]): NonNullable<RequestOptions['lookup']> {
  const answers: LookupAddress[] = vetted.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  return ((_host: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    const wanted = familyOf(options?.family);
    const fitting = wanted ? answers.filter((a) => a.family === wanted) : answers;
    if (fitting.length === 0) {
      const error = Object.assign(new Error(`no checked address of family ${wanted}`), { code: 'ENOTFOUND' });
      if (options?.all) callback(error, []);
      else callback(error, '', 0);
      return;
    }
    if (options?.all) callback(null, fitting);
    else callback(null, fitting[0]?.address ?? '', fitting[0]?.family ?? 4);
  }) as unknown as typeof dnsLookup;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function familyOf(family: number | string | undefined): 4 | 6 | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

export function fetchWebhookPoster(options: FetchWebhookPosterOptions): WebhookPoster {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const resolve = options.resolve ?? ((host: string, deadline: AbortSignal) => resolveHost(host, deadline));
  return {
    async post(url, body, headers): Promise<WebhookAnswer> {
      // The journey was checked at save; the policy may be stricter where it runs.
      const problem = webhookUrlProblem(url, options.policy);
      if (problem) return { kind: 'refused', reason: problem };
      // One deadline for the whole attempt, the host's resolution included.
      const deadline = AbortSignal.timeout(timeoutMs);
      const late = `no answer within ${timeoutMs} ms`;
      let vetted: readonly string[] | undefined;
      if (!options.policy.allowPrivate) {
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        try {
          const addresses = isIP(host) ? [host] : await beforeDeadline(resolve(host, deadline), deadline);
          const inward = addresses.find(isPrivateAddress);
          if (inward) return { kind: 'refused', reason: `${host} resolves to a private address (${inward})` };
          if (addresses.length === 0 || !addresses.every((a) => isIP(a) !== 0)) {
            return { kind: 'unreachable', reason: `${host} does not resolve (ENOTFOUND)` };
          }
          vetted = addresses;
        } catch (error) {
          if (deadline.aborted) return { kind: 'unreachable', reason: `${late} (${host} did not resolve in time)` };
          return { kind: 'unreachable', reason: `${host} does not resolve (${codeOf(error)})` };
        }
      }
      try {
        const status = await postOnce(url, body, headers, deadline, vetted);
        return { kind: 'answered', status };
      } catch (error) {
        const timedOut = deadline.aborted || (error as Error).name === 'TimeoutError';
        return { kind: 'unreachable', reason: timedOut ? late : codeOf(error) };
      }
    },
  };
}

/** One POST; answers the status. With `vetted`, the socket connects only to those addresses. */
function postOnce(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  vetted: readonly string[] | undefined,
): Promise<number> {
  const target = new URL(url);
  const payload = Buffer.from(body, 'utf8');
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.length) },
          // A fresh connection per POST: no pooled socket chosen by name alone.
          agent: false,
          signal,
          ...(vetted ? { lookup: vettedLookup(vetted) } : {}),
        },
        (response: IncomingMessage) => {
          // Only the status counts; the body is dropped so the connection is freed.
          resolve(response.statusCode ?? 0);
          response.destroy();
        },
      );
    } catch (error) {
      reject(error);
      return;
    }
    request.on('error', reject);
    request.end(payload);
  });
}

function codeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  return typeof code === 'string' ? code : (error as Error).message;
}
