/**
 * The verified-email rule: an account whose address nobody has proved may not hand out
 * access (API keys, invitations). Otherwise someone could sign up with another person's
 * address before they do, mint a key, and keep reading the account after its rightful owner
 * takes it over with a password reset. See docs/IDENTITY.md.
 */
import { ForbiddenError } from '../errors';
import type { User } from './model';

/** Reads a user's profile; strongly consistent, so a verification a moment ago counts. */
export interface UserDirectory {
  findUser(userId: string): Promise<User | undefined>;
}

/**
 * @param doing what the caller wanted to do, for the message ("create API keys")
 * @throws ForbiddenError `EMAIL_NOT_VERIFIED` unless the user's email address is verified
 */
export async function assertEmailVerified(userId: string, users: UserDirectory, doing: string): Promise<void> {
  const user = await users.findUser(userId);
  if (user?.emailVerified) return;
  throw emailNotVerified(doing);
}

/** The 403 `EMAIL_NOT_VERIFIED` of a caller who may not hand out access yet. */
export function emailNotVerified(doing: string): ForbiddenError {
  return new ForbiddenError(
    `Verify your email address before you ${doing}: open the link in the confirmation email we sent you` +
      ' (completing a password reset also verifies it).',
    'EMAIL_NOT_VERIFIED',
  );
}
