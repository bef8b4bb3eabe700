/**
 * Review round 25, fixer f: a password reset swept every session, API key, invite and webhook token
 * of the user (in every workspace) within its one request, with no bound: a user with thousands of
 * sessions or a hundred workspaces made the reset outlast its function (10 s), and a sweep's
 * failure answered 5xx after the password had changed and the token was used up. The password
 * change (with its version, which ends every old session and grant at once) is what must hold; the
 * sweeps only clean up. Now they get a bounded share of the request, their failure or overrun is
 * logged and audited, never the answer, and the session listing judges sessions by the version
 * itself, so one the sweep did not reach is never shown as active.
 */
import { describe, expect, it } from 'vitest';
import { logIn } from '../../../../shared/identity/accounts/log-in';
import {
  confirmPasswordReset,
  RESET_SWEEP_BUDGET_MS,
  requestPasswordReset,
} from '../../../../shared/identity/accounts/password-reset';
import type { AccountDeps } from '../../../../shared/identity/accounts/ports';
import { listSessions, startSession } from '../../../../shared/identity/accounts/sessions';
import { signUp } from '../../../../shared/identity/accounts/sign-up';
import type { AuthContext } from '../../../../shared/identity/auth-context';
import { accountWorld, BROWSER, PASSWORD, SIGN_UP_ORIGIN } from './memory-accounts';

const EMAIL = 'ada@example.com';
const NEW_PASSWORD = 'a brand new passphrase';

async function resetWorld() {
  const w = accountWorld();
  const result = await signUp({ email: EMAIL, password: PASSWORD, name: 'Ada' }, SIGN_UP_ORIGIN, w.deps);
  await requestPasswordReset(EMAIL, 'https://app.example.com', w.deps);
  return { ...w, ...result, token: w.email.lastToken(EMAIL) };
}

const never = () => new Promise<never>(() => undefined);

describe('a password reset whose sweeps cannot finish in its request', () => {
  it('answers once the password is changed and the sweeps have had their share, however many they face', async () => {
    const w = await resetWorld();
    // Sweeps that never end (a user with more than one request can sweep).
    // A clock whose waits pass its time (the world's ends them without).
    const sleeps: number[] = [];
    const clock = {
      now: w.clock.now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        w.clock.ms += ms;
      },
    };
    const deps: AccountDeps = {
      ...w.deps,
      clock,
      sessions: Object.assign(Object.create(w.sessions), { revokeAll: never }),
      apiKeys: { revokeAllOf: never },
      accounts: Object.assign(Object.create(w.accounts), { revokeGrants: never }),
    };

    await expect(confirmPasswordReset({ token: w.token, password: NEW_PASSWORD }, BROWSER, deps)).resolves.toBe(
      undefined,
    );

    expect(sleeps).toEqual([RESET_SWEEP_BUDGET_MS]);
    // The password is the new one (its version ends every old session and grant).
    await expect(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps)).rejects.toMatchObject({ status: 401 });
    expect((await logIn({ email: EMAIL, password: NEW_PASSWORD }, BROWSER, w.deps)).user.userId).toBe(w.user.userId);
    const entry = w.audit.entries.find((e) => e.eventType === 'auth.password_reset');
    expect(entry?.metadata).toMatchObject({ sweepComplete: false });
  });

  it('answers 204, not 5xx, when a sweep fails after the password changed', async () => {
    const w = await resetWorld();
    const deps: AccountDeps = {
      ...w.deps,
      apiKeys: { revokeAllOf: () => Promise.reject(new Error('throttled')) },
    };

    await expect(
      confirmPasswordReset({ token: w.token, password: NEW_PASSWORD }, BROWSER, deps),
    ).resolves.toBeUndefined();

    expect((await logIn({ email: EMAIL, password: NEW_PASSWORD }, BROWSER, w.deps)).user.userId).toBe(w.user.userId);
    // The other sweeps ran; the email was verified and the audit entry written all the same.
    expect(w.accounts.grantsValidFrom.has(w.user.userId)).toBe(true);
    expect(await w.accounts.findUser(w.user.userId)).toMatchObject({ emailVerified: true });
    const entry = w.audit.entries.find((e) => e.eventType === 'auth.password_reset');
    expect(entry?.metadata).toMatchObject({ sweepComplete: false });
  });

  it('records a complete sweep as such', async () => {
    const w = await resetWorld();
    await confirmPasswordReset({ token: w.token, password: NEW_PASSWORD }, BROWSER, w.deps);
    const entry = w.audit.entries.find((e) => e.eventType === 'auth.password_reset');
    expect(entry?.metadata).toMatchObject({ sweepComplete: true, sessionsRevoked: 1 });
  });
});

describe('the session listing after a reset whose sweep did not reach every session', () => {
  it('shows only the sessions opened with the current password', async () => {
    const w = await resetWorld();
    const now = () => new Date(w.clock.now());
    await startSession(w.user.userId, BROWSER, w.deps, now(), 0);
    // A sweep that reached none of them.
    const deps: AccountDeps = {
      ...w.deps,
      sessions: Object.assign(Object.create(w.sessions), { revokeAll: async () => 0 }),
    };
    await confirmPasswordReset({ token: w.token, password: NEW_PASSWORD }, BROWSER, deps);

    const fresh = await logIn({ email: EMAIL, password: NEW_PASSWORD }, BROWSER, w.deps);
    const [session] = (await w.sessions.listActive(w.user.userId, now())).filter((s) => s.passwordVersion === 1);
    if (!session) throw new Error('the new session is missing');
    const auth: AuthContext = {
      principal: {
        userId: fresh.user.userId,
        email: EMAIL,
        via: 'session',
        sessionId: session.sessionId,
        passwordVersion: 1,
      },
    };

    const listed = await listSessions(auth, w.deps);

    expect(listed.sessions.map((s) => s.id)).toEqual([session.sessionId]);
    expect(listed.moreActive).toBeUndefined();
  });
});
