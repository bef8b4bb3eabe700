import { describe, expect, it } from 'vitest';
import { logIn } from '../../../../shared/identity/accounts/log-in';
import {
  confirmPasswordReset,
  RESET_MAIL_WINDOW_SECONDS,
  RESET_MAILS_PER_WINDOW,
  RESET_REQUEST_FLOOR_MS,
  requestPasswordReset,
} from '../../../../shared/identity/accounts/password-reset';
import type { AccountDeps } from '../../../../shared/identity/accounts/ports';
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

  it('answers no sooner than the floor, for a known, an unknown and a malformed address alike', async () => {
    const w = await signedUp();
    for (const address of [EMAIL, 'nobody@example.com', 'not an email']) {
      let release!: () => void;
      const floors: number[] = [];
      const clock = {
        now: w.clock.now,
        sleep: (ms: number) => {
          floors.push(ms);
          return new Promise<void>((resolve) => (release = resolve));
        },
      };
      let answered = false;
      const request = requestPasswordReset(address, BASE, { ...w.deps, clock }).then(() => (answered = true));
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(floors, address).toEqual([RESET_REQUEST_FLOOR_MS]);
      expect(answered, `${address} answered before the floor`).toBe(false);
      release();
      await request;
      expect(answered).toBe(true);
    }
  });

  it('does the same store work for a known and an unknown address', async () => {
    const w = await signedUp();
    const calls: string[] = [];
    // The memory store's methods live on its prototype: keep them, wrap one.
    const accounts = Object.create(w.accounts) as typeof w.accounts;
    accounts.findByEmail = (e) => {
      calls.push('findByEmail');
      return w.accounts.findByEmail(e);
    };
    const spied: AccountDeps = {
      ...w.deps,
      accounts,
      mailQuota: {
        take: (...a) => {
          calls.push('mailQuota.take');
          return w.mailQuota.take(...a);
        },
      },
    };
    await requestPasswordReset(EMAIL, BASE, spied);
    const known = calls.splice(0);
    await requestPasswordReset('nobody@example.com', BASE, spied);
    expect(calls).toEqual(known);
    expect(known).toEqual(['mailQuota.take', 'findByEmail']);
  });

  it(`mails at most ${RESET_MAILS_PER_WINDOW} links per address and hour, answering the same beyond`, async () => {
    const w = await signedUp();
    for (let i = 0; i < RESET_MAILS_PER_WINDOW + 3; i++) {
      await expect(requestPasswordReset(EMAIL, BASE, w.deps)).resolves.toBeUndefined();
    }
    expect(w.email.sent).toHaveLength(RESET_MAILS_PER_WINDOW);

    // Another address has its own allowance; the window ends an hour after its first mail.
    await signUp({ email: 'bob@example.com', password: PASSWORD, name: 'Bob' }, SIGN_UP_ORIGIN, w.deps);
    await requestPasswordReset('bob@example.com', BASE, w.deps);
    expect(w.email.sent.filter((m) => m.to === 'bob@example.com' && /Reset/.test(m.subject))).toHaveLength(1);
    w.clock.advance(RESET_MAIL_WINDOW_SECONDS);
    await requestPasswordReset(EMAIL, BASE, w.deps);
    expect(w.email.sent.filter((m) => m.to === EMAIL)).toHaveLength(RESET_MAILS_PER_WINDOW + 1);
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
    for (const common of ['password12', '1234567890', 'qwertyuiop', 'ada@example.com!']) {
      await expect(confirmPasswordReset({ token, password: common }, BROWSER, w.deps)).rejects.toMatchObject({
        status: 400,
        code: 'PASSWORD_TOO_WEAK',
      });
    }
    await expect(confirmPasswordReset({ token, password: NEW_PASSWORD }, BROWSER, w.deps)).resolves.toBeUndefined();
  });

  it('revokes every API key of the user, in every workspace, and says how many in the audit entry', async () => {
    const w = await signedUp();
    w.apiKeys.keys.push(
      { keyId: 'k1', workspaceId: w.workspace.workspaceId, createdBy: w.user.userId, active: true },
      { keyId: 'k2', workspaceId: 'another-workspace', createdBy: w.user.userId, active: true },
      { keyId: 'k3', workspaceId: w.workspace.workspaceId, createdBy: 'a-colleague', active: true },
    );
    await requestPasswordReset(EMAIL, BASE, w.deps);

    await confirmPasswordReset({ token: w.email.lastToken(EMAIL), password: NEW_PASSWORD }, BROWSER, w.deps);

    expect(w.apiKeys.keys.map((k) => [k.keyId, k.active])).toEqual([
      ['k1', false],
      ['k2', false],
      ['k3', true],
    ]);
    const entry = w.audit.entries.find((e) => e.eventType === 'auth.password_reset');
    expect(entry?.metadata).toMatchObject({ sessionsRevoked: 1, apiKeysRevoked: 2 });
  });

  it('ends the user’s pending invites and webhook tokens too (stamped first), and counts them', async () => {
    const w = await signedUp();
    w.accounts.grants.push(
      { kind: 'invite', id: 'i1', by: w.user.userId, live: true },
      { kind: 'webhook-token', id: 't1', by: w.user.userId, live: true },
      { kind: 'webhook-token', id: 't2', by: w.user.userId, live: true },
      { kind: 'invite', id: 'i2', by: 'a-colleague', live: true },
    );
    await requestPasswordReset(EMAIL, BASE, w.deps);

    await confirmPasswordReset({ token: w.email.lastToken(EMAIL), password: NEW_PASSWORD }, BROWSER, w.deps);

    expect(w.accounts.grants.map((g) => [g.id, g.live])).toEqual([
      ['i1', false],
      ['t1', false],
      ['t2', false],
      ['i2', true],
    ]);
    expect(w.accounts.grantsValidFrom.get(w.user.userId)).toBe(new Date(w.clock.now()).toISOString());
    const entry = w.audit.entries.find((e) => e.eventType === 'auth.password_reset');
    expect(entry?.metadata).toMatchObject({ invitesRevoked: 1, webhookTokensRevoked: 2 });
  });

  it('voids every other outstanding reset link; a link asked for afterwards works', async () => {
    const w = await signedUp();
    await requestPasswordReset(EMAIL, BASE, w.deps);
    const first = w.email.lastToken(EMAIL);
    await requestPasswordReset(EMAIL, BASE, w.deps);
    const second = w.email.lastToken(EMAIL);

    await confirmPasswordReset({ token: second, password: NEW_PASSWORD }, BROWSER, w.deps);

    await expect(
      confirmPasswordReset({ token: first, password: 'an attacker passphrase' }, BROWSER, w.deps),
    ).rejects.toMatchObject({ status: 400, code: 'TOKEN_INVALID' });
    expect((await logIn({ email: EMAIL, password: NEW_PASSWORD }, BROWSER, w.deps)).user.userId).toBe(w.user.userId);

    await requestPasswordReset(EMAIL, BASE, w.deps);
    await confirmPasswordReset({ token: w.email.lastToken(EMAIL), password: 'a third passphrase' }, BROWSER, w.deps);
    expect((await logIn({ email: EMAIL, password: 'a third passphrase' }, BROWSER, w.deps)).user.userId).toBe(
      w.user.userId,
    );
  });

  it('of two links confirmed at once, exactly one sets the password', async () => {
    const w = await signedUp();
    await requestPasswordReset(EMAIL, BASE, w.deps);
    const first = w.email.lastToken(EMAIL);
    await requestPasswordReset(EMAIL, BASE, w.deps);
    const second = w.email.lastToken(EMAIL);

    const outcomes = await Promise.allSettled([
      confirmPasswordReset({ token: first, password: 'the first passphrase' }, BROWSER, w.deps),
      confirmPasswordReset({ token: second, password: 'the second passphrase' }, BROWSER, w.deps),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = outcomes[0]?.status === 'fulfilled' ? 'the first passphrase' : 'the second passphrase';
    expect((await logIn({ email: EMAIL, password: winner }, BROWSER, w.deps)).user.userId).toBe(w.user.userId);
  });

  it('verifies the email address: completing a reset proves the mailbox', async () => {
    const w = await signedUp();
    expect((await w.accounts.findUser(w.user.userId))?.emailVerified).toBe(false);
    await requestPasswordReset(EMAIL, BASE, w.deps);
    await confirmPasswordReset({ token: w.email.lastToken(EMAIL), password: NEW_PASSWORD }, BROWSER, w.deps);
    expect((await w.accounts.findUser(w.user.userId))?.emailVerified).toBe(true);
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
