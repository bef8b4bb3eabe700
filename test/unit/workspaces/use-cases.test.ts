import { beforeEach, describe, expect, it } from 'vitest';
import type { AuthContext, WorkspaceAccess } from '../../../shared/identity/auth-context';
import type { CustomRole, Membership, Organization, User, Workspace } from '../../../shared/identity/model';
import { BUILTIN_ROLE_PERMISSIONS, type Permission } from '../../../shared/identity/permissions';
import type { Invite, WorkspaceStore } from '../../../shared/workspaces/ports';
import * as uc from '../../../shared/workspaces/use-cases';

class MemoryStore implements WorkspaceStore {
  orgs: Organization[] = [];
  spaces: Workspace[] = [];
  memberships: Membership[] = [];
  people: User[] = [];
  customRoles: CustomRole[] = [];
  invitesByHash = new Map<string, Invite>();
  async workspace(id: string) {
    return this.spaces.find((w) => w.workspaceId === id);
  }
  async workspaces(ids: readonly string[]) {
    return this.spaces.filter((w) => ids.includes(w.workspaceId));
  }
  async organization(id: string) {
    return this.orgs.find((o) => o.organizationId === id);
  }
  async membershipsOf(userId: string) {
    return this.memberships.filter((m) => m.userId === userId);
  }
  async members(ws: string) {
    return this.memberships.filter((m) => m.workspaceId === ws);
  }
  async member(ws: string, userId: string) {
    return this.memberships.find((m) => m.workspaceId === ws && m.userId === userId);
  }
  async users(ids: readonly string[]) {
    return this.people.filter((u) => ids.includes(u.userId));
  }
  async createWorkspace(w: Workspace, owner: Membership) {
    this.spaces.push(w);
    this.memberships.push(owner);
  }
  async renameWorkspace() {}
  async setRole(ws: string, userId: string, role: string) {
    this.memberships = this.memberships.map((m) => (m.workspaceId === ws && m.userId === userId ? { ...m, role } : m));
  }
  async removeMember(ws: string, userId: string) {
    this.memberships = this.memberships.filter((m) => !(m.workspaceId === ws && m.userId === userId));
  }
  async roles(ws: string) {
    return this.customRoles.filter((r) => r.workspaceId === ws);
  }
  async putRole(role: CustomRole) {
    this.customRoles = [
      ...this.customRoles.filter((r) => !(r.workspaceId === role.workspaceId && r.name === role.name)),
      role,
    ];
  }
  async deleteRole(ws: string, name: string) {
    this.customRoles = this.customRoles.filter((r) => !(r.workspaceId === ws && r.name === name));
  }
  async saveInvite(invite: Invite, hash: string) {
    this.invitesByHash.set(hash, invite);
  }
  async invites(ws: string) {
    return [...this.invitesByHash.values()].filter((i) => i.workspaceId === ws);
  }
  async inviteByTokenHash(hash: string) {
    return this.invitesByHash.get(hash);
  }
  async acceptInvite(hash: string, m: Membership) {
    const invite = this.invitesByHash.get(hash);
    if (invite?.status !== 'pending' || (await this.member(m.workspaceId, m.userId))) return false;
    this.invitesByHash.set(hash, { ...invite, status: 'accepted' });
    this.memberships.push(m);
    return true;
  }
}

const now = () => new Date('2026-11-25T12:00:00Z');
const sent: Array<{ to: string; text: string }> = [];
let store: MemoryStore;
let deps: uc.WorkspaceDeps;
const auth = (userId: string, email: string): AuthContext => ({
  principal: { userId, email, via: 'session', sessionId: 's' },
});
const access = (role: keyof typeof BUILTIN_ROLE_PERMISSIONS | Permission[]): WorkspaceAccess => ({
  workspaceId: 'ws-1',
  organizationId: 'org-1',
  role: Array.isArray(role) ? 'custom' : role,
  permissions: new Set(Array.isArray(role) ? role : BUILTIN_ROLE_PERMISSIONS[role]),
});

beforeEach(() => {
  sent.length = 0;
  store = new MemoryStore();
  store.orgs.push({ organizationId: 'org-1', name: 'Acme', ownerUserId: 'u-owner', createdAt: '' });
  store.spaces.push({ workspaceId: 'ws-1', organizationId: 'org-1', name: 'Acme HQ', createdAt: '' });
  store.memberships.push(
    { workspaceId: 'ws-1', organizationId: 'org-1', userId: 'u-owner', role: 'owner', joinedAt: '' },
    { workspaceId: 'ws-1', organizationId: 'org-1', userId: 'u-admin', role: 'admin', joinedAt: '' },
    { workspaceId: 'ws-1', organizationId: 'org-1', userId: 'u-view', role: 'viewer', joinedAt: '' },
  );
  deps = {
    store,
    now,
    email: {
      send: async (m) => {
        sent.push(m);
        return { messageId: 'm' };
      },
    },
  };
});

