/**
 * Double-submit CSRF tokens: 32 random bytes as hex, in the `csrf-token` cookie and echoed
 * by the client in the `x-csrf-token` header. Enforcement lives in the HTTP edge.
 */
import { randomBytes } from 'node:crypto';

export const CSRF_COOKIE = 'csrf-token';
export const CSRF_HEADER = 'x-csrf-token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export const newCsrfToken = (): string => randomBytes(32).toString('hex');
export const isWellFormedCsrfToken = (value: string | undefined): value is string =>
  value !== undefined && TOKEN_PATTERN.test(value);

/** The `Set-Cookie` value. `Secure` everywhere but the local runtime, which serves plain HTTP. */
export function csrfCookie(token: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${token}; Path=/; SameSite=Strict; HttpOnly; Max-Age=86400${secure ? '; Secure' : ''}`;
}
