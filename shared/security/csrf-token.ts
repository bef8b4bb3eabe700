/**
 * CSRF tokens, 64 hex characters, in the `csrf-token` cookie and echoed by the client in the
 * `x-csrf-token` header. Enforcement lives in the HTTP edge (csrf.ts).
 *
 * - Without a session (sign-up, log-in, password reset) the token is random and checked by
 *   double submit: cookie and header must match.
 * - With a session the token is bound to it: it must be {@link sessionCsrfToken} of the
 *   session cookie the request carries. The session token is secret (an HttpOnly cookie), so
 *   nobody who can plant a cookie pair in a browser can compute the token of its session.
 *   Log-in and sign-up answer with the new session's token; `GET /api/csrf-token` with a
 *   session returns it too.
 */
import { createHash, randomBytes } from 'node:crypto';

export const CSRF_COOKIE = 'csrf-token';
export const CSRF_HEADER = 'x-csrf-token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export const newCsrfToken = (): string => randomBytes(32).toString('hex');

/** The CSRF token of a session: a one-way derivation of its secret token (domain-separated). */
export const sessionCsrfToken = (sessionToken: string): string =>
  createHash('sha256').update(`unite-hub csrf v1\u0000${sessionToken}`).digest('hex');

export const isWellFormedCsrfToken = (value: string | undefined): value is string =>
  value !== undefined && TOKEN_PATTERN.test(value);

/**
 * The token to hand a caller: a signed-in caller's session token; anyone else keeps their own
 * while it is well formed (so two open tabs don't invalidate each other), else a new one.
 */
export function currentCsrfToken(cookies: { session?: string | undefined; csrf?: string | undefined }): string {
  if (cookies.session) return sessionCsrfToken(cookies.session);
  return isWellFormedCsrfToken(cookies.csrf) ? cookies.csrf : newCsrfToken();
}

/** The `Set-Cookie` value. `Secure` everywhere but the local runtime, which serves plain HTTP. */
export function csrfCookie(token: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${token}; Path=/; SameSite=Strict; HttpOnly; Max-Age=86400${secure ? '; Secure' : ''}`;
}
