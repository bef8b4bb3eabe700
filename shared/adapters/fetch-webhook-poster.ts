/**
 * The webhook poster over the global fetch: one POST, a timeout per attempt, redirects never
 * followed (a 3xx is an answer, so a redirect cannot lead inside the network). Unless private
 * webhooks are allowed, the host's addresses are resolved first and a private one refuses the
 * send. (fetch resolves the name again; a name that changes its answer in between is not caught.)
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookAnswer, WebhookPoster } from '../campaigns/webhook-action';
import { isPrivateAddress, type WebhookPolicy, webhookUrlProblem } from '../campaigns/webhook-url';

export const WEBHOOK_TIMEOUT_MS = 5000;

export interface FetchWebhookPosterOptions {
  readonly policy: WebhookPolicy;
  readonly timeoutMs?: number;
  /** Every address of a host name (tests pass their own). */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const resolveAll = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

export function fetchWebhookPoster(options: FetchWebhookPosterOptions): WebhookPoster {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const resolve = options.resolve ?? resolveAll;
  return {
    async post(url, body, headers): Promise<WebhookAnswer> {
      // The journey was checked at save; the policy may be stricter where it runs.
      const problem = webhookUrlProblem(url, options.policy);
      if (problem) return { kind: 'refused', reason: problem };
      if (!options.policy.allowPrivate) {
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        try {
          const addresses = isIP(host) ? [host] : await resolve(host);
          const inward = addresses.find(isPrivateAddress);
          if (inward) return { kind: 'refused', reason: `${host} resolves to a private address (${inward})` };
        } catch (error) {
          return { kind: 'unreachable', reason: `${host} does not resolve (${codeOf(error)})` };
        }
      }
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Only the status counts; the body is dropped so the connection is freed.
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'answered', status: response.status };
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        return { kind: 'unreachable', reason: timedOut ? `no answer within ${timeoutMs} ms` : codeOf(error) };
      }
    },
  };
}

function codeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  return typeof code === 'string' ? code : (error as Error).message;
}
