import { describe, expect, it } from 'vitest';
import { logIn } from '../../../../shared/identity/accounts/log-in';
import { confirmPasswordReset, requestPasswordReset } from '../../../../shared/identity/accounts/password-reset';
import { startSession } from '../../../../shared/identity/accounts/sessions';
import { signUp } from '../../../../shared/identity/accounts/sign-up';
import { sha256 } from '../../../../shared/identity/tokens';
import { accountWorld, BROWSER, PASSWORD, SIGN_UP_ORIGIN } from './memory-accounts';

const EMAIL = 'ada@example.com';
const BASE = 'https://app.example.com';
const NEW_PASSWORD = 'a brand new passphrase';

async function signedUp() {
  const w = accountWorld();
  const result = await signUp({ email: EMAIL, password: PASSWORD, name: 'Ada' }, SIGN_UP_ORIGIN, w.deps);
  w.email.sent.length = 0;
  return { ...w, ...result };
}

describe('requestPasswordReset', () => {
  it('mails a reset link with a token in the fragment to a known address', async () => {
    const w = await signedUp();
    await requestPasswordReset('ADA@example.com', BASE, w.deps);
    expect(w.email.sent).toHaveLength(1);
    expect(w.email.sent[0]).toMatchObject({ to: EMAIL, subject: 'Reset your password' });
    expect(w.email.sent[0]?.text).toContain(`${BASE}/reset-password#token=`);
  });

  it('does nothing visible for an unknown or malformed address', async () => {
    const w = await signedUp();
    const tokensBefore = w.tokens.items.size;
    await expect(requestPasswordReset('nobody@example.com', BASE, w.deps)).resolves.toBeUndefined();
    await expect(requestPasswordReset('not an email', BASE, w.deps)).resolves.toBeUndefined();
    expect(w.email.sent).toEqual([]);
    expect(w.tokens.items.size).toBe(tokensBefore);
  });

  it('answers the same for a real account when the email cannot be sent', async () => {
    const w = await signedUp();
    const deps = { ...w.deps, email: { send: () => Promise.reject(new Error('SES down')) } };
    await expect(requestPasswordReset(EMAIL, BASE, deps)).resolves.toBeUndefined();
  });
});

describe('confirmPasswordReset', () => {
  it('sets the new password, revokes every session, and works only once', async () => {
    const w = await signedUp();
    const now = () => new Date(w.clock.now());
    const laptop = await startSession(w.user.userId, BROWSER, w.deps, now());
    await requestPasswordReset(EMAIL, BASE, w.deps);
    const token = w.email.lastToken(EMAIL);

    await confirmPasswordReset({ token, password: NEW_PASSWORD }, BROWSER, w.deps);

    for (const t of [w.sessionToken, laptop.token])
      expect(await w.sessions.findActive(sha256(t), now())).toBeUndefined();
    await expect(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps)).rejects.toMatchObject({ status: 401 });
    expect((await logIn({ email: EMAIL, password: NEW_PASSWORD }, BROWSER, w.deps)).user.userId).toBe(w.user.userId);
    expect(w.audit.types()).toContain('auth.password_reset');

    await expect(
      confirmPasswordReset({ token, password: 'another passphrase' }, BROWSER, w.deps),
    ).rejects.toMatchObject({
      status: 400,
      code: 'TOKEN_INVALID',
    });
  });

  it('refuses a token older than one hour', async () => {
    const w = await signedUp();
    await requestPasswordReset(EMAIL, BASE, w.deps);
    w.clock.advance(3600);
    await expect(
      confirmPasswordReset({ token: w.email.lastToken(EMAIL), password: NEW_PASSWORD }, BROWSER, w.deps),
    ).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('keeps the token usable when the new password is too weak', async () => {
    const w = await signedUp();
    await requestPasswordReset(EMAIL, BASE, w.deps);
    const token = w.email.lastToken(EMAIL);

    await expect(confirmPasswordReset({ token, password: 'short' }, BROWSER, w.deps)).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    await expect(confirmPasswordReset({ token, password: NEW_PASSWORD }, BROWSER, w.deps)).resolves.toBeUndefined();
  });

  it('refuses a verification token used as a reset token', async () => {
    const w = accountWorld();
    await signUp({ email: EMAIL, password: PASSWORD, name: 'Ada' }, SIGN_UP_ORIGIN, w.deps);
    const verification = w.email.lastToken(EMAIL);
    await expect(
      confirmPasswordReset({ token: verification, password: NEW_PASSWORD }, BROWSER, w.deps),
    ).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('ends a log-in lock: the mailbox owner gets back in at once', async () => {
    const w = await signedUp();
    for (let i = 1; i <= 10; i++) {
      await logIn({ email: EMAIL, password: 'wrong password!' }, { ...BROWSER, ip: `198.51.100.${i}` }, w.deps).catch(
        () => undefined,
      );
      if (i < 10) w.clock.advance(Math.min(30 * 2 ** (i - 5), 900) + 1);
    }
    await expect(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps)).rejects.toMatchObject({
      code: 'ACCOUNT_LOCKED',
    });
    await requestPasswordReset(EMAIL, BASE, w.deps);
    await confirmPasswordReset({ token: w.email.lastToken(EMAIL), password: NEW_PASSWORD }, BROWSER, w.deps);
    expect((await logIn({ email: EMAIL, password: NEW_PASSWORD }, BROWSER, w.deps)).user.email).toBe(EMAIL);
  });
});
