/** Email verification: a single-use token (24 h) mailed at sign-up, confirmed by POSTing it back. */
import type { User } from '../model';
import { newToken, sha256 } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { verificationEmail, verifyEmailLink } from './emails';
import { tokenInvalid } from './errors';
import type { AccountDeps, RequestOrigin } from './ports';

export const VERIFY_EMAIL_TTL_SECONDS = 24 * 60 * 60;

/** Issues a verification token and mails the link. */
export async function sendVerificationEmail(
  user: User,
  publicBaseUrl: string,
  deps: Pick<AccountDeps, 'tokens' | 'email'>,
  now: Date,
): Promise<void> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + VERIFY_EMAIL_TTL_SECONDS * 1000);
  await deps.tokens.issue(sha256(token), 'verify-email', { userId: user.userId }, expiresAt);
  const mail = verificationEmail(user.name, verifyEmailLink(publicBaseUrl, token));
  await deps.email.send({ to: user.email, ...mail });
}

/**
 * Marks the token's user verified. Unknown, expired and used tokens: 400 `TOKEN_INVALID`.
 *
 * @throws ValidationError `TOKEN_INVALID`
 */
export async function verifyEmail(
  token: string,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'tokens' | 'accounts' | 'audit' | 'clock'>,
): Promise<void> {
  const now = new Date(deps.clock.now());
  const grant = await deps.tokens.consume(sha256(token), 'verify-email', now);
  const user = grant ? await deps.accounts.findUser(grant.userId) : undefined;
  if (!user) throw tokenInvalid();
  await deps.accounts.markEmailVerified(user.userId, now);
  await recordAuthEvent(deps.audit, { type: 'auth.email_verified', action: 'verify', user, origin }, now);
}
