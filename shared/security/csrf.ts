/**
 * The CSRF check of the HTTP edge: double-submit cookie plus an Origin check. It runs on
 * every state-changing method of a route declared with `csrf: true`, before the body is
 * read. Requests authenticated by an API key in `Authorization` carry no ambient
 * credential a browser could replay, so they are exempt — unless they also send cookies.
 */
import { ForbiddenError } from '../errors';
import { constantTimeEqual } from './constant-time';
import { CSRF_COOKIE, CSRF_HEADER, isWellFormedCsrfToken } from './csrf-token';

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

/** Whether a request to a `csrf: true` route must pass the check. */
export function csrfApplies(input: Pick<CsrfInput, 'method' | 'path' | 'headers' | 'cookies'>): boolean {
  if (!STATE_CHANGING.has(input.method) || !input.path.startsWith('/api/')) return false;
  const bearerKey = /^Bearer\s+uh_[0-9a-f]{32}$/i.test(input.headers.authorization ?? '');
  return !(bearerKey && Object.keys(input.cookies).length === 0);
}

/** Throws a 403 with `CSRF_ORIGIN_MISMATCH` or `CSRF_TOKEN_INVALID`; returns when the request passes. */
export function assertCsrf(input: CsrfInput): void {
  const origin = input.headers.origin ?? refererOrigin(input.headers.referer);
  if (origin !== undefined && hostOf(origin) !== input.publicHost.toLowerCase()) {
    throw new CsrfError('The request origin does not match this site', 'CSRF_ORIGIN_MISMATCH');
  }
  const cookie = input.cookies[CSRF_COOKIE];
  const header = input.headers[CSRF_HEADER];
  if (!isWellFormedCsrfToken(cookie) || !isWellFormedCsrfToken(header) || !constantTimeEqual(cookie, header)) {
    throw new CsrfError(
      `A valid CSRF token is required: get one from GET /api/csrf-token and send it in ${CSRF_HEADER}`,
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
