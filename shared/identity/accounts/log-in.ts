/**
 * Log-in with email and password. An unknown email and a wrong password give the same 401
 * `INVALID_CREDENTIALS` after the same work (a dummy hash is checked when there is no
 * user), and are counted by the same throttle, so neither answer nor timing tells whether
 * an account exists. The attempt is counted before the hash is checked (see
 * login-throttle.ts), so parallel guesses never get more checks than the policy allows.
 */
import { logger } from '../../observability/logger';
import { sanitizeEmail } from '../../security/sanitize';
import type { User } from '../model';
import { newId } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { type DeviceOrigin, recognizeDevice } from './devices';
import { invalidCredentials } from './errors';
import {
  abandonedAttempt,
  failedAttempt,
  LOCK_AFTER_FAILURES,
  LOCK_SECONDS,
  reserveLoginAttempt,
  succeededAttempt,
} from './login-throttle';
import type { AccountDeps, Credentials } from './ports';
import { startSession } from './sessions';

export interface LogInResult {
  readonly user: User;
  readonly workspaceId: string;
  readonly sessionToken: string;
  readonly newDevice: boolean;
}

/**
 * @throws UnauthorizedError `INVALID_CREDENTIALS`; LoginRefusedError `LOGIN_THROTTLED`, `ACCOUNT_LOCKED`
 */
export async function logIn(
  input: { email: string; password: string },
  origin: DeviceOrigin,
  deps: AccountDeps,
): Promise<LogInResult> {
  const email = canonicalEmail(input.email);
  const now = new Date(deps.clock.now());
  // Counted before the hash is checked: concurrent guesses can't share one allowance.
  const reservation = await reserveLoginAttempt(email, origin.ip, deps.attempts, now);

  let found: Credentials | undefined;
  let valid: boolean;
  try {
    found = email ? await deps.accounts.findByEmail(email) : undefined;
    valid = await deps.passwords.verify(input.password, found?.passwordHash ?? deps.passwords.dummyHash);
  } catch (error) {
    // Never judged (hashing shed with SERVER_BUSY, a store error): not a failure.
    await abandonedAttempt(reservation, deps.attempts, now);
    throw error;
  }
  if (!found || !valid) {
    const { failures, locked } = await failedAttempt(reservation, deps.attempts, now);
    if (found) await onFailure(found.user, failures, locked, origin, deps, now);
    throw invalidCredentials();
  }

  const { user } = found;
  await succeededAttempt(reservation, deps.attempts, now);
  if (deps.passwords.needsRehash(found.passwordHash)) {
    // The password is at hand only now: the one moment old parameters can be upgraded.
    await deps.accounts.setPasswordHash(user.userId, await deps.passwords.hash(input.password), now);
  }
  const { token, session } = await startSession(user.userId, origin, deps, now);
  const device = await recognizeDevice(user, origin, deps, now);
  await recordAuthEvent(
    deps.audit,
    {
      type: 'auth.login',
      action: 'login',
      user,
      origin,
      resource: { type: 'session', id: session.sessionId },
      metadata: { deviceId: device.deviceId, newDevice: device.isNew },
    },
    now,
  );
  return { user, workspaceId: user.defaultWorkspaceId, sessionToken: token, newDevice: device.isNew };
}

/** Malformed addresses can't belong to an account; they still cost a hash and count as failures. */
function canonicalEmail(raw: string): string {
  try {
    return sanitizeEmail(raw);
  } catch {
    return raw.trim().toLowerCase();
  }
}

async function onFailure(
  user: User,
  failures: number,
  locked: boolean,
  origin: DeviceOrigin,
  deps: AccountDeps,
  now: Date,
): Promise<void> {
  await recordAuthEvent(
    deps.audit,
    { type: 'auth.login_failed', action: 'login', user, origin, metadata: { reason: 'wrong_password', failures } },
    now,
  );
  if (!locked) return;
  try {
    await deps.alerts.raise({
      id: newId(),
      alertType: 'auth_anomaly',
      severity: 'high',
      title: `Account locked for ${LOCK_SECONDS / 60} minutes after ${LOCK_AFTER_FAILURES} failed log-ins`,
      workspaceId: user.defaultWorkspaceId,
      metadata: { userId: user.userId, email: user.email, failures, ip: origin.ip, userAgent: origin.userAgent },
      createdAt: now.toISOString(),
    });
  } catch (error) {
    // The caller still gets their 401; a lost alert is logged, not turned into a 500.
    logger.error('Could not raise the account-lock alert', { error: error as Error, userId: user.userId });
  }
}