describe('members', () => {
  it('never changes or removes an owner', async () => {
    await expect(uc.changeRole(access('admin'), 'u-owner', 'viewer', deps)).rejects.toMatchObject({
      code: 'OWNER_IMMUTABLE',
    });
    await expect(uc.removeMember(access('owner'), 'u-owner', deps)).rejects.toMatchObject({ code: 'OWNER_IMMUTABLE' });
  });
  it('refuses to grant owner, unknown roles, or more than the actor holds', async () => {
    await expect(uc.changeRole(access('owner'), 'u-view', 'owner', deps)).rejects.toMatchObject({
      code: 'OWNER_NOT_ASSIGNABLE',
    });
    await expect(uc.changeRole(access('owner'), 'u-view', 'wizard', deps)).rejects.toMatchObject({
      code: 'UNKNOWN_ROLE',
    });
    const limited = access(['members:update', 'contacts:read']);
    await expect(uc.changeRole(limited, 'u-view', 'admin', deps)).rejects.toMatchObject({ code: 'ROLE_EXCEEDS_YOURS' });
  });
  it('changes a role within the actor’s own permissions', async () => {
    await uc.changeRole(access('admin'), 'u-view', 'member', deps);
    expect((await store.member('ws-1', 'u-view'))?.role).toBe('member');
  });
  it('answers 404 for someone who is not a member', async () => {
    await expect(uc.removeMember(access('owner'), 'u-nobody', deps)).rejects.toMatchObject({ status: 404 });
  });
});

describe('invites', () => {
  it('emails a single-use token bound to the invited address', async () => {
    let link = '';
    const created = await uc.invite(
      access('admin'),
      auth('u-admin', 'admin@acme.test'),
      {
        email: 'new@acme.test',
        role: 'member',
        acceptUrl: (t) => (link = `http://x/#token=${t}`),
      },
      deps,
    );
    expect(created).toMatchObject({ email: 'new@acme.test', role: 'member', status: 'pending' });
    expect(sent[0]?.to).toBe('new@acme.test');
    expect(sent[0]?.text).toContain(link);
    const token = link.split('token=')[1] as string;
    await expect(uc.acceptInvite(auth('u-other', 'other@acme.test'), token, deps)).rejects.toMatchObject({
      code: 'INVITE_EMAIL_MISMATCH',
    });
    const joined = await uc.acceptInvite(auth('u-new', 'NEW@acme.test'), token, deps);
    expect(joined).toMatchObject({ workspaceId: 'ws-1', userId: 'u-new', role: 'member' });
    await expect(uc.acceptInvite(auth('u-new', 'new@acme.test'), token, deps)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
  });
  it('refuses an expired invite and an invented token', async () => {
    let token = '';
    await uc.invite(
      access('owner'),
      auth('u-owner', 'o@acme.test'),
      { email: 'late@acme.test', role: 'viewer', acceptUrl: (t) => (token = t) },
      {
        ...deps,
        now: () => new Date('2026-11-01T00:00:00Z'),
      },
    );
    await expect(uc.acceptInvite(auth('u-late', 'late@acme.test'), token, deps)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
    await expect(uc.acceptInvite(auth('u-late', 'late@acme.test'), 'x'.repeat(43), deps)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
  });
});

describe('custom roles', () => {
  it('creates a role within the actor’s permissions and refuses built-in names', async () => {
    const role = await uc.putRole(access('owner'), 'auditors', ['audit:read', 'audit:read'], deps);
    expect(role.permissions).toEqual(['audit:read']);
    await expect(uc.putRole(access('owner'), 'admin', [], deps)).rejects.toMatchObject({ code: 'INVALID_ROLE_NAME' });
    await expect(uc.putRole(access(['roles:manage']), 'sneaky', ['settings:write'], deps)).rejects.toMatchObject({
      code: 'ROLE_EXCEEDS_YOURS',
    });
  });
  it('refuses to delete a role members still have', async () => {
    await uc.putRole(access('owner'), 'auditors', ['audit:read'], deps);
    await uc.changeRole(access('owner'), 'u-view', 'auditors', deps);
    await expect(uc.deleteRole(access('owner'), 'auditors', deps)).rejects.toMatchObject({ code: 'ROLE_IN_USE' });
    expect((await uc.listRoles(access('owner'), deps)).map((r) => r.name)).toEqual([
      'owner',
      'admin',
      'member',
      'viewer',
      'auditors',
    ]);
  });
});

describe('workspaces', () => {
  it('creates a workspace only in an organization the caller owns', async () => {
    const created = await uc.createWorkspace({ name: 'Second' }, auth('u-owner', 'o@acme.test'), 'org-1', deps);
    expect(await store.member(created.workspaceId, 'u-owner')).toMatchObject({ role: 'owner' });
    await expect(
      uc.createWorkspace({ name: 'Mine', organizationId: 'org-1' }, auth('u-admin', 'a@acme.test'), undefined, deps),
    ).rejects.toMatchObject({
      code: 'ORGANIZATION_NOT_FOUND',
    });
  });
});
