/**
 * Log-in with email and password. An unknown email and a wrong password give the same 401
 * `INVALID_CREDENTIALS` after the same work (a dummy hash is checked when there is no
 * user), and are counted by the same throttle, so neither answer nor timing tells whether
 * an account exists: only an account's failure has an audit entry to write, and no answer waits
 * for it (both answer after the same counter writes, padded to {@link LOGIN_FAILURE_FLOOR_MS}).
 * A session is tied to the password version it verified (sessions.ts `startSession`). The attempt is counted before the hash is checked (see
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
  // The account is looked up while the attempt is counted (a read: it answers nothing and
  // costs no allowance), so the two round trips overlap. The hash is checked only after the
  // count: concurrent guesses can't share one allowance.
  const lookup: Promise<Credentials | undefined> = email
    ? deps.accounts.findByEmail(email)
    : Promise.resolve(undefined);
  lookup.catch(() => undefined); // a refused attempt never awaits it
  const reservation = await reserveLoginAttempt(email, origin.ip, deps.attempts, now);

  let found: Credentials | undefined;
  let valid: boolean;
  try {
    found = await lookup;
    valid = await deps.passwords.verify(input.password, found?.passwordHash ?? deps.passwords.dummyHash);
  } catch (error) {
    // Never judged (hashing shed with SERVER_BUSY, a store error): not a failure.
    await abandonedAttempt(reservation, deps.attempts, now);
    throw error;
  }
  if (!found || !valid) {
    // From here both failures do the same awaited work and answer no sooner than the floor.
    const floor = deps.clock.sleep(LOGIN_FAILURE_FLOOR_MS);
    const { failures, locked } = await failedAttempt(reservation, deps.attempts, now);
    if (found) {
      // Sent now, waited for by nobody: only an account has an entry to write, and waiting for it
      // would time the difference. The floor gives it the time to land before the answer.
      const started = deps.clock.now();
      void onFailure(found.user, failures, locked, origin, deps, now).then(() => {
        const spent = deps.clock.now() - started;
        if (spent > LOGIN_FAILURE_FLOOR_MS) logger.warn('Failed log-in bookkeeping outlasted its floor', { spent });
      });
    }
    await floor;
    throw invalidCredentials();
  }

  const { user } = found;
  const credentials = found;
  // The password was right: the counters are cleared while the session is opened (neither
  // depends on the other; both are awaited before the answer).
  const succeeded = succeededAttempt(reservation, deps.attempts, now);
  const opened = (async () => {
    if (deps.passwords.needsRehash(credentials.passwordHash)) {
      // The password is at hand only now: the one moment old parameters can be upgraded (unless
      // a reset replaced it meanwhile: then nothing is written, and no session is opened below).
      const rehashed = await deps.passwords.hash(input.password);
      await deps.accounts.setPasswordHash(user.userId, rehashed, now, credentials.passwordVersion);
    }
    // Tied to the password version just verified: a reset that replaced it meanwhile makes this 401.
    return startSession(user.userId, origin, deps, now, credentials.passwordVersion);
  })();
  const [, { token, session }] = await Promise.all([succeeded, opened]);
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

/**
 * A failed log-in (unknown address or wrong password) answers no sooner than this after its
 * password check. Well above what the failure's writes cost (the counters, then for an account
 * its audit entry and, at a lock, an alert: single-digit milliseconds each), so the account's
 * extra entry is written before the answer without the answer waiting for it: both failures wait
 * for the same counters and the same floor. The entry's request is sent at once and lands on
 * DynamoDB's side even if the instance is frozen after the answer.
 */
export const LOGIN_FAILURE_FLOOR_MS = 150;

/** The failed log-in's audit entry and, at a lock, its alert. Never rejects: a failure is logged. */
async function onFailure(
  user: User,
  failures: number,
  locked: boolean,
  origin: DeviceOrigin,
  deps: AccountDeps,
  now: Date,
): Promise<void> {
  const entry = recordAuthEvent(
    deps.audit,
    { type: 'auth.login_failed', action: 'login', user, origin, metadata: { reason: 'wrong_password', failures } },
    now,
  ).catch((error: unknown) => {
    logger.error('Could not record the failed log-in', { error: error as Error, userId: user.userId });
  });
  if (!locked) return entry;
  // Sent together with the entry, not after it: both are on their way before the floor ends.
  const alert = raiseLockAlert(user, failures, origin, deps, now);
  await Promise.all([entry, alert]);
}

async function raiseLockAlert(user: User, failures: number, origin: DeviceOrigin, deps: AccountDeps, now: Date) {
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
