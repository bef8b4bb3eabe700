/**
 * Log-in throttling. Attempts are counted per email and per client address; a counter
 * forgets 15 minutes after its last change. From the 5th failure on, the next attempt must
 * wait 30 s, then 60 s, 120 s... (at most 15 min): 429 `LOGIN_THROTTLED`. The 10th failure
 * of an email locks it for 15 minutes: 429 `ACCOUNT_LOCKED`. Refused attempts are not
 * checked, so a locked account can't be probed. Unknown emails are counted and locked
 * exactly like real ones: the answers never tell them apart.
 *
 * Each attempt is counted before its password is hashed, by a conditional write (see
 * {@link reserveLoginAttempt}): attempts still being checked take their place in the
 * allowance, so N concurrent guesses never get more checks than N sequential ones would.
 * Once checked, an attempt becomes a failure or is given back.
 */
import { limitedAddressOf } from '../../security/client-address';
import { newId, sha256 } from '../tokens';
import { LoginRefusedError } from './errors';
import type { AttemptCount, LoginAttemptStore } from './ports';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const THROTTLE_AFTER_FAILURES = 5;
export const LOCK_AFTER_FAILURES = 10;
export const LOCK_SECONDS = 15 * 60;
export const FIRST_DELAY_SECONDS = 30;
/** The wait told to an attempt refused because others are still being checked. */
export const BUSY_RETRY_SECONDS = 1;

/**
 * Counter keys hash the email and address, so the ephemeral table holds no personal data in clear.
 * The address is counted as every per-address limit counts it: an IPv6 client by its /64.
 */
export const emailAttemptKey = (email: string): string => `LOGIN#email#${sha256(email.toLowerCase())}`;
export const addressAttemptKey = (address: string): string => `LOGIN#ip#${sha256(limitedAddressOf(address))}`;

/** Wait imposed after `failures` failures (30 s after the 5th, doubling, capped at 15 min). */
export function delaySeconds(failures: number): number {
  if (failures < THROTTLE_AFTER_FAILURES) return 0;
  return Math.min(FIRST_DELAY_SECONDS * 2 ** (failures - THROTTLE_AFTER_FAILURES), LOCK_SECONDS);
}

/**
 * The refusal a counter imposes at `nowMs`, if any. Only email counters lock. Attempts still
 * being checked count against the allowance: while they fill it (or, once throttled, while
 * the one allowed attempt is being checked) the answer is "busy, retry in 1 s".
 */
export function refusalOf(
  count: AttemptCount | undefined,
  nowMs: number,
  kind: 'email' | 'address',
): LoginRefusedError | undefined {
  if (!count) return undefined;
  const inFlight = count.attempts - count.failures;
  if (count.failures >= THROTTLE_AFTER_FAILURES) {
    const locks = kind === 'email' && count.failures >= LOCK_AFTER_FAILURES;
    const until = count.lastFailureAt + 1000 * (locks ? LOCK_SECONDS : delaySeconds(count.failures));
    if (nowMs < until) {
      const retryAfter = Math.max(1, Math.ceil((until - nowMs) / 1000));
      return new LoginRefusedError(locks ? 'ACCOUNT_LOCKED' : 'LOGIN_THROTTLED', retryAfter);
    }
    // The wait is over: one attempt at a time.
    return inFlight > 0 ? new LoginRefusedError('LOGIN_THROTTLED', BUSY_RETRY_SECONDS) : undefined;
  }
  return count.attempts >= THROTTLE_AFTER_FAILURES
    ? new LoginRefusedError('LOGIN_THROTTLED', BUSY_RETRY_SECONDS)
    : undefined;
}

/** How often a reservation is retried when concurrent attempts keep moving the counter. */
const RESERVE_ROUNDS = 5;

/** One attempt counted on both counters before the password is checked. */
export interface LoginReservation {
  readonly email: string;
  readonly address: string;
  /** Names this attempt on both counters: counted once, failed or given back once. */
  readonly id: string;
}

/**
 * Counts this attempt on the email's and the address's counters, atomically and before
 * any hashing, so N concurrent guesses are judged against N different counts: never more
 * than the policy allows get their password checked. A counter that refuses throws the
 * longest-lasting refusal (a lock first); the other counter's reservation is given back.
 *
 * @throws LoginRefusedError `LOGIN_THROTTLED`, `ACCOUNT_LOCKED`
 */
