/**
 * Password reset. The request always answers the same (202), whether or not the address
 * has an account, and takes the same time: both paths do the same store work and are padded
 * to a fixed floor. Reset mails per address are capped. The emailed token (1 h, single use)
 * sets a new password and ends everything the old password could have opened: every
 * session, every API key the user made, every invite they sent that is still pending, every
 * campaign webhook token they minted, and every other reset link.
 */
import { logger } from '../../observability/logger';
import { sanitizeEmail } from '../../security/sanitize';
import { newToken, sha256 } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { passwordResetEmail, resetPasswordLink } from './emails';
import { tokenInvalid } from './errors';
import { clearLoginFailures } from './login-throttle';
import { assertPasswordAcceptable } from './password-strength';
import type { AccountDeps, RequestOrigin } from './ports';

export const RESET_TOKEN_TTL_SECONDS = 60 * 60;

/**
 * Every reset request answers after at least this long. Well above what the known-account
 * path costs (three reads, one write and an SES call: tens of milliseconds, SES's slow tail a
 * few hundred), so the answer time does not tell whether the address has an account.
 */
export const RESET_REQUEST_FLOOR_MS = 500;

/** Reset mails per address and window: more requests still answer 202, but mail nothing. */
export const RESET_MAILS_PER_WINDOW = 5;
export const RESET_MAIL_WINDOW_SECONDS = 60 * 60;

/** The mail quota key hashes the address: the ephemeral table holds no address in clear. */
export const resetMailKey = (email: string): string => `RESETMAIL#${sha256(email.toLowerCase())}`;

type RequestDeps = Pick<AccountDeps, 'accounts' | 'tokens' | 'email' | 'mailQuota' | 'clock'>;

/**
 * Mails a reset link when the address has an account and is under its mail quota; does
 * nothing visible otherwise. Answers no sooner than {@link RESET_REQUEST_FLOOR_MS}: the padding
 * runs in the request itself, because Lambda freezes an instance once the handler returns, so
 * work left running "after the answer" may never happen.
 */
export async function requestPasswordReset(rawEmail: string, publicBaseUrl: string, deps: RequestDeps) {
  const started = deps.clock.now();
  const floor = deps.clock.sleep(RESET_REQUEST_FLOOR_MS);
  try {
    await mailResetLink(rawEmail, publicBaseUrl, deps);
  } finally {
    const spent = deps.clock.now() - started;
    // Past the floor the timing leaks again: the floor needs raising (or the mail a queue).
    if (spent > RESET_REQUEST_FLOOR_MS) logger.warn('Password reset request took longer than its floor', { spent });
    await floor;
  }
}

async function mailResetLink(rawEmail: string, publicBaseUrl: string, deps: RequestDeps): Promise<void> {
  let email: string;
  try {
    email = sanitizeEmail(rawEmail);
  } catch {
    return;
  }
  const now = new Date(deps.clock.now());
  // The same store work for every well-formed address: the quota, then the account lookup.
  const underQuota = await deps.mailQuota.take(
    resetMailKey(email),
    RESET_MAILS_PER_WINDOW,
    RESET_MAIL_WINDOW_SECONDS,
    now,
  );
  const found = await deps.accounts.findByEmail(email);
  if (!found) return;
  if (!underQuota) {
    logger.info('Password reset mail not sent: the address is over its quota', { userId: found.user.userId });
    return;
  }
  const token = newToken();
  try {
    await deps.tokens.issue(
      sha256(token),
      'password-reset',
      { userId: found.user.userId, passwordVersion: found.passwordVersion },
      new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000),
    );
    await deps.email.send({
      to: found.user.email,
      ...passwordResetEmail(found.user.name, resetPasswordLink(publicBaseUrl, token)),
    });
  } catch (error) {
    // A 500 only for real accounts would tell them apart: log it (alarmed) and answer as always.
    logger.error('Password reset email could not be sent', { error: error as Error, userId: found.user.userId });
  }
}

/**
 * Sets the new password. The token is checked, then the password rules (a weak password
 * does not use the token up), then the token is used up atomically (of two concurrent
 * confirmations one wins), and the password is replaced only if it has not changed since
 * the token was issued: any other reset link of the user is void from then on.
 *
 * Then everything the old password could have opened is ended: every session, every API
 * key the user created, every pending invite they sent and every campaign webhook token they
 * minted (in every workspace), and a log-in lock. The password version written with the new
 * password has void them all already (shared/identity/grant-standing.ts); the sweeps mark them
 * ended, so listings and counters agree (a reset failing before them leaves nothing usable). The
 * sweeps get a bounded share of the request ({@link RESET_SWEEP_BUDGET_MS}): one that fails or
 * overruns is logged and audited, and the reset still answers. Completing a reset proves the
 * mailbox, so it also verifies the email address.
 *
 * @throws ValidationError `TOKEN_INVALID`, `WEAK_PASSWORD`, `PASSWORD_TOO_WEAK`
 */
