/**
 * Password reset. The request always answers the same (202), whether or not the address
 * has an account; the emailed token (1 h, single use) sets a new password and ends every
 * session of the user, so whoever knew the old password is logged out everywhere.
 */
import { logger } from '../../observability/logger';
import { sanitizeEmail } from '../../security/sanitize';
import { newToken, sha256 } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { passwordResetEmail, resetPasswordLink } from './emails';
import { tokenInvalid } from './errors';
import { clearLoginFailures } from './login-throttle';
import { assertPasswordPolicy } from './password';
import type { AccountDeps, RequestOrigin } from './ports';

export const RESET_TOKEN_TTL_SECONDS = 60 * 60;

/** Mails a reset link when the address has an account; does nothing visible otherwise. */
export async function requestPasswordReset(
  rawEmail: string,
  publicBaseUrl: string,
  deps: Pick<AccountDeps, 'accounts' | 'tokens' | 'email' | 'clock'>,
): Promise<void> {
  let email: string;
  try {
    email = sanitizeEmail(rawEmail);
  } catch {
    return;
  }
  const found = await deps.accounts.findByEmail(email);
  if (!found) return;
  const now = new Date(deps.clock.now());
  const token = newToken();
  try {
    await deps.tokens.issue(
      sha256(token),
      'password-reset',
      found.user.userId,
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
 * Sets the new password. The token is checked, then the policy (a weak password does not
 * use the token up), then used up atomically: of two concurrent confirmations one wins.
 *
 * @throws ValidationError `TOKEN_INVALID`, `WEAK_PASSWORD`
 */
export async function confirmPasswordReset(
  input: { token: string; password: string },
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'accounts' | 'tokens' | 'sessions' | 'attempts' | 'passwords' | 'audit' | 'clock'>,
): Promise<void> {
  const now = new Date(deps.clock.now());
  const tokenHash = sha256(input.token);
  const holder = await deps.tokens.peek(tokenHash, 'password-reset', now);
  const user = holder ? await deps.accounts.findUser(holder) : undefined;
  if (!user) throw tokenInvalid();
  assertPasswordPolicy(input.password, user.email);
  const passwordHash = await deps.passwords.hash(input.password);
  if ((await deps.tokens.consume(tokenHash, 'password-reset', now)) !== user.userId) throw tokenInvalid();

  await deps.accounts.setPasswordHash(user.userId, passwordHash, now);
  const revoked = await deps.sessions.revokeAll(user.userId, now);
  // Proving the mailbox is as good as the password: a lock from guessing ends here.
  await clearLoginFailures(user.email, deps.attempts);
  await recordAuthEvent(
    deps.audit,
    { type: 'auth.password_reset', action: 'reset', user, origin, metadata: { sessionsRevoked: revoked } },
    now,
  );
}