export async function reserveLoginAttempt(
  email: string,
  address: string,
  store: LoginAttemptStore,
  now: Date,
): Promise<LoginReservation> {
  const keys = { email: emailAttemptKey(email), address: addressAttemptKey(address) };
  const id = newId();
  const [byEmail, byAddress] = await Promise.allSettled([
    reserveOne(keys.email, 'email', store, now, id),
    reserveOne(keys.address, 'address', store, now, id),
  ]);
  if (byEmail.status === 'fulfilled' && byAddress.status === 'fulfilled') return { email, address, id };
  // Not checked: the counter that did count this attempt gets it back.
  await Promise.all([
    byEmail.status === 'fulfilled' ? store.release(keys.email, now, id) : undefined,
    byAddress.status === 'fulfilled' ? store.release(keys.address, now, id) : undefined,
  ]);
  const reasons = [byEmail, byAddress].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const other = reasons.find((e) => !(e instanceof LoginRefusedError));
  if (other !== undefined) throw other;
  throw (reasons as LoginRefusedError[]).sort(
    (a, b) =>
      Number(b.code === 'ACCOUNT_LOCKED') - Number(a.code === 'ACCOUNT_LOCKED') ||
      b.retryAfterSeconds - a.retryAfterSeconds,
  )[0];
}

/** Reads, judges, and counts one attempt on one counter; retried while concurrent attempts move it. */
async function reserveOne(key: string, kind: 'email' | 'address', store: LoginAttemptStore, now: Date, id: string) {
  const limits = { windowSeconds: LOGIN_WINDOW_SECONDS, freeBelow: THROTTLE_AFTER_FAILURES };
  for (let round = 0; round < RESERVE_ROUNDS; round++) {
    const count = await store.read(key, now);
    const refusal = refusalOf(count, now.getTime(), kind);
    if (refusal) throw refusal;
    if (await store.reserve(key, count, now, limits, id)) return;
  }
  // Still contended after every round: a burst of attempts. Refusing is the safe answer.
  throw new LoginRefusedError('LOGIN_THROTTLED', BUSY_RETRY_SECONDS);
}

/**
 * The password was wrong: the reserved attempt becomes a failure on both counters. `locked`
 * when this failure locked the email (attempts are refused while locked, so any failure at
 * or past the threshold starts a new lock).
 */
export async function failedAttempt(reservation: LoginReservation, store: LoginAttemptStore, now: Date) {
  const [byEmail] = await Promise.all([
    store.fail(emailAttemptKey(reservation.email), now, LOGIN_WINDOW_SECONDS, reservation.id),
    store.fail(addressAttemptKey(reservation.address), now, LOGIN_WINDOW_SECONDS, reservation.id),
  ]);
  return { failures: byEmail.failures, locked: byEmail.failures >= LOCK_AFTER_FAILURES };
}

/**
 * The password was right: both counters get the attempt back and the email's failures are
 * forgotten. The address keeps its failures, so an attacker logging into an account of their
 * own can't reset the count of guesses against others.
 */
export async function succeededAttempt(reservation: LoginReservation, store: LoginAttemptStore, now: Date) {
  const emailKey = emailAttemptKey(reservation.email);
  await Promise.all([
    store.release(emailKey, now, reservation.id).then(() => store.forgive(emailKey, now)),
    store.release(addressAttemptKey(reservation.address), now, reservation.id),
  ]);
}

/** The attempt was never checked (hashing shed, a store error): both counters get it back. */
export async function abandonedAttempt(reservation: LoginReservation, store: LoginAttemptStore, now: Date) {
  await Promise.all([
    store.release(emailAttemptKey(reservation.email), now, reservation.id),
    store.release(addressAttemptKey(reservation.address), now, reservation.id),
  ]);
}

/** A completed password reset forgets the email's failures (the mailbox owner proved themselves). */
export const clearLoginFailures = (email: string, store: LoginAttemptStore, now: Date): Promise<void> =>
  store.forgive(emailAttemptKey(email), now);
