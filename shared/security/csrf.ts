/**
 * The CSRF check of the HTTP edge: an Origin check plus a token (see csrf-token.ts: bound to
 * the session when the request carries one, else double submit). It runs on every
 * state-changing method of a route declared with `csrf: true`, before the body is read.
 * Requests authenticated by an API key carry no ambient credential a browser could replay,
 * so they are exempt, but only when the key was verified (it exists and is active) and no
 * cookie came with it: a made-up key buys nothing.
 */
import { ForbiddenError } from '../errors';
import { SESSION_COOKIE } from '../identity/accounts/session-cookie';
import { constantTimeEqual } from './constant-time';
import { CSRF_COOKIE, CSRF_HEADER, isWellFormedCsrfToken, sessionCsrfToken } from './csrf-token';

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface CsrfInput {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** The host the caller addressed (behind CloudFront: the public host). */
  readonly publicHost: string;
}

export class CsrfError extends ForbiddenError {
  override name = 'CsrfError';
}

/**
 * Whether a request to a `csrf: true` route must pass the check. `verifiedApiKey` is true
 * only when the edge looked the request's API key up and found it active.
 */
export function csrfApplies(
  input: Pick<CsrfInput, 'method' | 'path' | 'cookies'> & { readonly verifiedApiKey: boolean },
): boolean {
  if (!STATE_CHANGING.has(input.method) || !input.path.startsWith('/api/')) return false;
  return !(input.verifiedApiKey && Object.keys(input.cookies).length === 0);
}

/** Throws a 403 with `CSRF_ORIGIN_MISMATCH` or `CSRF_TOKEN_INVALID`; returns when the request passes. */
export function assertCsrf(input: CsrfInput): void {
  const origin = input.headers.origin ?? refererOrigin(input.headers.referer);
  if (origin !== undefined && hostOf(origin) !== input.publicHost.toLowerCase()) {
    throw new CsrfError('The request origin does not match this site', 'CSRF_ORIGIN_MISMATCH');
  }
  const header = input.headers[CSRF_HEADER];
  const session = input.cookies[SESSION_COOKIE];
  // With a session, the token must be the session's own; without, the cookie's (double submit).
  const expected = session ? sessionCsrfToken(session) : input.cookies[CSRF_COOKIE];
  if (!isWellFormedCsrfToken(expected) || !isWellFormedCsrfToken(header) || !constantTimeEqual(expected, header)) {
    throw new CsrfError(
      session
        ? `A valid CSRF token is required: this session's token came with the log-in answer (csrfToken) and from GET /api/csrf-token; send it in ${CSRF_HEADER}`
        : `A valid CSRF token is required: get one from GET /api/csrf-token and send it in ${CSRF_HEADER} with the cookie it set`,
      'CSRF_TOKEN_INVALID',
    );
  }
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid:';
  }
}

/** `https://app.example:8443` -> `app.example:8443`; `null` and garbage never match a host. */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '\u0000unparseable';
  }
}
