/**
 * Review round 13: this test failed at f87176e (an admin removed from the workspace got back in
 * as admin through an invite they had sent before; an invite from an admin since demoted to viewer
 * still made its invitee an admin; a role manager rewrote a custom role held by members who
 * outrank them; forgetting a trusted device left no audit entry). Fixed at the root
 * (shared/workspaces/use-cases.ts, shared/identity/accounts/devices.ts): a removal withdraws the
 * member's pending invites and a role change those the new role could not send, and acceptInvite
 * checks the inviter's current membership, permissions and last reset (410 INVITE_REVOKED, in the
 * accept's own transaction too); putRole needs every permission of the role's current definition
 * (403 ROLE_EXCEEDS_YOURS); forgetDevice records `auth.device_forgotten`.
 *
 * Review round 13 (identity, workspaces, governance): access that outlives the authority that
 * granted it, a role redefinition that demotes members who outrank the editor, and a state change
 * that leaves no audit entry. Each test fails on the code as reviewed and passes once fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { PERMISSIONS } from '../../shared/identity/permissions';
import { mailedToken } from '../support/accounts';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

async function call(user: TestUser, method: string, path: string, body?: unknown) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed };
}

describe('pending invites and the inviter’s authority', () => {
  /**
   * Severity: HIGH. Fault: shared/workspaces/use-cases.ts:removeMember (and acceptInvite): removing
   * a member revokes their API keys ("a key never comes back to life") but not the invites they
   * sent, and acceptInvite never re-checks the inviter. An admin about to be removed invites a
   * second address of their own as admin; after the removal that link still joins them as admin:
   * a removal that does not take effect.
   * Fix: removeMember also revokes the member's pending invites (status=revoked, revokedBy), or
   * acceptInvite refuses (410 INVITE_REVOKED) an invite whose inviter is no longer a member holding
   * every permission of the invited role.
   */
  it('an admin removed from the workspace cannot get back in through an invite they sent before', async () => {
    const owner = await newUser(runtime, 'r13-own', { verified: true });
    const admin = await newUser(runtime, 'r13-adm', { verified: true });
    const alt = await newUser(runtime, 'r13-alt');
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');

    const sent = await call(admin, 'POST', `/api/workspaces/${owner.workspaceId}/invites`, {
      email: alt.email,
      role: 'admin',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const token = await mailedToken(runtime, alt.email, /invited you/i);

    const removed = await call(owner, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${admin.userId}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);

    const accepted = await call(alt, 'POST', '/api/invites/accept', { token });
    // The removed admin's second account must not be let in (as admin or at all).
    expect(accepted.status, JSON.stringify(accepted.body)).toBeGreaterThanOrEqual(400);
    const members = await call(owner, 'GET', `/api/workspaces/${owner.workspaceId}/members`);
    expect(members.body.members.map((m: { userId: string }) => m.userId)).not.toContain(alt.userId);
  });

  /**
   * Severity: MEDIUM. Same fault, demotion variant: shared/workspaces/use-cases.ts:changeRole /
   * acceptInvite. An admin demoted to viewer keeps the power to make someone an admin through an
   * invite sent before the demotion ("a role change takes effect on the next request";
   * "custom roles can't grant more than the creator has").
   * Fix: acceptInvite checks assertAssignable(invite.role, <inviter's current permissions>) and
   * answers 410/403 otherwise (or changeRole revokes the member's pending invites it no longer
   * allows).
   */
  it('an invite sent by an admin who was since demoted to viewer does not make anyone an admin', async () => {
    const owner = await newUser(runtime, 'r13-own2', { verified: true });
    const admin = await newUser(runtime, 'r13-adm2', { verified: true });
    const alt = await newUser(runtime, 'r13-alt2');
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');

    const sent = await call(admin, 'POST', `/api/workspaces/${owner.workspaceId}/invites`, {
      email: alt.email,
      role: 'admin',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const token = await mailedToken(runtime, alt.email, /invited you/i);

    const demoted = await call(owner, 'PATCH', `/api/workspaces/${owner.workspaceId}/members/${admin.userId}`, {
      role: 'viewer',
    });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);

    await call(alt, 'POST', '/api/invites/accept', { token });
    const members = await call(owner, 'GET', `/api/workspaces/${owner.workspaceId}/members`);
    const joined = members.body.members.find((m: { userId: string }) => m.userId === alt.userId);
    expect(joined?.role).not.toBe('admin');
  });
});

describe('redefining a custom role', () => {
  /**
   * Severity: MEDIUM. Fault: shared/workspaces/use-cases.ts:putRole checks only that the NEW
   * permissions are held by the caller, never the role's CURRENT ones. A custom role that may
   * manage roles but little else rewrites a role its betters hold and so demotes them all at once:
   * the MEMBER_OUTRANKS_YOU rule of changeRole/removeMember ("a custom role that may manage members
   * but little else cannot demote or remove an admin") does not hold for role edits.
   * Fix: in putRole, when the role exists, also require every permission of its current definition
   * (assertManageable(name, caller.permissions, roles)), 403 MEMBER_OUTRANKS_YOU / ROLE_EXCEEDS_YOURS.
   */
  it('a role manager cannot strip the permissions of a role held by members who outrank them', async () => {
    const owner = await newUser(runtime, 'r13-own3', { verified: true });
    const manager = await newUser(runtime, 'r13-mgr');
    const senior = await newUser(runtime, 'r13-sen');
    const roles = `/api/workspaces/${owner.workspaceId}/roles`;
    const mgrPerms = ['workspace:read', 'members:read', 'roles:read', 'roles:manage'];
    const seniorPerms = PERMISSIONS.filter((p) => p !== 'roles:manage');
    expect((await call(owner, 'PUT', `${roles}/rolemgr`, { permissions: mgrPerms })).status).toBe(200);
    expect((await call(owner, 'PUT', `${roles}/senior`, { permissions: seniorPerms })).status).toBe(200);
    await addMember(runtime, owner.workspaceId, owner.organizationId, manager, 'rolemgr');
    await addMember(runtime, owner.workspaceId, owner.organizationId, senior, 'senior');

    const stripped = await call(manager, 'PUT', `${roles}/senior`, { permissions: ['workspace:read'] });
    expect(stripped.status, JSON.stringify(stripped.body)).toBe(403);
    const listed = await call(owner, 'GET', roles);
    const seniorRole = listed.body.roles.find((r: { name: string }) => r.name === 'senior');
    expect(seniorRole.permissions).toHaveLength(seniorPerms.length);
  });
});

describe('audit entries for every state change', () => {
  /**
   * Severity: LOW. Fault: functions/identity.ts 'devices.forget' / shared/identity/accounts/
   * devices.ts:forgetDevice: forgetting a trusted device (which re-arms the new-device alert for
   * it: exactly what someone hiding a log-in would do) changes state and writes no audit entry;
   * the route has no permission, so the edge's generic entry does not cover it either.
   * Fix: record an `auth.device_forgotten` auth event (recordAuthEvent, resource {type: 'device',
   * id}) in forgetDevice, as revokeSession does for `auth.session_revoked`.
   */
  it('forgetting a trusted device leaves an audit entry', async () => {
    const owner = await newUser(runtime, 'r13-dev', { verified: true });
    const devices = await call(owner, 'GET', '/api/auth/devices');
    const deviceId: string = devices.body.devices[0].deviceId;
    expect((await call(owner, 'DELETE', `/api/auth/devices/${deviceId}`)).status).toBe(204);

    const log = await call(owner, 'GET', '/api/security/audit-log?limit=100');
    expect(log.status).toBe(200);
    const mentions = (log.body.entries as Array<Record<string, unknown>>).filter(
      (e) => e.resourceId === deviceId || String(e.eventType).includes('device'),
    );
    expect(mentions.length, JSON.stringify(log.body.entries.map((e: { eventType: string }) => e.eventType))).toBe(1);
  });
});
