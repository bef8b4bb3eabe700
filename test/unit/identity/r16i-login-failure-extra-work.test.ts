// Review round 16: this test failed at e19efd2.
/**
 * Defect: a wrong password for an EXISTING account answers only after an extra store write that
 * an unknown address never waits for: log-in.ts awaits `onFailure` (an `auth.login_failed` audit
 * PutItem, and at the lock an alert write) before throwing the 401, and only `if (found)`. The
 * module promises "An unknown email and a wrong password give the same 401 INVALID_CREDENTIALS
 * after the same work ... so neither answer nor timing tells whether an account exists". One
 * DynamoDB write (single-digit ms, every time) on top of the same scrypt check is a systematic
 * difference an attacker can average out over a handful of tries per address (spread over many
 * addresses), i.e. account enumeration by timing. The password-reset request pads to a floor for
 * exactly this reason; the log-in does not.
 *
 * Severity: LOW (enumeration by a timing difference of one write).
 *
 * Root cause: shared/identity/accounts/log-in.ts:logIn, `if (found) await onFailure(...)` before
 * `throw invalidCredentials()`.
 *
 * Correct behaviour: both failures do the same awaited work before answering: write the
 * failed-login entry without holding the answer (or do an equivalent write for unknown
 * addresses), or pad failures to a fixed floor as requestPasswordReset does.
 *
 * The test holds every audit write until released: a wrong password for a real account must
 * answer as an unknown address does, without waiting for it.
 */
import { describe, expect, it } from 'vitest';
import { logIn } from '../../../shared/identity/accounts/log-in';
import type { PasswordHasher } from '../../../shared/identity/accounts/password';
import { signUp } from '../../../shared/identity/accounts/sign-up';
import type { AuditRecord } from '../../../shared/identity/ports';
import { accountWorld, BROWSER, PASSWORD, SIGN_UP_ORIGIN } from './accounts/memory-accounts';

/** Whether `p` has settled after the event loop drained pending work (no wall-clock wait). */
async function settledSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('log-in failures do the same work for known and unknown addresses', () => {
  it('a wrong password for a real account does not wait for a write an unknown address skips', async () => {
    // An instant, in-memory hasher: every step of both log-ins is then in-process work, so
    // draining the event loop (no wall clock) runs each to its end unless it awaits the audit.
    const hasher: PasswordHasher = {
      hash: async (pw) => `h:${pw}`,
      verify: async (pw, encoded) => encoded === `h:${pw}`,
      needsRehash: () => false,
      dummyHash: 'h:\u0000no password matches',
    };
    const w = accountWorld(hasher);
    await signUp({ email: 'grace@example.com', password: PASSWORD, name: 'Grace' }, SIGN_UP_ORIGIN, w.deps);

    // Every audit write now hangs until released (a slow PutItem, made visible).
    const held: Array<() => void> = [];
    let holding = true;
    const audit = {
      append: (_entry: AuditRecord) =>
        holding
          ? new Promise<void>((resolve) => {
              held.push(resolve);
            })
          : Promise.resolve(),
    };
    const deps = { ...w.deps, audit };

    const unknown = logIn({ email: 'nobody@example.com', password: 'wrong password!' }, BROWSER, deps);
    const unknownSettled = await settledSoon(unknown);
    const wrong = logIn(
      { email: 'grace@example.com', password: 'wrong password!' },
      { ...BROWSER, ip: '203.0.113.8' },
      deps,
    );
    const wrongSettled = await settledSoon(wrong);

    holding = false;
    for (const release of held) release();
    await expect(unknown).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(wrong).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(unknownSettled).toBe(true);
    expect(wrongSettled, 'the known-account failure waited for an audit write the unknown one never does').toBe(true);
  });
});
