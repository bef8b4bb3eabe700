/**
 * The session cookie. `HttpOnly` keeps it from scripts; `SameSite=Lax` keeps it off
 * cross-site sub-requests while a link from an email still lands logged in (CSRF tokens
 * cover state-changing requests); `Secure` everywhere but the local runtime (plain HTTP).
 */
export const SESSION_COOKIE = 'session';
/** Absolute session lifetime: 7 days. */
export const SESSION_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

/** The `Set-Cookie` value that starts a session. */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_LIFETIME_SECONDS}${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that removes the cookie (log-out). */
export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}
