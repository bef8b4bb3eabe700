/**
 * Trusted devices, one per (user, fingerprint). The fingerprint is the SHA-256 of the
 * user agent and the client's `x-device-id` header (a random id the front end keeps in
 * local storage): not proof of anything, but enough to notice "a browser we never saw"
 * and tell the workspace with an `info` alert. A user keeps at most {@link MAX_TRUSTED_DEVICES}
 * (a new one past it forgets the least recently seen), each with its user agent cut
 * ({@link storedUserAgent}), so the listing of a user's devices is bounded.
 */
import { NotFoundError } from '../../errors';
import type { User } from '../model';
import { newId, sha256 } from '../tokens';
import { recordAuthEvent } from './auth-events';
import { MAX_TRUSTED_DEVICES, storedUserAgent } from './per-user-limits';
import type { AccountDeps, RequestOrigin, TrustedDevice } from './ports';

export const DEVICE_ID_HEADER = 'x-device-id';

/** `sha256(userAgent | x-device-id)`: the device id. */
export const deviceFingerprint = (userAgent: string, deviceHeader: string | undefined): string =>
  sha256(`${userAgent}|${deviceHeader ?? ''}`);

export interface DeviceOrigin extends RequestOrigin {
  /** The `x-device-id` header, when the client sent one. */
  readonly deviceHeader?: string;
}

/**
 * Records the device of a successful log-in. A device never seen for this user raises a
 * `new_device` alert, unless `silent` (the sign-up's own browser is not news), and makes room
 * for itself past the cap ({@link forgetDevicesPastCap}).
 */
export async function recognizeDevice(
  user: User,
  origin: DeviceOrigin,
  deps: Pick<AccountDeps, 'devices' | 'alerts' | 'audit'>,
  now: Date,
  silent = false,
): Promise<{ deviceId: string; isNew: boolean }> {
  // The fingerprint is of the whole user agent (as the listing's `current` compares it); the record keeps it cut.
  const deviceId = deviceFingerprint(origin.userAgent, origin.deviceHeader);
  const { isNew } = await deps.devices.recordSeen({
    userId: user.userId,
    deviceId,
    userAgent: storedUserAgent(origin.userAgent),
    ip: origin.ip,
    at: now,
  });
  if (isNew) await forgetDevicesPastCap(user, deviceId, origin, deps, now);
  if (isNew && !silent) {
    await deps.alerts.raise({
      id: newId(),
      alertType: 'new_device',
      severity: 'info',
      title: 'Log-in from a new device',
      workspaceId: user.defaultWorkspaceId,
      metadata: {
        userId: user.userId,
        email: user.email,
        deviceId,
        userAgent: storedUserAgent(origin.userAgent),
        ip: origin.ip,
      },
      createdAt: now.toISOString(),
    });
  }
  return { deviceId, isNew };
}

/**
 * Forgets the user's least recently seen devices past {@link MAX_TRUSTED_DEVICES}, `kept` (the one
 * just recorded) staying, each audited as `auth.device_forgotten` (action `evict`, reason
 * `device-limit`); such a device's next log-in alerts again, as after a forget.
 */
async function forgetDevicesPastCap(
  user: User,
  kept: string,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'devices' | 'audit'>,
  now: Date,
): Promise<void> {
  const others = (await deps.devices.list(user.userId)).filter((d) => d.deviceId !== kept).sort(byRecency);
  for (const device of others.slice(Math.max(0, MAX_TRUSTED_DEVICES - 1))) {
    if (!(await deps.devices.forget(user.userId, device.deviceId))) continue;
    await recordAuthEvent(
      deps.audit,
      {
        type: 'auth.device_forgotten',
        action: 'evict',
        user,
        origin,
        resource: { type: 'device', id: device.deviceId },
        metadata: { reason: 'device-limit', limit: MAX_TRUSTED_DEVICES },
      },
      now,
    );
  }
}

/** Most recently seen first. */
const byRecency = (a: TrustedDevice, b: TrustedDevice) => b.lastSeenAt.localeCompare(a.lastSeenAt);

export interface DeviceView extends Omit<TrustedDevice, 'userId'> {
  readonly current: boolean;
}

/**
 * The user's devices, most recently seen first, the one making the request marked `current`: the
 * {@link MAX_TRUSTED_DEVICES} most recent (a user who kept more from before the cap has the rest
 * forgotten at their next new device), user agents cut.
 */
export async function listDevices(
  userId: string,
  currentDeviceId: string,
  deps: Pick<AccountDeps, 'devices'>,
): Promise<DeviceView[]> {
  const devices = (await deps.devices.list(userId)).sort(byRecency).slice(0, MAX_TRUSTED_DEVICES);
  return devices.map(({ userId: _user, ...d }) => ({
    ...d,
    userAgent: storedUserAgent(d.userAgent),
    current: d.deviceId === currentDeviceId,
  }));
}

/**
 * Forgets one of the caller's devices (its next log-in alerts again); anyone else's: 404.
 * Audited as `auth.device_forgotten`: it re-arms the new-device alert, exactly what someone
 * hiding a log-in from a strange browser would do, so it must leave a trace.
 */
export async function forgetDevice(
  userId: string,
  deviceId: string,
  origin: RequestOrigin,
  deps: Pick<AccountDeps, 'devices' | 'accounts' | 'audit' | 'clock'>,
) {
  if (!(await deps.devices.forget(userId, deviceId))) throw new NotFoundError('No such device', 'DEVICE_NOT_FOUND');
  const user = await deps.accounts.findUser(userId);
  if (!user) return;
  const now = new Date(deps.clock.now());
  await recordAuthEvent(
    deps.audit,
    { type: 'auth.device_forgotten', action: 'forget', user, origin, resource: { type: 'device', id: deviceId } },
    now,
  );
}