export async function confirmPasswordReset(
  input: { token: string; password: string },
  origin: RequestOrigin,
  deps: Pick<
    AccountDeps,
    'accounts' | 'tokens' | 'sessions' | 'apiKeys' | 'attempts' | 'passwords' | 'audit' | 'clock'
  >,
): Promise<void> {
  const now = new Date(deps.clock.now());
  const tokenHash = sha256(input.token);
  const grant = await deps.tokens.peek(tokenHash, 'password-reset', now);
  const user = grant ? await deps.accounts.findUser(grant.userId) : undefined;
  if (!grant || !user) throw tokenInvalid();
  await assertPasswordAcceptable(input.password, { email: user.email, name: user.name });
  const passwordHash = await deps.passwords.hash(input.password);
  if ((await deps.tokens.consume(tokenHash, 'password-reset', now))?.userId !== user.userId) throw tokenInvalid();
  // Tokens issued before versions existed carry none: they were issued for version 0.
  // The new version goes on the profile in the same write: every session opened with the old
  // password, and every API key, invite and webhook token handed out under it, is refused from
  // here on, whenever it is written (a log-in or a grant racing this one included: each is written
  // only while the version it was made under is current), and whether or not the sweeps below run.
  const replaced = await deps.accounts.replacePassword(user.userId, passwordHash, now, grant.passwordVersion ?? 0);
  if (!replaced) throw tokenInvalid();

  // Read after the new hash is written, not before the hashing: everything the old password
  // opened up to its replacement is stamped as ended (a stamp ends what was made at its instant too).
  const ended = new Date(deps.clock.now());
  const swept = await sweepWithinBudget(user.userId, ended, deps);
  if (!user.emailVerified) await deps.accounts.markEmailVerified(user.userId, ended);
  // Proving the mailbox is as good as the password: a lock from guessing ends here.
  await clearLoginFailures(user.email, deps.attempts, ended);
  await recordAuthEvent(
    deps.audit,
    { type: 'auth.password_reset', action: 'reset', user, origin, metadata: swept },
    ended,
  );
}

/**
 * How long a reset's sweeps may take of its request (the function has 10 s; hashing, the token and
 * the password change come first). They only clean up: the password change has ended everything
 * already, so a user whose sessions or workspaces outnumber one request's work is answered anyway.
 */
export const RESET_SWEEP_BUDGET_MS = 4_000;

type SweepDeps = Pick<AccountDeps, 'accounts' | 'sessions' | 'apiKeys' | 'clock'>;

/**
 * The reset's sweeps (sessions, API keys, invites and webhook tokens marked ended, so listings and
 * the active-key counters agree), side by side, for at most {@link RESET_SWEEP_BUDGET_MS}. A sweep
 * that fails or overruns is logged (and the audit entry says `sweepComplete: false`), never the
 * answer: the password is changed and the token used up, so a 5xx would only tell the user their
 * reset failed when it did not. What a sweep leaves is void all the same (the new password
 * version; the session listing judges by it, sessions.ts) and is marked by the user's next reset
 * (sessions end on their own within 7 days).
 */
async function sweepWithinBudget(userId: string, at: Date, deps: SweepDeps): Promise<Record<string, unknown>> {
  const counts: Record<string, number> = {};
  const sweep = async (name: string, run: () => Promise<Record<string, number> | number>) => {
    try {
      const result = await run();
      Object.assign(counts, typeof result === 'number' ? { [name]: result } : result);
      return true;
    } catch (error) {
      logger.error('A password reset sweep failed; what it leaves is void by the password version', {
        error: error as Error,
        userId,
        sweep: name,
      });
      return false;
    }
  };
  const budget = new AbortController();
  const started = deps.clock.now();
  const all = Promise.all([
    sweep('sessionsRevoked', () => deps.sessions.revokeAll(userId, at)),
    sweep('apiKeysRevoked', () => deps.apiKeys.revokeAllOf(userId, at)),
    sweep('grants', () => deps.accounts.revokeGrants(userId, at)),
  ]).then((done) => done.every(Boolean));
  const overrun = deps.clock.sleep(RESET_SWEEP_BUDGET_MS, budget.signal).then(
    () => false,
    () => false,
  );
  // Over budget when the clock says the budget has passed, not merely when its wait returned (a
  // clock whose waits take no time, as tests use, gives the sweeps their due).
  let sweepComplete = await Promise.race([all, overrun]);
  if (!sweepComplete && deps.clock.now() - started < RESET_SWEEP_BUDGET_MS) sweepComplete = await all;
  budget.abort();
  if (!sweepComplete) logger.warn('A password reset answered before its sweeps were done', { userId, counts });
  return { ...counts, sweepComplete };
}
