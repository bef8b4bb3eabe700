/**
 * Log-in throttling. Failures are counted per email and per client address; a counter
 * forgets 15 minutes after its last failure. From the 5th failure on, the next attempt must
 * wait 30 s, then 60 s, 120 s... (at most 15 min): 429 `LOGIN_THROTTLED`. The 10th failure
 * of an email locks it for 15 minutes: 429 `ACCOUNT_LOCKED`. Refused attempts are not
 * checked, so a locked account can't be probed. Unknown emails are counted and locked
 * exactly like real ones: the answers never tell them apart.
 */
import { sha256 } from '../tokens';
import { LoginRefusedError } from './errors';
import type { FailureCount, LoginAttemptStore } from './ports';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const THROTTLE_AFTER_FAILURES = 5;
export const LOCK_AFTER_FAILURES = 10;
export const LOCK_SECONDS = 15 * 60;
export const FIRST_DELAY_SECONDS = 30;

/** Counter keys hash the email and address, so the ephemeral table holds no personal data in clear. */
export const emailAttemptKey = (email: string): string => `LOGIN#email#${sha256(email.toLowerCase())}`;
export const addressAttemptKey = (address: string): string => `LOGIN#ip#${sha256(address)}`;

/** Wait imposed after `failures` failures (30 s after the 5th, doubling, capped at 15 min). */
export function delaySeconds(failures: number): number {
  if (failures < THROTTLE_AFTER_FAILURES) return 0;
  return Math.min(FIRST_DELAY_SECONDS * 2 ** (failures - THROTTLE_AFTER_FAILURES), LOCK_SECONDS);
}

/** The refusal a counter imposes at `nowMs`, if any. Only email counters lock. */
export function refusalOf(
  count: FailureCount | undefined,
  nowMs: number,
  kind: 'email' | 'address',
): LoginRefusedError | undefined {
  if (!count || count.failures < THROTTLE_AFTER_FAILURES) return undefined;
  const locks = kind === 'email' && count.failures >= LOCK_AFTER_FAILURES;
  const until = count.lastFailureAt + 1000 * (locks ? LOCK_SECONDS : delaySeconds(count.failures));
  if (nowMs >= until) return undefined;
  const retryAfter = Math.max(1, Math.ceil((until - nowMs) / 1000));
  return new LoginRefusedError(locks ? 'ACCOUNT_LOCKED' : 'LOGIN_THROTTLED', retryAfter);
}

/** Throws the longest-lasting refusal of the email's and the address's counters. */
export async function assertLoginAllowed(email: string, address: string, store: LoginAttemptStore, now: Date) {
  const [byEmail, byAddress] = await Promise.all([
    store.read(emailAttemptKey(email), now),
    store.read(addressAttemptKey(address), now),
  ]);
  const refusals = [refusalOf(byEmail, now.getTime(), 'email'), refusalOf(byAddress, now.getTime(), 'address')];
  const worst = refusals
    .filter((r): r is LoginRefusedError => r !== undefined)
    .sort(
      (a, b) =>
        Number(b.code === 'ACCOUNT_LOCKED') - Number(a.code === 'ACCOUNT_LOCKED') ||
        b.retryAfterSeconds - a.retryAfterSeconds,
    )[0];
  if (worst) throw worst;
}

/** Counts a failure on both counters; `locked` when this failure locked the email. */
export async function recordLoginFailure(
  email: string,
  address: string,
  store: LoginAttemptStore,
  now: Date,
): Promise<{ failures: number; locked: boolean }> {
  const [byEmail] = await Promise.all([
    store.recordFailure(emailAttemptKey(email), now, LOGIN_WINDOW_SECONDS),
    store.recordFailure(addressAttemptKey(address), now, LOGIN_WINDOW_SECONDS),
  ]);
  // Attempts are refused while locked, so any failure at or past the threshold starts a new lock.
  return { failures: byEmail.failures, locked: byEmail.failures >= LOCK_AFTER_FAILURES };
}

/** A successful log-in forgets the email's failures. The address's counter stays: a valid
 * account of the attacker's own must not reset the count of guesses against others. */
export const clearLoginFailures = (email: string, store: LoginAttemptStore): Promise<void> =>
  store.clear(emailAttemptKey(email));
