/**
 * Trusted devices, one per (user, fingerprint). The fingerprint is the SHA-256 of the
 * user agent and the client's `x-device-id` header (a random id the front end keeps in
 * local storage): not proof of anything, but enough to notice "a browser we never saw"
 * and tell the workspace with an `info` alert.
 */
import { NotFoundError } from '../../errors';
import type { User } from '../model';
import { newId, sha256 } from '../tokens';
import { recordAuthEvent } from './auth-events';
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
 * `new_device` alert, unless `silent` (the sign-up's own browser is not news).
 */
export async function recognizeDevice(
  user: User,
  origin: DeviceOrigin,
  deps: Pick<AccountDeps, 'devices' | 'alerts'>,
  now: Date,
  silent = false,
): Promise<{ deviceId: string; isNew: boolean }> {
  const deviceId = deviceFingerprint(origin.userAgent, origin.deviceHeader);
  const { isNew } = await deps.devices.recordSeen({
    userId: user.userId,
    deviceId,
    userAgent: origin.userAgent,
    ip: origin.ip,
    at: now,
  });
  if (isNew && !silent) {
    await deps.alerts.raise({
      id: newId(),
      alertType: 'new_device',
      severity: 'info',
      title: 'Log-in from a new device',
      workspaceId: user.defaultWorkspaceId,
      metadata: { userId: user.userId, email: user.email, deviceId, userAgent: origin.userAgent, ip: origin.ip },
      createdAt: now.toISOString(),
    });
  }
  return { deviceId, isNew };
}

export interface DeviceView extends Omit<TrustedDevice, 'userId'> {
  readonly current: boolean;
}

/** The user's devices, most recently seen first, the one making the request marked `current`. */
export async function listDevices(
  userId: string,
  currentDeviceId: string,
  deps: Pick<AccountDeps, 'devices'>,
): Promise<DeviceView[]> {
  const devices = await deps.devices.list(userId);
  return devices.map(({ userId: _user, ...d }) => ({ ...d, current: d.deviceId === currentDeviceId }));
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
