import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../shared/governance/ports';
import type { AuthContext } from '../../../shared/identity/auth-context';
import type { CustomRole, Membership, Organization, User, Workspace } from '../../../shared/identity/model';
import { BUILTIN_ROLE_PERMISSIONS, type Permission } from '../../../shared/identity/permissions';
import type { AuditEntry } from '../../../shared/identity/ports';
import type { Actor, Invite, WorkspaceStore } from '../../../shared/workspaces/ports';
import * as uc from '../../../shared/workspaces/use-cases';
import { MemoryApiKeys, verifiedUsers } from '../governance/memory-stores';

class MemoryStore implements WorkspaceStore {
  orgs: Organization[] = [];
  spaces: Workspace[] = [];
  memberships: Membership[] = [];
  people: User[] = [];
  customRoles: CustomRole[] = [];
  invitesByHash = new Map<string, Invite>();
  /** Users' last password resets (`grantsValidFrom`). */
  resets = new Map<string, string>();
  /** Campaign webhook tokens: who minted each, and whether it still works. */
  webhookTokens: Array<{ workspaceId: string; campaignId: string; mintedBy: string; live: boolean }> = [];
  async workspace(id: string) {
    return this.spaces.find((w) => w.workspaceId === id);
  }
  async workspaces(ids: readonly string[]) {
    return this.spaces.filter((w) => ids.includes(w.workspaceId));
  }
  async organization(id: string) {
    return this.orgs.find((o) => o.organizationId === id);
  }
  async membershipPage(userId: string) {
    return { memberships: this.memberships.filter((m) => m.userId === userId) };
  }
  async organizationOwnedBy(userId: string) {
    return this.memberships.find((m) => m.userId === userId && m.role === 'owner')?.organizationId;
  }
  async members(ws: string) {
    return this.memberships.filter((m) => m.workspaceId === ws);
  }
  async memberPage(ws: string) {
    return { members: await this.members(ws) };
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
  async renameWorkspace(ws: string, name: string) {
    this.spaces = this.spaces.map((w) => (w.workspaceId === ws ? { ...w, name } : w));
  }
  #expect(ws: string, userId: string, role: string) {
    if (this.memberships.find((m) => m.workspaceId === ws && m.userId === userId)?.role !== role) {
      throw Object.assign(new Error('changed meanwhile'), { status: 409, code: 'CONCURRENT_CHANGE' });
    }
  }
  // The actor's standing (`change.actor`, `_actor`) is checked by the DynamoDB store in the write's
  // transaction (test/integration/r24a-role-change-by-removed-actor.test.ts); these callers are made up.
  async setRole(ws: string, userId: string, change: { role: string; expectedRole: string; actor: Actor }) {
    this.#expect(ws, userId, change.expectedRole);
    const { role } = change;
    this.memberships = this.memberships.map((m) => (m.workspaceId === ws && m.userId === userId ? { ...m, role } : m));
  }
  async removeMember(ws: string, userId: string, expected: string, _actor: Actor) {
    this.#expect(ws, userId, expected);
    this.memberships = this.memberships.filter((m) => !(m.workspaceId === ws && m.userId === userId));
  }
  async roles(ws: string) {
    return this.customRoles.filter((r) => r.workspaceId === ws);
  }
  async rolePage(ws: string) {
    return { roles: await this.roles(ws) };
  }
  async putRole(role: CustomRole, previous: CustomRole | undefined) {
    const current = this.customRoles.find((r) => r.workspaceId === role.workspaceId && r.name === role.name);
    if (current?.createdAt !== previous?.createdAt) {
      throw Object.assign(new Error('changed meanwhile'), { status: 409, code: 'CONCURRENT_CHANGE' });
    }
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
  async pendingInvites(ws: string, now: string) {
    const invites = (await this.invites(ws)).filter((i) => i.status === 'pending' && i.expiresAt > now);
    return { invites: invites.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
  }
  async inviteByTokenHash(hash: string) {
    return this.invitesByHash.get(hash);
  }
  async standingOf(ws: string, userId: string) {
    const membership = await this.member(ws, userId);
    const reset = this.resets.get(userId);
    return { ...(membership ? { membership } : {}), ...(reset ? { grantsValidFrom: reset } : {}) };
  }
  async acceptInvite(hash: string, m: Membership, inviter: Membership) {
    const invite = this.invitesByHash.get(hash);
    if (invite?.status !== 'pending' || (await this.member(m.workspaceId, m.userId))) return 'refused' as const;
    if ((await this.member(inviter.workspaceId, inviter.userId))?.role !== inviter.role) {
      return 'inviter-changed' as const;
    }
    this.invitesByHash.set(hash, { ...invite, status: 'accepted' });
    this.memberships.push(m);
    return 'accepted' as const;
  }
  async revokeInvitesFrom(ws: string, invitedBy: string, by: string, at: string, keep?: (i: Invite) => boolean) {
    let revoked = 0;
    for (const [hash, i] of this.invitesByHash) {
      if (i.workspaceId !== ws || i.invitedBy !== invitedBy || i.status !== 'pending') continue;
      if (Date.parse(i.expiresAt) <= Date.parse(at) || keep?.(i)) continue;
      this.invitesByHash.set(hash, { ...i, status: 'revoked', revokedAt: at, revokedBy: by });
      revoked += 1;
    }
    return revoked;
  }
  async revokeWebhookTokensMintedBy(ws: string, userId: string) {
    const ended = this.webhookTokens.filter((t) => t.workspaceId === ws && t.mintedBy === userId && t.live);
    for (const token of ended) token.live = false;
    return ended.length;
  }
  async revokeInvite(ws: string, inviteId: string, by: string, at: string) {
    const found = [...this.invitesByHash].find(([, i]) => i.inviteId === inviteId && i.workspaceId === ws);
    if (!found) return 'not-found' as const;
    const [hash, invite] = found;
    if (invite.status !== 'pending') return invite.status === 'revoked' ? ('already-revoked' as const) : 'accepted';
    this.invitesByHash.set(hash, { ...invite, status: 'revoked', revokedAt: at, revokedBy: by });
    return 'revoked' as const;
  }
}

const now = () => new Date('2026-11-25T12:00:00Z');
/** One page of a listing, as the routes' default asks for it. */
const PAGE = { limit: 100 };
const sent: Array<{ to: string; subject: string; text: string }> = [];
let store: MemoryStore;
let apiKeys: MemoryApiKeys;
let deps: uc.WorkspaceDeps;
let audited: AuditEntry[];
const auth = (userId: string, email: string): AuthContext => ({
  principal: { userId, email, via: 'session', sessionId: 's' },
});
const origin = { ip: '198.51.100.7', userAgent: 'test-agent' };
/** A caller of ws-1 with a built-in role (or these permissions), by default its owner. */
const caller = (
  role: keyof typeof BUILTIN_ROLE_PERMISSIONS | Permission[],
  userId = 'u-owner',
  email = 'o@acme.test',
): Caller => ({
  workspaceId: 'ws-1',
  organizationId: 'org-1',
  role: Array.isArray(role) ? 'custom' : role,
  userId,
  email,
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
  apiKeys = new MemoryApiKeys();
  audited = [];
  deps = {
    audit: {
      append: async (entry) => {
        audited.push(entry);
      },
    },
    store,
    now,
    publicBaseUrl: 'https://app.example.com',
    users: verifiedUsers(),
    apiKeys,
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
    await expect(uc.changeRole(caller('admin'), 'u-owner', 'viewer', deps)).rejects.toMatchObject({
      code: 'OWNER_IMMUTABLE',
    });
    await expect(uc.removeMember(caller('owner'), 'u-owner', deps)).rejects.toMatchObject({
      code: 'OWNER_IMMUTABLE',
    });
  });
  it('refuses to grant owner, unknown roles, or more than the actor holds', async () => {
    await expect(uc.changeRole(caller('owner'), 'u-view', 'owner', deps)).rejects.toMatchObject({
      code: 'OWNER_NOT_ASSIGNABLE',
    });
    await expect(uc.changeRole(caller('owner'), 'u-view', 'wizard', deps)).rejects.toMatchObject({
      code: 'UNKNOWN_ROLE',
    });
    const limited = caller(['members:update', 'contacts:read']);
    await expect(uc.changeRole(limited, 'u-view', 'admin', deps)).rejects.toMatchObject({ code: 'ROLE_EXCEEDS_YOURS' });
  });
  it('lets nobody change or remove a member who holds permissions they do not', async () => {
    // A custom role that may manage members and read: it outranks a viewer, not an admin.
    const manager = caller(
      [...new Set([...BUILTIN_ROLE_PERMISSIONS.viewer, 'members:update', 'members:remove'] as Permission[])],
      'u-manager',
    );
    await expect(uc.changeRole(manager, 'u-admin', 'viewer', deps)).rejects.toMatchObject({
      status: 403,
      code: 'MEMBER_OUTRANKS_YOU',
    });
    await expect(uc.removeMember(manager, 'u-admin', deps)).rejects.toMatchObject({ code: 'MEMBER_OUTRANKS_YOU' });
    expect((await store.member('ws-1', 'u-admin'))?.role).toBe('admin');
    // It still manages those it outranks or equals.
    await uc.removeMember(manager, 'u-view', deps);
    expect(await store.member('ws-1', 'u-view')).toBeUndefined();
  });
  it('changes a role within the actor’s own permissions', async () => {
    await uc.changeRole(caller('admin'), 'u-view', 'member', deps);
    expect((await store.member('ws-1', 'u-view'))?.role).toBe('member');
  });
  it('answers 404 for someone who is not a member', async () => {
    await expect(uc.removeMember(caller('owner'), 'u-nobody', deps)).rejects.toMatchObject({ status: 404 });
  });
  it('revokes the removed member’s API keys for this workspace, and only theirs', async () => {
    const key = (keyId: string, workspaceId: string, createdBy: string) =>
      apiKeys.create(
        {
          key: {
            keyId,
            workspaceId,
            createdBy,
            name: keyId,
            prefix: 'uh_00000000',
            scopes: ['contacts:read'],
            createdAt: now().toISOString(),
            usageCount: 0,
            isActive: true,
          },
          keyHash: `hash-${keyId}`,
          createdByEmail: `${createdBy}@acme.test`,
        },
        50,
      );
    await key('admin-here', 'ws-1', 'u-admin');
    await key('admin-elsewhere', 'ws-2', 'u-admin');
    await key('viewer-here', 'ws-1', 'u-view');

    const { apiKeysRevoked } = await uc.removeMember(caller('owner'), 'u-admin', deps);

    expect(apiKeysRevoked).toBe(1);
    expect(apiKeys.findActive('hash-admin-here')).toBeUndefined();
    expect(apiKeys.byHash.get('hash-admin-here')?.key).toMatchObject({ isActive: false, revokedBy: 'u-owner' });
    expect(apiKeys.findActive('hash-admin-elsewhere')).toBeDefined();
    expect(apiKeys.findActive('hash-viewer-here')).toBeDefined();
  });
});

/** The token of the last invitation mailed, read from its link. */
const mailedToken = () => /#token=([A-Za-z0-9_-]+)/.exec(sent.at(-1)?.text ?? '')?.[1] ?? '';

describe('invites', () => {
  it('emails a single-use token bound to the invited address', async () => {
    const created = await uc.invite(
      caller('admin', 'u-admin', 'admin@acme.test'),
      { email: 'new@acme.test', role: 'member' },
      deps,
    );
    expect(created).toMatchObject({ email: 'new@acme.test', role: 'member', status: 'pending' });
    expect(sent[0]?.to).toBe('new@acme.test');
    const token = mailedToken();
    expect(sent[0]?.text).toContain(`https://app.example.com/invites/accept#token=${token}`);
    await expect(uc.acceptInvite(auth('u-other', 'other@acme.test'), token, origin, deps)).rejects.toMatchObject({
      code: 'INVITE_EMAIL_MISMATCH',
    });
    const joined = await uc.acceptInvite(auth('u-new', 'NEW@acme.test'), token, origin, deps);
    expect(joined).toMatchObject({ workspaceId: 'ws-1', userId: 'u-new', role: 'member' });
    await expect(uc.acceptInvite(auth('u-new', 'new@acme.test'), token, origin, deps)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
  });
  it('refuses an expired invite and an invented token', async () => {
    await uc.invite(
      caller('owner'),
      { email: 'late@acme.test', role: 'viewer' },
      {
        ...deps,
        now: () => new Date('2026-11-01T00:00:00Z'),
      },
    );
    const token = mailedToken();
    await expect(uc.acceptInvite(auth('u-late', 'late@acme.test'), token, origin, deps)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
    await expect(uc.acceptInvite(auth('u-late', 'late@acme.test'), 'x'.repeat(43), origin, deps)).rejects.toMatchObject(
      {
        code: 'INVITE_INVALID',
      },
    );
  });
});

describe('invites: verified senders and revocation', () => {
  const invite = (email = 'new@acme.test') => uc.invite(caller('owner'), { email, role: 'member' }, deps);

  it('refuses an inviter whose email address is not verified: 403 EMAIL_NOT_VERIFIED, nothing stored or mailed', async () => {
    const unverified = { ...deps, users: verifiedUsers('u-owner') };
    await expect(
      uc.invite(caller('owner'), { email: 'x@acme.test', role: 'member' }, unverified),
    ).rejects.toMatchObject({ status: 403, code: 'EMAIL_NOT_VERIFIED', message: expect.stringMatching(/verify/i) });
    expect(sent).toHaveLength(0);
    expect(store.invitesByHash.size).toBe(0);
  });

  it('a revoked invite cannot be accepted: 410 INVITE_REVOKED; revoking again is a no-op', async () => {
    const created = await invite();
    const token = mailedToken();

    await uc.revokeInvite(caller('owner'), created.inviteId, deps);
    await uc.revokeInvite(caller('owner'), created.inviteId, deps);

    await expect(uc.acceptInvite(auth('u-new', 'new@acme.test'), token, origin, deps)).rejects.toMatchObject({
      status: 410,
      code: 'INVITE_REVOKED',
    });
    expect(await store.member('ws-1', 'u-new')).toBeUndefined();
    expect([...store.invitesByHash.values()][0]).toMatchObject({ status: 'revoked', revokedBy: 'u-owner' });
  });

  it('answers 404 for an unknown id or another workspace’s invite, 409 for an accepted one', async () => {
    const created = await invite();
    const elsewhere = { ...caller('owner'), workspaceId: 'ws-2' };
    await expect(uc.revokeInvite(elsewhere, created.inviteId, deps)).rejects.toMatchObject({
      status: 404,
      code: 'INVITE_NOT_FOUND',
    });
    await expect(uc.revokeInvite(caller('owner'), 'no-such-invite', deps)).rejects.toMatchObject({
      code: 'INVITE_NOT_FOUND',
    });
    await uc.acceptInvite(auth('u-new', 'new@acme.test'), mailedToken(), origin, deps);
    await expect(uc.revokeInvite(caller('owner'), created.inviteId, deps)).rejects.toMatchObject({
      status: 409,
      code: 'INVITE_ALREADY_ACCEPTED',
    });
  });
});

describe('invitation email', () => {
  it('links to the configured base only, with the workspace name in a one-line subject', async () => {
    await uc.invite(caller('owner'), { email: 'n@acme.test', role: 'viewer' }, deps);
    const mail = sent[0];
    expect(mail?.subject).toBe('You are invited to Acme HQ on Unite-Hub');
    const links = mail?.text.match(/https?:\/\/\S+/g) ?? [];
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^https:\/\/app\.example\.com\/invites\/accept#token=[A-Za-z0-9_-]+$/);
  });

  it('flattens a stored workspace name with a line break into a one-line subject', async () => {
    // A name stored before names were validated: the subject builder is the backstop.
    store.spaces[0] = { ...(store.spaces[0] as Workspace), name: 'Acme\r\nBcc: victim@example.com' };
    await uc.invite(caller('owner'), { email: 'n@acme.test', role: 'viewer' }, deps);
    expect(sent[0]?.subject).toBe('You are invited to Acme Bcc: victim@example.com on Unite-Hub');
    expect(sent[0]?.subject).not.toMatch(/[\r\n]/);
  });
});

describe('member list', () => {
  beforeEach(() => {
    store.people.push(
      { userId: 'u-owner', email: 'owner@acme.test', name: 'Olive' } as User,
      { userId: 'u-admin', email: 'admin@acme.test', name: 'Adam' } as User,
      { userId: 'u-view', email: 'view@acme.test', name: 'Vera' } as User,
    );
  });

  it('shows names and roles to a viewer or member, but no email address', async () => {
    for (const role of ['viewer', 'member'] as const) {
      const { members } = await uc.listMembers(caller(role), PAGE, deps);
      expect(members.map((m) => m.name).sort()).toEqual(['Adam', 'Olive', 'Vera']);
      expect(JSON.stringify(members)).not.toMatch(/@acme\.test/);
    }
  });

  it('shows email addresses to whoever manages membership', async () => {
    for (const who of [caller('admin'), caller('owner'), caller(['members:read', 'members:invite'])]) {
      const { members } = await uc.listMembers(who, PAGE, deps);
      expect(members.find((m) => m.userId === 'u-view')).toMatchObject({ email: 'view@acme.test', role: 'viewer' });
    }
  });
});

describe('custom roles', () => {
  it('creates a role within the actor’s permissions and refuses built-in names', async () => {
    const role = await uc.putRole(caller('owner'), 'auditors', ['audit:read', 'audit:read'], deps);
    expect(role.permissions).toEqual(['audit:read']);
    await expect(uc.putRole(caller('owner'), 'admin', [], deps)).rejects.toMatchObject({ code: 'INVALID_ROLE_NAME' });
    await expect(uc.putRole(caller(['roles:manage']), 'sneaky', ['settings:write'], deps)).rejects.toMatchObject({
      code: 'ROLE_EXCEEDS_YOURS',
    });
  });
  it('refuses to delete a role members still have', async () => {
    await uc.putRole(caller('owner'), 'auditors', ['audit:read'], deps);
    await uc.changeRole(caller('owner'), 'u-view', 'auditors', deps);
    await expect(uc.deleteRole(caller('owner'), 'auditors', deps)).rejects.toMatchObject({ code: 'ROLE_IN_USE' });
    expect((await uc.listRoles(caller('owner'), { limit: 100 }, deps)).roles.map((r) => r.name)).toEqual([
      'owner',
      'admin',
      'member',
      'viewer',
      'auditors',
    ]);
  });
});

describe('workspaces', () => {
  it('creates a workspace in the organization the caller owns, and audits it in the new workspace', async () => {
    const created = await uc.createWorkspace({ name: 'Second' }, auth('u-owner', 'o@acme.test'), origin, deps);

    expect(created).toMatchObject({ organizationId: 'org-1', name: 'Second' });
    expect(await store.member(created.workspaceId, 'u-owner')).toMatchObject({ role: 'owner' });
    expect(audited).toEqual([
      expect.objectContaining({
        workspaceId: created.workspaceId,
        eventType: 'workspaces.create',
        eventAction: 'POST',
        actorType: 'user',
        actorId: 'u-owner',
        actorEmail: 'o@acme.test',
        resourceType: 'workspace',
        resourceId: created.workspaceId,
        ip: '198.51.100.7',
        userAgent: 'test-agent',
        createdAt: now().toISOString(),
      }),
    ]);
  });

  it('refuses an organization the caller does not own, or none at all, and audits nothing', async () => {
    const admin = auth('u-admin', 'a@acme.test');
    await expect(
      uc.createWorkspace({ name: 'Mine', organizationId: 'org-1' }, admin, origin, deps),
    ).rejects.toMatchObject({ status: 404, code: 'ORGANIZATION_NOT_FOUND' });
    // u-admin owns no workspace, so there is no default organization either.
    await expect(uc.createWorkspace({ name: 'Mine' }, admin, origin, deps)).rejects.toMatchObject({
      code: 'ORGANIZATION_NOT_FOUND',
    });
    expect(audited).toEqual([]);
    expect(store.spaces).toHaveLength(1);
  });

  it('shows the caller’s workspace with their role and permissions, and renames it', async () => {
    const viewer = caller('viewer', 'u-view');
    expect(await uc.getWorkspace(viewer, deps)).toEqual({
      workspace: store.spaces[0],
      role: 'viewer',
      permissions: [...BUILTIN_ROLE_PERMISSIONS.viewer],
    });
    expect(await uc.renameWorkspace(caller('admin'), 'Acme Global', deps)).toMatchObject({
      workspaceId: 'ws-1',
      name: 'Acme Global',
    });
  });
});

describe('invite list and acceptance audit', () => {
  it('lists only pending invites that have not expired', async () => {
    const invite = (email: string, at: string) =>
      uc.invite(caller('owner'), { email, role: 'member' }, { ...deps, now: () => new Date(at) });
    await invite('fresh@acme.test', '2026-11-24T12:00:00Z');
    await invite('expired@acme.test', '2026-11-01T12:00:00Z');
    await invite('revoked@acme.test', '2026-11-24T12:00:00Z');
    const revoked = [...store.invitesByHash.values()].find((i) => i.email === 'revoked@acme.test');
    await uc.revokeInvite(caller('owner'), revoked?.inviteId ?? '', deps);
    await invite('joined@acme.test', '2026-11-24T12:00:00Z');
    await uc.acceptInvite(auth('u-joined', 'joined@acme.test'), mailedToken(), origin, deps);

    const { invites: listed } = await uc.listInvites(caller('admin'), PAGE, deps);

    expect(listed.map((i) => i.email)).toEqual(['fresh@acme.test']);
    expect((await uc.listInvites({ ...caller('owner'), workspaceId: 'ws-2' }, PAGE, deps)).invites).toEqual([]);
  });

  it('audits joining in the joined workspace, with the role taken', async () => {
    await uc.invite(caller('owner'), { email: 'new@acme.test', role: 'viewer' }, deps);
    const membership = await uc.acceptInvite(auth('u-new', 'new@acme.test'), mailedToken(), origin, deps);

    expect(audited).toEqual([
      expect.objectContaining({
        workspaceId: 'ws-1',
        eventType: 'invites.accept',
        actorId: 'u-new',
        resourceType: 'member',
        resourceId: 'u-new',
        ip: '198.51.100.7',
        userAgent: 'test-agent',
        metadata: { role: 'viewer' },
      }),
    ]);
    expect(membership).toMatchObject({ workspaceId: 'ws-1', role: 'viewer' });
  });
});

/**
 * Was (review 8): inviting an address that already belonged to a member answered 201, mailed an
 * invite and left it pending for 7 days, though accepting it could only ever answer 409
 * INVITE_NOT_ACCEPTED; a second invite to the same address made a second live link. Fixed: both
 * are a 409 before anything is saved or mailed.
 */
describe('invites: only to an address that can accept', () => {
  const person = (userId: string, email: string): User => ({
    userId,
    email,
    name: userId,
    emailVerified: true,
    defaultWorkspaceId: 'ws-1',
    createdAt: '',
  });
  beforeEach(() => {
    store.people.push(person('u-owner', 'o@acme.test'), person('u-view', 'view@acme.test'));
  });
  const nothingLeft = () => {
    expect(sent).toHaveLength(0);
    expect(store.invitesByHash.size).toBe(0);
  };

  it('refuses a member’s address, in any case: 409 ALREADY_MEMBER, nothing stored or mailed', async () => {
    await expect(uc.invite(caller('owner'), { email: 'View@ACME.test', role: 'member' }, deps)).rejects.toMatchObject({
      status: 409,
      code: 'ALREADY_MEMBER',
    });
    nothingLeft();
    expect((await uc.listInvites(caller('owner'), PAGE, deps)).invites).toEqual([]);
  });

  it('refuses the inviter’s own address', async () => {
    await expect(uc.invite(caller('owner'), { email: 'o@acme.test', role: 'viewer' }, deps)).rejects.toMatchObject({
      code: 'ALREADY_MEMBER',
    });
    nothingLeft();
  });

  it('invites a former member once they have been removed', async () => {
    await uc.removeMember(caller('owner'), 'u-view', deps);
    await expect(uc.invite(caller('owner'), { email: 'view@acme.test', role: 'viewer' }, deps)).resolves.toMatchObject({
      status: 'pending',
    });
    expect(sent).toHaveLength(1);
  });

  it('refuses a second invite while one is pending (409 INVITE_PENDING), until it is revoked or expires', async () => {
    const first = await uc.invite(caller('owner'), { email: 'new@acme.test', role: 'viewer' }, deps);
    await expect(
      uc.invite(caller('admin', 'u-admin', 'admin@acme.test'), { email: 'NEW@acme.test', role: 'member' }, deps),
    ).rejects.toMatchObject({ status: 409, code: 'INVITE_PENDING', message: expect.stringMatching(/revoke/i) });
    expect(sent).toHaveLength(1);
    expect(store.invitesByHash.size).toBe(1);

    await uc.revokeInvite(caller('owner'), first.inviteId, deps);
    const second = await uc.invite(caller('owner'), { email: 'new@acme.test', role: 'member' }, deps);
    expect(second).toMatchObject({ role: 'member', status: 'pending' });

    const weekLater = { ...deps, now: () => new Date(Date.parse(second.expiresAt) + 1) };
    await expect(
      uc.invite(caller('owner'), { email: 'new@acme.test', role: 'viewer' }, weekLater),
    ).resolves.toMatchObject({ status: 'pending' });
    expect(sent).toHaveLength(3);
  });

  it('an accepted invite is no bar once the person is no longer a member', async () => {
    await uc.invite(caller('owner'), { email: 'new@acme.test', role: 'viewer' }, deps);
    await uc.acceptInvite(auth('u-new', 'new@acme.test'), mailedToken(), origin, deps);
    store.people.push(person('u-new', 'new@acme.test'));
    await expect(uc.invite(caller('owner'), { email: 'new@acme.test', role: 'viewer' }, deps)).rejects.toMatchObject({
      code: 'ALREADY_MEMBER',
    });
    await uc.removeMember(caller('owner'), 'u-new', deps);
    await expect(uc.invite(caller('owner'), { email: 'new@acme.test', role: 'viewer' }, deps)).resolves.toMatchObject({
      status: 'pending',
    });
  });
});

/**
 * Review round 13: access must not outlive the authority that granted it. An invite is only as
 * good as its inviter's standing now (member, may invite, may grant its role, no password reset
 * since), and a removal ends everything the member handed out in the workspace.
 */
describe('invites and webhook tokens end with their grantor’s standing', () => {
  const admin = () => caller('admin', 'u-admin', 'admin@acme.test');
  const inviteAs = async (who: Caller, email: string, role: string, at = now()) => {
    const created = await uc.invite(who, { email, role }, { ...deps, now: () => at });
    return { created, token: mailedToken() };
  };
  const inviteOf = (inviteId: string) => [...store.invitesByHash.values()].find((i) => i.inviteId === inviteId);

  it('a removal withdraws the member’s pending invites (and only theirs) and ends their webhook tokens there', async () => {
    const theirs = await inviteAs(admin(), 'alt@acme.test', 'admin');
    const owners = await inviteAs(caller('owner'), 'other@acme.test', 'member');
    store.webhookTokens.push(
      { workspaceId: 'ws-1', campaignId: 'c1', mintedBy: 'u-admin', live: true },
      { workspaceId: 'ws-2', campaignId: 'c2', mintedBy: 'u-admin', live: true },
      { workspaceId: 'ws-1', campaignId: 'c3', mintedBy: 'u-owner', live: true },
    );

    expect(await uc.removeMember(caller('owner'), 'u-admin', deps)).toEqual({
      apiKeysRevoked: 0,
      invitesRevoked: 1,
      webhookTokensRevoked: 1,
    });

    expect(inviteOf(theirs.created.inviteId)).toMatchObject({ status: 'revoked', revokedBy: 'u-owner' });
    expect(inviteOf(owners.created.inviteId)).toMatchObject({ status: 'pending' });
    expect(store.webhookTokens.map((t) => t.live)).toEqual([false, true, true]);
    await expect(uc.acceptInvite(auth('u-alt', 'alt@acme.test'), theirs.token, origin, deps)).rejects.toMatchObject({
      status: 410,
      code: 'INVITE_REVOKED',
    });
    expect(await store.member('ws-1', 'u-alt')).toBeUndefined();
    expect((await uc.listInvites(caller('owner'), PAGE, deps)).invites).toHaveLength(1);
  });

  it('a demotion to a role that may not launch campaigns ends the webhook tokens the member minted there', async () => {
    store.webhookTokens.push(
      { workspaceId: 'ws-1', campaignId: 'c1', mintedBy: 'u-admin', live: true },
      { workspaceId: 'ws-2', campaignId: 'c2', mintedBy: 'u-admin', live: true },
    );
    // member keeps campaigns:launch: the token stands.
    expect(await uc.changeRole(caller('owner'), 'u-admin', 'member', deps)).toMatchObject({ webhookTokensRevoked: 0 });
    expect(store.webhookTokens.map((t) => t.live)).toEqual([true, true]);
    // viewer cannot launch: the token in this workspace ends, the other workspace's stays.
    expect(await uc.changeRole(caller('owner'), 'u-admin', 'viewer', deps)).toMatchObject({ webhookTokensRevoked: 1 });
    expect(store.webhookTokens.map((t) => t.live)).toEqual([false, true]);
  });

  it('a removal with nothing else handed out reports the API keys only', async () => {
    expect(await uc.removeMember(caller('owner'), 'u-view', deps)).toEqual({ apiKeysRevoked: 0 });
  });

  it('a role change withdraws the invites the new role could not send, and keeps the others', async () => {
    store.customRoles.push({
      workspaceId: 'ws-1',
      name: 'inviter',
      permissions: [...BUILTIN_ROLE_PERMISSIONS.viewer, 'members:invite'],
      createdAt: 'r1',
    });
    const asAdmin = await inviteAs(admin(), 'a@acme.test', 'admin');
    const asViewer = await inviteAs(admin(), 'v@acme.test', 'viewer');

    const changed = await uc.changeRole(caller('owner'), 'u-admin', 'inviter', deps);

    expect(changed).toEqual({
      member: { userId: 'u-admin', role: 'inviter' },
      invitesRevoked: 1,
      webhookTokensRevoked: 0,
    });
    expect(inviteOf(asAdmin.created.inviteId)).toMatchObject({ status: 'revoked', revokedBy: 'u-owner' });
    await expect(uc.acceptInvite(auth('u-a', 'a@acme.test'), asAdmin.token, origin, deps)).rejects.toMatchObject({
      status: 410,
    });
    await expect(uc.acceptInvite(auth('u-v', 'v@acme.test'), asViewer.token, origin, deps)).resolves.toMatchObject({
      role: 'viewer',
    });
  });

  it('a role without members:invite keeps none of the member’s invites', async () => {
    await inviteAs(admin(), 'v@acme.test', 'viewer');
    const changed = await uc.changeRole(caller('owner'), 'u-admin', 'member', deps);
    expect(changed.invitesRevoked).toBe(1);
  });

  it('acceptInvite refuses an invite whose inviter left, even one no sweep withdrew (410), and withdraws it', async () => {
    const { created, token } = await inviteAs(admin(), 'alt@acme.test', 'admin');
    // Removed behind the use case's back: no sweep ran.
    store.memberships = store.memberships.filter((m) => m.userId !== 'u-admin');

    await expect(uc.acceptInvite(auth('u-alt', 'alt@acme.test'), token, origin, deps)).rejects.toMatchObject({
      status: 410,
      code: 'INVITE_REVOKED',
    });
    expect(await store.member('ws-1', 'u-alt')).toBeUndefined();
    expect(inviteOf(created.inviteId)).toMatchObject({ status: 'revoked' });
    expect(audited).toEqual([]);
  });

  it('acceptInvite refuses an invite its inviter may no longer send: demoted, or the role now exceeds theirs', async () => {
    const demoted = await inviteAs(admin(), 'alt@acme.test', 'admin');
    store.memberships = store.memberships.map((m) => (m.userId === 'u-admin' ? { ...m, role: 'viewer' } : m));
    await expect(uc.acceptInvite(auth('u-alt', 'alt@acme.test'), demoted.token, origin, deps)).rejects.toMatchObject({
      status: 410,
    });

    // A custom role widened (by the owner) past what its inviter holds.
    store.memberships = store.memberships.map((m) => (m.userId === 'u-admin' ? { ...m, role: 'admin' } : m));
    store.customRoles.push({ workspaceId: 'ws-1', name: 'helper', permissions: ['contacts:read'], createdAt: 'r1' });
    const widened = await inviteAs(admin(), 'h@acme.test', 'helper');
    store.customRoles = [{ workspaceId: 'ws-1', name: 'helper', permissions: ['roles:manage'], createdAt: 'r2' }];
    await expect(uc.acceptInvite(auth('u-h', 'h@acme.test'), widened.token, origin, deps)).rejects.toMatchObject({
      status: 410,
    });
    expect(await store.member('ws-1', 'u-h')).toBeUndefined();

    // A custom role deleted since: nothing left to grant.
    store.customRoles = [{ workspaceId: 'ws-1', name: 'gone', permissions: ['contacts:read'], createdAt: 'r3' }];
    const deleted = await inviteAs(admin(), 'g@acme.test', 'gone');
    store.customRoles = [];
    await expect(uc.acceptInvite(auth('u-g', 'g@acme.test'), deleted.token, origin, deps)).rejects.toMatchObject({
      status: 410,
    });
  });

  it('acceptInvite refuses an invite sent before its inviter’s password reset, and accepts one sent after', async () => {
    const before = await inviteAs(admin(), 'before@acme.test', 'member', new Date('2026-11-25T10:00:00Z'));
    store.resets.set('u-admin', '2026-11-25T11:00:00.000Z');
    const after = await inviteAs(admin(), 'after@acme.test', 'member', new Date('2026-11-25T11:30:00Z'));

    await expect(uc.acceptInvite(auth('u-b', 'before@acme.test'), before.token, origin, deps)).rejects.toMatchObject({
      status: 410,
    });
    await expect(uc.acceptInvite(auth('u-a', 'after@acme.test'), after.token, origin, deps)).resolves.toMatchObject({
      role: 'member',
    });
  });

  it('acceptInvite adds nobody when the inviter changes between its check and the accept (409, try again)', async () => {
    const { token } = await inviteAs(admin(), 'alt@acme.test', 'admin');
    const standingOf = store.standingOf.bind(store);
    store.standingOf = async (ws, userId) => {
      const standing = await standingOf(ws, userId);
      // The owner demotes the inviter right after the use case read their standing.
      store.memberships = store.memberships.map((m) => (m.userId === 'u-admin' ? { ...m, role: 'viewer' } : m));
      return standing;
    };
    await expect(uc.acceptInvite(auth('u-alt', 'alt@acme.test'), token, origin, deps)).rejects.toMatchObject({
      status: 409,
      code: 'INVITE_NOT_ACCEPTED',
    });
    expect(await store.member('ws-1', 'u-alt')).toBeUndefined();
  });
});

describe('changes decided on a role read hold only while it is still that role', () => {
  /** The store answers `u-view` as a viewer once more, though they were promoted to admin meanwhile. */
  const staleRead = () => {
    store.memberships = store.memberships.map((m) => (m.userId === 'u-view' ? { ...m, role: 'admin' } : m));
    const member = store.member.bind(store);
    store.member = async (ws, userId) => {
      const found = await member(ws, userId);
      return userId === 'u-view' && found ? { ...found, role: 'viewer' } : found;
    };
  };
  const manager = () => caller([...BUILTIN_ROLE_PERMISSIONS.viewer, 'members:update', 'members:remove']);

  it('changeRole and removeMember answer 409 CONCURRENT_CHANGE and leave a concurrent promotion as it is', async () => {
    staleRead();
    await expect(uc.changeRole(manager(), 'u-view', 'viewer', deps)).rejects.toMatchObject({
      status: 409,
      code: 'CONCURRENT_CHANGE',
    });
    await expect(uc.removeMember(manager(), 'u-view', deps)).rejects.toMatchObject({ code: 'CONCURRENT_CHANGE' });
    expect((await store.members('ws-1')).find((m) => m.userId === 'u-view')?.role).toBe('admin');
  });
});

describe('redefining a custom role', () => {
  const roleManager = () => caller(['workspace:read', 'roles:read', 'roles:manage', 'contacts:read']);
  beforeEach(async () => {
    await uc.putRole(caller('owner'), 'senior', ['contacts:read', 'settings:write', 'audit:read'], deps);
  });

  it('needs every permission of the role’s current definition (403 ROLE_EXCEEDS_YOURS), nothing changed', async () => {
    await expect(uc.putRole(roleManager(), 'senior', ['contacts:read'], deps)).rejects.toMatchObject({
      status: 403,
      code: 'ROLE_EXCEEDS_YOURS',
    });
    expect((await store.roles('ws-1')).find((r) => r.name === 'senior')?.permissions).toHaveLength(3);
    // A role within theirs, new or existing, they may define and redefine.
    await uc.putRole(roleManager(), 'reader', ['contacts:read'], deps);
    await expect(uc.putRole(roleManager(), 'reader', [], deps)).resolves.toMatchObject({ permissions: [] });
  });

  it('is written only while the role is as read: 409 CONCURRENT_CHANGE otherwise', async () => {
    const roles = store.roles.bind(store);
    store.roles = async (ws) => {
      const read = await roles(ws);
      // The owner redefines it right after the use case read it.
      store.customRoles = store.customRoles.map((r) => (r.name === 'senior' ? { ...r, createdAt: 'later' } : r));
      return read;
    };
    await expect(uc.putRole(caller('owner'), 'senior', ['contacts:read'], deps)).rejects.toMatchObject({
      status: 409,
      code: 'CONCURRENT_CHANGE',
    });
  });
});

describe('an invitation whose mail cannot be sent', () => {
  const failingMail = () => ({
    ...deps,
    email: {
      send: async () => {
        throw new Error('SES is down');
      },
    },
  });

  it('stands, saved and reported (mailSent: false), without failing the request', async () => {
    const created = await uc.invite(caller('owner'), { email: 'new@acme.test', role: 'member' }, failingMail());
    expect(created).toMatchObject({ email: 'new@acme.test', status: 'pending', mailSent: false });
    expect((await uc.listInvites(caller('owner'), PAGE, deps)).invites.map((i) => i.inviteId)).toEqual([
      created.inviteId,
    ]);
  });

  it('is sent again by withdrawing it and inviting again', async () => {
    const failed = await uc.invite(caller('owner'), { email: 'new@acme.test', role: 'member' }, failingMail());
    await expect(uc.invite(caller('owner'), { email: 'new@acme.test', role: 'member' }, deps)).rejects.toMatchObject({
      code: 'INVITE_PENDING',
    });
    await uc.revokeInvite(caller('owner'), failed.inviteId, deps);
    await expect(uc.invite(caller('owner'), { email: 'new@acme.test', role: 'member' }, deps)).resolves.toMatchObject({
      mailSent: true,
    });
    expect(sent).toHaveLength(1);
  });
});
