/**
 * Review round 13: forgetting a trusted device re-arms its new-device alert (what someone hiding
 * a log-in from a strange browser would do) and wrote no audit entry; the route has no
 * permission, so the edge's generic entry did not cover it. Now `auth.device_forgotten`.
 */
import { describe, expect, it } from 'vitest';
import { forgetDevice, recognizeDevice } from '../../../../shared/identity/accounts/devices';
import { signUp } from '../../../../shared/identity/accounts/sign-up';
import { accountWorld, BROWSER, PASSWORD, SIGN_UP_ORIGIN } from './memory-accounts';

async function signedUp() {
  const w = accountWorld();
  const result = await signUp({ email: 'ada@example.com', password: PASSWORD, name: 'Ada' }, SIGN_UP_ORIGIN, w.deps);
  return { ...w, ...result };
}

describe('forgetDevice', () => {
  it('forgets the device and audits it in the user’s default workspace, naming the device', async () => {
    const w = await signedUp();
    const { deviceId } = await recognizeDevice(w.user, BROWSER, w.deps, new Date(w.clock.now()));

    await forgetDevice(w.user.userId, deviceId, BROWSER, w.deps);

    expect(await w.devices.list(w.user.userId)).toEqual([]);
    const entry = w.audit.entries.find((e) => e.eventType === 'auth.device_forgotten');
    expect(entry).toMatchObject({
      workspaceId: w.user.defaultWorkspaceId,
      actorId: w.user.userId,
      resourceType: 'device',
      resourceId: deviceId,
      ip: BROWSER.ip,
      userAgent: BROWSER.userAgent,
    });
  });

  it('answers 404 for a device that is not the caller’s, and audits nothing', async () => {
    const w = await signedUp();
    const before = w.audit.entries.length;
    await expect(forgetDevice(w.user.userId, 'f'.repeat(64), BROWSER, w.deps)).rejects.toMatchObject({
      status: 404,
      code: 'DEVICE_NOT_FOUND',
    });
    expect(w.audit.entries).toHaveLength(before);
  });
});
