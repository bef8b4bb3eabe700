import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../../shared/errors';
import { LoginRefusedError } from '../../../../shared/identity/accounts/errors';
import { logIn } from '../../../../shared/identity/accounts/log-in';
import {
  addressAttemptKey,
  emailAttemptKey,
  THROTTLE_AFTER_FAILURES,
} from '../../../../shared/identity/accounts/login-throttle';
import { scryptHasher } from '../../../../shared/identity/accounts/password';
import { signUp } from '../../../../shared/identity/accounts/sign-up';
import { sha256 } from '../../../../shared/identity/tokens';
import { bulkhead, ServerBusyError } from '../../../../shared/resilience/bulkhead';
import { accountWorld, BROWSER, countingHasher, FAST_SCRYPT, PASSWORD, SIGN_UP_ORIGIN } from './memory-accounts';

const EMAIL = 'grace@example.com';

async function withAccount(passwords = scryptHasher(FAST_SCRYPT)) {
  const w = accountWorld(passwords);
  const signedUp = await signUp({ email: EMAIL, password: PASSWORD, name: 'Grace' }, SIGN_UP_ORIGIN, w.deps);
  w.audit.entries.length = 0;
  return { ...w, user: signedUp.user };
}

/** The error a log-in attempt rejects with. */
async function refusal(attempt: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await attempt;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the log-in to fail');
}

