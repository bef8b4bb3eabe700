/**
 * Sessions: an opaque random token in the cookie, only its SHA-256 stored. Absolute
 * lifetime 7 days (no sliding renewal: a stolen cookie dies on schedule). Each keeps its user agent
 * cut ({@link storedUserAgent}); the listing shows the newest {@link SESSIONS_LISTED} and counts the
 * rest, so it is bounded whatever a user holds.
 */
import { NotFoundError } from '../../errors';
import type { AuthContext } from '../auth-context';
import { apiKeyNotAllowed } from '../authenticate';
import type { Session, User } from '../model';
import { newId, newSessionToken, sha256 } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { invalidCredentials } from './errors';
import { SESSIONS_LISTED, storedUserAgent } from './per-user-limits';
import type { AccountDeps, RequestOrigin } from './ports';
import { SESSION_LIFETIME_SECONDS } from './session-cookie';

/**
 * Creates a session for the user; the raw token goes into the cookie and nowhere else.
 * `passwordVersion`: the credentials' version the caller just verified. The session is tied to
 * it: written only while it is still current, and ended by any later password change.
 * @throws UnauthorizedError `INVALID_CREDENTIALS` when the password changed since it was verified
 *   (a log-in racing a reset with the old password: answered as a wrong password).
 */
export async function startSession(
  userId: string,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'sessions'>,
  now: Date,
  passwordVersion?: number,
): Promise<{ token: string; session: Session }> {
  const token = newSessionToken(userId);
  const session: Session = {
    sessionId: newId(),
    userId,
    ip: origin.ip,
    userAgent: storedUserAgent(origin.userAgent),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000).toISOString(),
    ...(passwordVersion === undefined ? {} : { passwordVersion }),
  };
  if (!(await deps.sessions.create(sha256(token), session))) throw invalidCredentials();
  return { token, session };
}

/**
 * Ends the caller's current session. `sessionToken` is the raw cookie value when present
 * (addresses the record directly). An API key never gets here: log-out is an account-level route,
 * which the edge refuses to keys with 403 `API_KEY_NOT_ALLOWED` (authenticate.ts, `apiKeysMayCall`);
 * the check below is a guard should that ever change, and answers the same.
 */
export async function logOut(
  auth: AuthContext,
  sessionToken: string | undefined,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'sessions' | 'accounts' | 'audit' | 'clock'>,
): Promise<void> {
  const { principal } = auth;
  if (principal.via !== 'session' || !principal.sessionId) {
    throw apiKeyNotAllowed();
  }
  const now = new Date(deps.clock.now());
  const tokenHash = sessionToken ? sha256(sessionToken) : undefined;
  await deps.sessions.revoke(principal.userId, principal.sessionId, now, tokenHash);
  await audit('auth.logout', 'logout', principal.sessionId, auth, origin, deps, now);
}

export interface SessionView {
  readonly id: string;
  readonly ip: string;
  readonly userAgent: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly current: boolean;
}

/**
 * The caller's active sessions, newest first, the current one marked; never a token or its hash.
 * The newest {@link SESSIONS_LISTED}, and the current one whatever its age; `moreActive` counts the
 * active ones left out ("log out everywhere" ends them all). User agents cut.
 */
export async function listSessions(
  auth: AuthContext,
  deps: Pick<AccountDeps, 'sessions' | 'clock'>,
): Promise<{ sessions: SessionView[]; moreActive?: number }> {
  // Opened with a password changed since: ended by that change, whether or not a sweep marked it
  // (a reset's sweep may not reach every session, password-reset.ts). The caller's own session is
  // live, so its version is the current one.
  const version = auth.principal.passwordVersion ?? 0;
  const active = (await deps.sessions.listActive(auth.principal.userId, new Date(deps.clock.now()))).filter(
    (s) => (s.passwordVersion ?? 0) >= version,
  );
  const current = auth.principal.sessionId;
  const shown = active.slice(0, SESSIONS_LISTED);
  const left = active.slice(SESSIONS_LISTED);
  const currentLeftOut = left.find((s) => s.sessionId === current);
  if (currentLeftOut) shown[shown.length - 1] = currentLeftOut;
  const sessions = shown.map(
    (s): SessionView => ({
      id: s.sessionId,
      ip: s.ip,
      // Cut again: a session opened before the cut lives out its 7 days.
      userAgent: storedUserAgent(s.userAgent),
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.expiresAt,
      current: s.sessionId === current,
    }),
  );
  return left.length > 0 ? { sessions, moreActive: left.length } : { sessions };
}

/** Revokes one of the caller's own sessions; anyone else's id is 404, like a missing one. */
export async function revokeSession(
  auth: AuthContext,
  sessionId: string,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'sessions' | 'accounts' | 'audit' | 'clock'>,
): Promise<void> {
  const now = new Date(deps.clock.now());
  const revoked = await deps.sessions.revoke(auth.principal.userId, sessionId, now);
  if (!revoked) throw new NotFoundError('No such session', 'SESSION_NOT_FOUND');
  await audit('auth.session_revoked', 'revoke', sessionId, auth, origin, deps, now);
}

async function audit(
  type: 'auth.logout' | 'auth.session_revoked',
  action: string,
  sessionId: string,
  auth: AuthContext,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'accounts' | 'audit'>,
  now: Date,
) {
  const user: User | undefined = await deps.accounts.findUser(auth.principal.userId);
  if (!user) return;
  await recordAuthEvent(deps.audit, { type, action, user, origin, resource: { type: 'session', id: sessionId } }, now);
}
