/**
 * The webhook poster: one POST over node:http/node:https, a timeout per attempt, redirects never
 * followed (a 3xx is an answer, so a redirect cannot lead inside the network). Unless private
 * webhooks are allowed, the host's addresses are resolved once and a private one (isPrivateAddress:
 * private, loopback, link-local, unique-local, IPv4-mapped and other embedded IPv4) refuses the
 * send; the connection then goes only to those checked addresses (the socket's `lookup` answers
 * them and never asks DNS again), so a name that changes its answer between the check and the
 * connection (DNS rebinding) cannot lead inward. The host name is kept for TLS (SNI and the
 * certificate check) and the Host header. No connection is pooled: each POST opens its own.
 */
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { type ClientRequest, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookAnswer, WebhookPoster } from '../campaigns/webhook-action';
import { isPrivateAddress, type WebhookPolicy, webhookUrlProblem } from '../campaigns/webhook-url';

export const WEBHOOK_TIMEOUT_MS = 5000;

export interface FetchWebhookPosterOptions {
  readonly policy: WebhookPolicy;
  readonly timeoutMs?: number;
  /** Every address of a host name (tests pass their own). The connection uses only its answer. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const resolveAll = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

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
  const resolve = options.resolve ?? resolveAll;
  return {
    async post(url, body, headers): Promise<WebhookAnswer> {
      // The journey was checked at save; the policy may be stricter where it runs.
      const problem = webhookUrlProblem(url, options.policy);
      if (problem) return { kind: 'refused', reason: problem };
      let vetted: readonly string[] | undefined;
      if (!options.policy.allowPrivate) {
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        try {
          const addresses = isIP(host) ? [host] : await resolve(host);
          const inward = addresses.find(isPrivateAddress);
          if (inward) return { kind: 'refused', reason: `${host} resolves to a private address (${inward})` };
          if (addresses.length === 0 || !addresses.every((a) => isIP(a) !== 0)) {
            return { kind: 'unreachable', reason: `${host} does not resolve (ENOTFOUND)` };
          }
          vetted = addresses;
        } catch (error) {
          return { kind: 'unreachable', reason: `${host} does not resolve (${codeOf(error)})` };
        }
      }
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const status = await postOnce(url, body, headers, signal, vetted);
        return { kind: 'answered', status };
      } catch (error) {
        const timedOut = signal.aborted || (error as Error).name === 'TimeoutError';
        return { kind: 'unreachable', reason: timedOut ? `no answer within ${timeoutMs} ms` : codeOf(error) };
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
