/**
 * Sign-up: a user, their organization, its first workspace and the owner membership, all
 * in one transaction with the claim on the email address, so a duplicate address leaves
 * nothing behind. Answers 409 `EMAIL_TAKEN` for a known address: that reveals the account
 * exists, which every sign-up form does anyway (log-in and reset never do).
 */
import { ConflictError } from '../../errors';
import { logger } from '../../observability/logger';
import { sanitizeEmail } from '../../security/sanitize';
import type { Membership, Organization, User, Workspace } from '../model';
import { newId } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { type DeviceOrigin, recognizeDevice } from './devices';
import { sendVerificationEmail } from './email-verification';
import { assertPasswordAcceptable } from './password-strength';
import type { AccountDeps } from './ports';
import { startSession } from './sessions';

export interface SignUpInput {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly organizationName?: string;
}

export interface SignUpResult {
  readonly user: User;
  readonly organization: Organization;
  readonly workspace: Workspace;
  /** The raw session token, for the cookie only. */
  readonly sessionToken: string;
}

/**
 * @throws ValidationError `INVALID_EMAIL`, `WEAK_PASSWORD`, `PASSWORD_TOO_WEAK`; ConflictError `EMAIL_TAKEN`
 */
export async function signUp(
  input: SignUpInput,
  origin: DeviceOrigin & { readonly publicBaseUrl: string },
  deps: AccountDeps,
): Promise<SignUpResult> {
  const email = sanitizeEmail(input.email);
  await assertPasswordAcceptable(input.password, { email, name: input.name });
  const passwordHash = await deps.passwords.hash(input.password);
  const now = new Date(deps.clock.now());
  const createdAt = now.toISOString();
  const [userId, organizationId, workspaceId] = [newId(), newId(), newId()];
  const orgName = input.organizationName?.trim();

  const user: User = {
    userId,
    email,
    name: input.name.trim(),
    emailVerified: false,
    defaultWorkspaceId: workspaceId,
    createdAt,
  };
  const organization: Organization = {
    organizationId,
    name: orgName || `${user.name}'s organization`,
    ownerUserId: userId,
    createdAt,
  };
  const workspace: Workspace = {
    workspaceId,
    organizationId,
    name: orgName ? `${orgName} workspace` : 'Default',
    createdAt,
  };
  const membership: Membership = { workspaceId, organizationId, userId, role: 'owner', joinedAt: createdAt };

  const outcome = await deps.accounts.create({ user, passwordHash, organization, workspace, membership });
  if (outcome === 'email-taken') throw new ConflictError('An account with this email address exists', 'EMAIL_TAKEN');

  // A new account's password is version 0.
  const { token } = await startSession(userId, origin, deps, now, 0);
  await recognizeDevice(user, origin, deps, now, true);
  try {
    await sendVerificationEmail(user, origin.publicBaseUrl, deps, now);
  } catch (error) {
    // The account exists now; failing the request would only make the retry answer 409.
    logger.error('Verification email could not be sent', { error: error as Error, userId });
  }
  await recordAuthEvent(
    deps.audit,
    { type: 'auth.signup', action: 'create', user, origin, metadata: { organizationId, workspaceId } },
    now,
  );
  return { user, organization, workspace, sessionToken: token };
}