describe('logIn', () => {
  it('starts a session for the right password and records the event', async () => {
    const w = await withAccount();

    const result = await logIn({ email: ' Grace@Example.com', password: PASSWORD }, BROWSER, w.deps);

    expect(result.user.userId).toBe(w.user.userId);
    expect(result.workspaceId).toBe(w.user.defaultWorkspaceId);
    const found = await w.sessions.findActive(sha256(result.sessionToken), new Date(w.clock.now()));
    expect(found?.user.email).toBe(EMAIL);
    expect(w.audit.entries).toEqual([
      expect.objectContaining({ eventType: 'auth.login', actorId: w.user.userId, ip: BROWSER.ip }),
    ]);
  });

  it('answers an unknown email exactly like a wrong password, after checking a hash all the same', async () => {
    const counting = countingHasher(scryptHasher(FAST_SCRYPT));
    const w = await withAccount(counting.hasher);
    counting.calls.verify = 0;

    const wrong = await refusal(logIn({ email: EMAIL, password: 'wrong password!' }, BROWSER, w.deps));
    const unknown = await refusal(logIn({ email: 'nobody@example.com', password: PASSWORD }, BROWSER, w.deps));

    for (const error of [wrong, unknown]) expect(error).toBeInstanceOf(UnauthorizedError);
    expect([unknown.status, unknown.code, unknown.message]).toEqual([wrong.status, wrong.code, wrong.message]);
    expect(wrong).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(counting.calls.verify).toBe(2);
    expect(w.audit.types()).toEqual(['auth.login_failed']);
  });

  it('sheds a log-in with 429 SERVER_BUSY when hashing is saturated, recording nothing', async () => {
    const gate = bulkhead('password hashing', { concurrency: 1, queue: 0 });
    const w = await withAccount(scryptHasher(FAST_SCRYPT, gate));
    let release!: () => void;
    const busy = gate.run(() => new Promise<void>((resolve) => (release = resolve)));

    const error = await refusal(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps));
    release();
    await busy;

    expect(error).toBeInstanceOf(ServerBusyError);
    expect(error).toMatchObject({ status: 429, code: 'SERVER_BUSY', retryAfterSeconds: 1 });
    expect(w.audit.entries).toEqual([]);
    // The attempt was counted before hashing and given back when it was shed.
    const now = new Date(w.clock.now());
    expect((await w.attempts.read(emailAttemptKey(EMAIL), now))?.attempts).toBe(0);
    expect((await w.attempts.read(addressAttemptKey(BROWSER.ip), now))?.attempts).toBe(0);
    // Not a failure: the next attempt, with hashing free again, logs in.
    const result = await logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps);
    expect(result.user.userId).toBe(w.user.userId);
  });

  it('checks the unknown email against a dummy hash that costs what a real one does', async () => {
    // Not timed (timings flake under load): the dummy hash carries the current work parameters
    // and sizes of a real hash, so verifying it derives the same scrypt key a real check does.
    const hasher = scryptHasher({ ...FAST_SCRYPT, N: 2 ** 13 });
    const real = await hasher.hash('a real password!');
    const work = (encoded: string) => {
      const [scheme, n, r, p, salt, key] = encoded.split('$');
      return [scheme, n, r, p, salt?.length, key?.length];
    };
    expect(work(hasher.dummyHash)).toEqual(work(real));
    expect(hasher.needsRehash(hasher.dummyHash)).toBe(false);
    expect(await hasher.verify('wrong password!', hasher.dummyHash)).toBe(false);
  });

  it('throttles after 5 failures: 429 LOGIN_THROTTLED with Retry-After 30 s, then 60 s', async () => {
    const w = await withAccount();
    const wrong = () => logIn({ email: EMAIL, password: 'wrong password!' }, BROWSER, w.deps);
    for (let i = 0; i < 5; i++) expect(await refusal(wrong())).toMatchObject({ status: 401 });

    // Even the right password is refused unchecked while throttled.
    const throttled = await refusal(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps));
    expect(throttled).toBeInstanceOf(LoginRefusedError);
    expect(throttled).toMatchObject({ status: 429, code: 'LOGIN_THROTTLED', retryAfterSeconds: 30 });

    w.clock.advance(30);
    expect(await refusal(wrong())).toMatchObject({ status: 401 });
    expect(await refusal(wrong())).toMatchObject({ code: 'LOGIN_THROTTLED', retryAfterSeconds: 60 });
  });

  it('locks the account for 15 minutes after 10 failures and raises a high auth_anomaly alert', async () => {
    const w = await withAccount();
    for (let i = 1; i <= 10; i++) {
      expect(await refusal(logIn({ email: EMAIL, password: 'wrong password!' }, BROWSER, w.deps))).toMatchObject({
        status: 401,
      });
      if (i < 10) w.clock.advance(Math.min(30 * 2 ** (i - 5), 900) + 1);
    }
    const locked = await refusal(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps));
    expect(locked).toMatchObject({ status: 429, code: 'ACCOUNT_LOCKED' });
    expect(Number(locked.retryAfterSeconds)).toBeGreaterThan(800);
    expect(w.alerts.raised).toEqual([
      expect.objectContaining({
        alertType: 'auth_anomaly',
        severity: 'high',
        workspaceId: w.user.defaultWorkspaceId,
      }),
    ]);

    w.clock.advance(900);
    const after = await logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps);
    expect(after.user.userId).toBe(w.user.userId);
  });

  it('locks an unknown email the same way, without an alert', async () => {
    const w = await withAccount();
    for (let i = 1; i <= 10; i++) {
      await refusal(
        logIn({ email: 'nobody@example.com', password: 'x' }, { ...BROWSER, ip: `198.51.100.${i}` }, w.deps),
      );
      if (i < 10) w.clock.advance(Math.min(30 * 2 ** (i - 5), 900) + 1);
    }
    const locked = await refusal(logIn({ email: 'nobody@example.com', password: 'x' }, BROWSER, w.deps));
    expect(locked).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(w.alerts.raised).toEqual([]);
  });

  it('throttles a client address guessing across many emails', async () => {
    const w = await withAccount();
    for (let i = 0; i < 5; i++) {
      await refusal(logIn({ email: `victim${i}@example.com`, password: 'guess guess' }, BROWSER, w.deps));
    }
    const fromSameAddress = await refusal(logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps));
    expect(fromSameAddress).toMatchObject({ code: 'LOGIN_THROTTLED' });
    const elsewhere = await logIn({ email: EMAIL, password: PASSWORD }, { ...BROWSER, ip: '192.0.2.1' }, w.deps);
    expect(elsewhere.user.email).toBe(EMAIL);
  });

  describe('concurrent guesses (the attempt is reserved before the hash is checked)', () => {
    const wrongGuesses = (w: Awaited<ReturnType<typeof withAccount>>, n: number, vary: 'none' | 'ip' | 'email') =>
      Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          logIn(
            { email: vary === 'email' ? `victim${i}@example.com` : EMAIL, password: `wrong guess ${i}` },
            vary === 'ip' ? { ...BROWSER, ip: `198.51.100.${i + 1}` } : BROWSER,
            w.deps,
          ),
        ),
      );
    const codes = (outcomes: PromiseSettledResult<unknown>[]) =>
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code: string }).code : 'OK'));

    it.each([
      ['one email from one address', 'none'],
      ['one email from 30 addresses', 'ip'],
      ['30 emails from one address', 'email'],
    ] as const)(
      `30 at once against %s: only ${THROTTLE_AFTER_FAILURES} are checked, the rest 429 unchecked`,
      async (_c, vary) => {
        const counting = countingHasher(scryptHasher(FAST_SCRYPT));
        const w = await withAccount(counting.hasher);
        counting.calls.verify = 0;

        const outcomes = await wrongGuesses(w, 30, vary);

        expect(counting.calls.verify).toBe(THROTTLE_AFTER_FAILURES);
        const answered = codes(outcomes);
        expect(answered.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(THROTTLE_AFTER_FAILURES);
        expect(answered.filter((c) => c === 'LOGIN_THROTTLED')).toHaveLength(30 - THROTTLE_AFTER_FAILURES);
        expect(answered).not.toContain('OK');
      },
    );

    it('after the 30 s wait, a burst of 30 gets exactly one more check', async () => {
      const counting = countingHasher(scryptHasher(FAST_SCRYPT));
      const w = await withAccount(counting.hasher);
      await wrongGuesses(w, 30, 'none');
      w.clock.advance(30);
      counting.calls.verify = 0;

      const outcomes = await wrongGuesses(w, 30, 'none');

      expect(counting.calls.verify).toBe(1);
      expect(codes(outcomes).filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(1);
    });

    it('the right password among 30 concurrent attempts is checked only if it got a slot', async () => {
      const counting = countingHasher(scryptHasher(FAST_SCRYPT));
      const w = await withAccount(counting.hasher);
      counting.calls.verify = 0;
      const attempts = Array.from({ length: 30 }, (_, i) =>
        logIn({ email: EMAIL, password: i === 29 ? PASSWORD : `wrong guess ${i}` }, BROWSER, w.deps),
      );
      const outcomes = await Promise.allSettled(attempts);
      expect(counting.calls.verify).toBe(THROTTLE_AFTER_FAILURES);
      // The last one in line was refused unchecked, like any guess past the allowance.
      expect(codes(outcomes).at(-1)).toBe('LOGIN_THROTTLED');
    });
  });

  it('a success gives the address back its reserved attempt and clears the email', async () => {
    const w = await withAccount();
    for (let i = 0; i < 3; i++) {
      await refusal(logIn({ email: `victim${i}@example.com`, password: 'guess guess' }, BROWSER, w.deps));
    }
    await refusal(logIn({ email: EMAIL, password: 'wrong password!' }, BROWSER, w.deps));
    await logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps);
    const now = new Date(w.clock.now());
    expect(await w.attempts.read(addressAttemptKey(BROWSER.ip), now)).toMatchObject({ attempts: 4, failures: 4 });
    expect(await w.attempts.read(emailAttemptKey(EMAIL), now)).toMatchObject({ attempts: 0, failures: 0 });
  });

  it('6 concurrent right passwords: 5 get in, the 6th is told to retry in 1 s (not 30), and then gets in', async () => {
    const w = await withAccount();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const [busy] = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(busy).toMatchObject({ status: 429, code: 'LOGIN_THROTTLED', retryAfterSeconds: 1 });
    // Nothing failed, so nothing is held against the email or the address afterwards.
    const again = await Promise.allSettled(
      Array.from({ length: 5 }, () => logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps)),
    );
    expect(again.every((o) => o.status === 'fulfilled')).toBe(true);
  });

  it('forgets the failures of an email after a successful log-in', async () => {
    const w = await withAccount();
    const ip = (n: number) => ({ ...BROWSER, ip: `198.51.100.${n}` });
    for (let i = 0; i < 4; i++) await refusal(logIn({ email: EMAIL, password: 'wrong password!' }, ip(i), w.deps));
    await logIn({ email: EMAIL, password: PASSWORD }, ip(9), w.deps);
    for (let i = 0; i < 4; i++) await refusal(logIn({ email: EMAIL, password: 'wrong password!' }, ip(i), w.deps));
    expect((await logIn({ email: EMAIL, password: PASSWORD }, ip(9), w.deps)).user.email).toBe(EMAIL);
  });

  it('re-hashes a password stored with weaker parameters', async () => {
    const w = await withAccount(scryptHasher({ ...FAST_SCRYPT, N: 2 ** 9 }));
    const stronger = { ...w.deps, passwords: scryptHasher(FAST_SCRYPT) };
    const before = (await w.accounts.findByEmail(EMAIL))?.passwordHash;
    expect(before).toMatch(/^scrypt\$512\$/);

    await logIn({ email: EMAIL, password: PASSWORD }, BROWSER, stronger);

    const after = (await w.accounts.findByEmail(EMAIL))?.passwordHash ?? '';
    expect(after).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await stronger.passwords.verify(PASSWORD, after)).toBe(true);
  });
});

describe('trusted devices', () => {
  it('alerts once for a device never seen, not for the sign-up browser or a known device', async () => {
    const w = await withAccount();

    const sameBrowser = await logIn({ email: EMAIL, password: PASSWORD }, BROWSER, w.deps);
    expect(sameBrowser.newDevice).toBe(false);
    expect(w.alerts.raised).toEqual([]);

    const phone = { ...BROWSER, userAgent: 'Mobile Safari', deviceHeader: 'd-123' };
    expect((await logIn({ email: EMAIL, password: PASSWORD }, phone, w.deps)).newDevice).toBe(true);
    await logIn({ email: EMAIL, password: PASSWORD }, phone, w.deps);

    expect(w.alerts.raised).toEqual([
      expect.objectContaining({ alertType: 'new_device', severity: 'info', workspaceId: w.user.defaultWorkspaceId }),
    ]);
    expect(await w.devices.list(w.user.userId)).toHaveLength(2);
  });
});
