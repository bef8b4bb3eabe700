import { describe, expect, it } from 'vitest';
import { describeMe } from '../../../../shared/identity/accounts/me';
import { clearSessionCookie, SESSION_COOKIE, sessionCookie } from '../../../../shared/identity/accounts/session-cookie';
import { listSessions, logOut, revokeSession, startSession } from '../../../../shared/identity/accounts/sessions';
import { signUp } from '../../../../shared/identity/accounts/sign-up';
import type { AuthContext } from '../../../../shared/identity/auth-context';
import { sha256 } from '../../../../shared/identity/tokens';
import { accountWorld, BROWSER, PASSWORD, SIGN_UP_ORIGIN } from './memory-accounts';

async function signedUp() {
  const w = accountWorld();
  const result = await signUp({ email: 'ada@example.com', password: PASSWORD, name: 'Ada' }, SIGN_UP_ORIGIN, w.deps);
  const found = await w.sessions.findActive(sha256(result.sessionToken), new Date(w.clock.now()));
  if (!found) throw new Error('sign-up left no session');
  const auth: AuthContext = {
    principal: {
      userId: result.user.userId,
      email: result.user.email,
      via: 'session',
      sessionId: found.session.sessionId,
    },
  };
  return { ...w, ...result, auth };
}

const now = (w: { clock: { now(): number } }) => new Date(w.clock.now());

describe('session lifetime', () => {
  it('is active until 7 days after creation, then findActive returns nothing', async () => {
    const w = await signedUp();
    const hash = sha256(w.sessionToken);

    w.clock.advance(7 * 24 * 3600 - 1);
    expect(await w.sessions.findActive(hash, now(w))).toBeDefined();
    w.clock.advance(1);
    expect(await w.sessions.findActive(hash, now(w))).toBeUndefined();
  });

  it('stores only the hash of the token', async () => {
    const w = await signedUp();
    expect(w.sessions.byHash.has(w.sessionToken)).toBe(false);
    expect(w.sessions.byHash.has(sha256(w.sessionToken))).toBe(true);
  });
});

describe('logOut', () => {
  it('revokes the current session', async () => {
    const w = await signedUp();
    await logOut(w.auth, w.sessionToken, BROWSER, w.deps);
    expect(await w.sessions.findActive(sha256(w.sessionToken), now(w))).toBeUndefined();
    expect(w.audit.types()).toContain('auth.logout');
  });

  // Unreachable through the route: the edge refuses a key on log-out (account-level) with this very
  // answer before the operation runs (test/e2e/r23a-logout-key-documented-answer.test.ts). The
  // use case's own guard answers the same, should a key ever reach it.
  it('refuses an API-key caller as the edge does: 403 API_KEY_NOT_ALLOWED', async () => {
    const w = await signedUp();
    const viaKey: AuthContext = {
      principal: { userId: w.user.userId, email: w.user.email, via: 'apiKey', apiKeyId: 'k' },
    };
    await expect(logOut(viaKey, undefined, BROWSER, w.deps)).rejects.toMatchObject({
      status: 403,
      code: 'API_KEY_NOT_ALLOWED',
    });
  });
});

describe('listSessions and revokeSession', () => {
  it('lists active sessions with the current one marked, never a token or hash', async () => {
    const w = await signedUp();
    const other = await startSession(w.user.userId, { ip: '192.0.2.9', userAgent: 'curl/8' }, w.deps, now(w));

    const { sessions } = await listSessions(w.auth, w.deps);

    expect(sessions.map((s) => [s.id, s.current]).sort()).toEqual(
      [
        [w.auth.principal.sessionId, true],
        [other.session.sessionId, false],
      ].sort(),
    );
    const text = JSON.stringify(sessions);
    for (const secret of [w.sessionToken, other.token, sha256(other.token)]) expect(text).not.toContain(secret);
    expect(Object.keys(sessions[0] ?? {}).sort()).toEqual(
      ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'].sort(),
    );
  });

  it('revokes one of the caller’s sessions; its cookie stops working', async () => {
    const w = await signedUp();
    const other = await startSession(w.user.userId, BROWSER, w.deps, now(w));

    await revokeSession(w.auth, other.session.sessionId, BROWSER, w.deps);

    expect(await w.sessions.findActive(sha256(other.token), now(w))).toBeUndefined();
    expect(await w.sessions.findActive(sha256(w.sessionToken), now(w))).toBeDefined();
    expect((await listSessions(w.auth, w.deps)).sessions).toHaveLength(1);
    expect(w.audit.types()).toContain('auth.session_revoked');
  });

  it('answers 404 for someone else’s session and leaves it alone', async () => {
    const w = await signedUp();
    const mallory = await signUp(
      { email: 'mallory@example.com', password: PASSWORD, name: 'Mallory' },
      SIGN_UP_ORIGIN,
      w.deps,
    );
    const theirs = await w.sessions.findActive(sha256(mallory.sessionToken), now(w));

    await expect(revokeSession(w.auth, theirs?.session.sessionId ?? '', BROWSER, w.deps)).rejects.toMatchObject({
      status: 404,
      code: 'SESSION_NOT_FOUND',
    });
    expect(await w.sessions.findActive(sha256(mallory.sessionToken), now(w))).toBeDefined();
  });
});

describe('describeMe', () => {
  it('returns the user, their memberships with workspace names, and the default workspace', async () => {
    const w = await signedUp();
    expect(await describeMe(w.user.userId, w.deps)).toEqual({
      user: { userId: w.user.userId, email: 'ada@example.com', name: 'Ada', emailVerified: false },
      memberships: [
        {
          workspaceId: w.workspace.workspaceId,
          organizationId: w.organization.organizationId,
          role: 'owner',
          workspaceName: 'Default',
        },
      ],
      defaultWorkspaceId: w.workspace.workspaceId,
    });
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, 7 days, Secure unless local', () => {
    expect(SESSION_COOKIE).toBe('session');
    expect(sessionCookie('tok', true)).toBe('session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800; Secure');
    expect(sessionCookie('tok', false)).toBe('session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800');
    expect(clearSessionCookie(true)).toBe('session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
  });
});
