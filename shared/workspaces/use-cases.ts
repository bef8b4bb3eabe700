/**
 * Workspaces, members, invites and custom roles. The edge has already checked that the
 * caller is a member with the route's permission; these rules add what depends on the
 * target (owners stay owners, no privilege escalation, invites bound to their address).
 * Workspace-scoped use cases take the {@link Caller}; the few outside any workspace
 * (list, create, accept an invite) take the signed-in user.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { ApiKeyStore, Caller } from '../governance/ports';
import type { RequestOrigin } from '../identity/accounts/ports';
import { recordAudit } from '../identity/audit';
import { type AuthContext, actorOf } from '../identity/auth-context';
import { assertEmailVerified, type UserDirectory } from '../identity/email-verified';
import { grantStands } from '../identity/grant-standing';
import type { CustomRole, Membership, Workspace } from '../identity/model';
import { BUILTIN_ROLE_PERMISSIONS, BUILTIN_ROLES, isBuiltinRole, type Permission } from '../identity/permissions';
import type { AuditSink, EmailSender } from '../identity/ports';
import { newId, newToken, sha256 } from '../identity/tokens';
import { logger } from '../observability/logger';
import { InviteRevokedError } from './errors';
import { inviteEmail } from './invite-email';
import type { Invite, InviterStanding, PageRequest, StoredRole, WorkspaceStore } from './ports';
import {
  assertAssignable,
  assertManageable,
  CUSTOM_ROLE_NAME,
  isAssignable,
  MAX_CUSTOM_ROLES,
  permissionsOfRole,
} from './role-rules';

export interface WorkspaceDeps {
  readonly store: WorkspaceStore;
  readonly email: EmailSender;
  readonly now: () => Date;
  /** The configured PUBLIC_BASE_URL invite links start with; never derived from a request. */
  readonly publicBaseUrl: string;
  /** Whether an inviter's email address is verified (unverified accounts may not invite). */
  readonly users: UserDirectory;
  /**
   * A removed member's keys for the workspace are revoked with the membership (their invites
   * and webhook tokens there through the store).
   */
  readonly apiKeys: Pick<ApiKeyStore, 'revokeCreatedBy'>;
  /**
   * Where creating a workspace and joining one are audited: those requests are outside any
   * workspace at the edge (whose generic entry covers workspace-scoped routes only).
   */
  readonly audit: AuditSink;
}

const INVITE_DAYS = 7;
/** `revokedBy` of an invite withdrawn because its inviter may no longer send it. */
const INVITER_LOST_AUTHORITY = 'system:inviter-lost-authority';

/**
 * Workspaces an organization may keep (409 `WORKSPACE_LIMIT` past it): only its owner creates them,
 * so this bounds the workspaces a user makes for themselves (their memberships still page, as
 * invites add any number).
 */
export const MAX_WORKSPACES_PER_ORGANIZATION = 100;

/**
 * One page of the workspaces the caller belongs to, by workspace id, with their role in each, and
 * `nextCursor` when more follow: a user may belong to any number (invites add them), and one
 * answer carries only so much.
 * @throws InvalidCursorError (400 `INVALID_CURSOR`) for a cursor this listing did not hand out.
 */
export async function listWorkspaces(auth: AuthContext, page: PageRequest, deps: WorkspaceDeps) {
  const { memberships, nextCursor } = await deps.store.membershipPage(auth.principal.userId, page);
  const names = new Map(
    (await deps.store.workspaces(memberships.map((m) => m.workspaceId))).map((w) => [w.workspaceId, w.name]),
  );
  const workspaces = memberships.map((m) => ({
    workspaceId: m.workspaceId,
    organizationId: m.organizationId,
    name: names.get(m.workspaceId) ?? '',
    role: m.role,
  }));
  return nextCursor ? { workspaces, nextCursor } : { workspaces };
}

/**
 * New workspaces go into an organization the caller owns: the one named, else the
 * organization of the first workspace they own. The entry in the new workspace's audit log
 * is written here. An organization keeps at most {@link MAX_WORKSPACES_PER_ORGANIZATION}, counted
 * in the write, so concurrent creates cannot pass it.
 * @throws NotFoundError `ORGANIZATION_NOT_FOUND` when that is no organization of theirs.
 * @throws WorkspaceLimitError (409 `WORKSPACE_LIMIT`) when the organization keeps as many already.
 */
export async function createWorkspace(
  input: { name: string; organizationId?: string | undefined },
  auth: AuthContext,
  origin: RequestOrigin,
  deps: WorkspaceDeps,
) {
  const organizationId = input.organizationId ?? (await deps.store.organizationOwnedBy(auth.principal.userId));
  const organization = organizationId ? await deps.store.organization(organizationId) : undefined;
  if (!organization || organization.ownerUserId !== auth.principal.userId) {
    throw new NotFoundError('No such organization of yours', 'ORGANIZATION_NOT_FOUND');
  }
  const now = deps.now().toISOString();
  const workspace = {
    workspaceId: newId(),
    organizationId: organization.organizationId,
    name: input.name,
    createdAt: now,
  };
  const owner: Membership = {
    workspaceId: workspace.workspaceId,
    organizationId: organization.organizationId,
    userId: auth.principal.userId,
    role: 'owner',
    joinedAt: now,
  };
  await deps.store.createWorkspace(workspace, owner, MAX_WORKSPACES_PER_ORGANIZATION);
  await auditUserAction(
    { workspaceId: workspace.workspaceId, eventType: 'workspaces.create', resourceType: 'workspace' },
    { resourceId: workspace.workspaceId, auth, origin, at: deps.now() },
    deps,
  );
  return workspace;
}

/**
 * The audit entry of a signed-in user's POST outside any workspace the edge resolved
 * (creating one, joining one): the edge cannot write it, so the use case does.
 */
async function auditUserAction(
  what: { workspaceId: string; eventType: string; resourceType: string },
  who: { resourceId: string; auth: AuthContext; origin: RequestOrigin; at: Date; metadata?: Record<string, unknown> },
  deps: WorkspaceDeps,
): Promise<void> {
  const { resourceId, auth, origin, at, metadata } = who;
  await recordAudit(
    deps.audit,
    {
      ...what,
      eventAction: 'POST',
      ...actorOf(auth),
      resourceId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      ...(metadata ? { metadata } : {}),
    },
    at,
  );
}

/** The caller's workspace, with their role and effective permissions in it. */
export async function getWorkspace(caller: Caller, deps: WorkspaceDeps) {
  const workspace = await deps.store.workspace(caller.workspaceId);
  return { workspace, role: caller.role, permissions: [...caller.permissions] };
}

/** Renames the caller's workspace; returns it as stored. */
export async function renameWorkspace(
  caller: Caller,
  name: string,
  deps: WorkspaceDeps,
): Promise<Workspace | undefined> {
  await deps.store.renameWorkspace(caller.workspaceId, name);
  return deps.store.workspace(caller.workspaceId);
}

/** Holders of any of these manage membership, and so see members' email addresses. */
const MANAGES_MEMBERS: readonly Permission[] = ['members:invite', 'members:update', 'members:remove'];

/**
 * One page of the members (by user id), with name and role, and `nextCursor` when more follow: a
 * workspace may have any number of members, and one answer carries only so much. Email addresses
 * are personal data a read-only colleague (a viewer, a member) does not need: only callers who
 * manage membership get `email`.
 * @throws InvalidCursorError (400 `INVALID_CURSOR`) for a cursor this listing did not hand out.
 */
export async function listMembers(caller: Caller, page: PageRequest, deps: WorkspaceDeps) {
  const { members, nextCursor } = await deps.store.memberPage(caller.workspaceId, page);
  const users = await deps.store.users(members.map((m) => m.userId));
  const byId = new Map(users.map((u) => [u.userId, u]));
  const showEmails = MANAGES_MEMBERS.some((p) => caller.permissions.has(p));
  const shown = members.map((m) => {
    const user = byId.get(m.userId);
    return {
      userId: m.userId,
      ...(showEmails ? { email: user?.email ?? '' } : {}),
      name: user?.name ?? '',
      role: m.role,
      joinedAt: m.joinedAt,
    };
  });
  return nextCursor ? { members: shown, nextCursor } : { members: shown };
}

/** The custom role `name` as read, which a grant of it hands to the store; undefined for a built-in one. */
const customRoleNamed = (name: string, customRoles: readonly StoredRole[]) =>
  isBuiltinRole(name) ? undefined : customRoles.find((r) => r.name === name);

/**
 * Gives a member another role: the caller needs every permission of the new role and of the
 * member's current one. The write holds only while the member still has the role read, the
 * caller still has the role the edge read (a removal or demotion of theirs in between voids it), and a
 * custom new role still exists as read (409 `CONCURRENT_CHANGE` otherwise: it is never granted
 * while being deleted or redefined). Invites the member sent that their new role could not send are
 * withdrawn, as a removal withdraws them all: their links answer 410 `INVITE_REVOKED`; so are the
 * campaign webhook tokens they minted when the new role may not launch campaigns. The role is
 * written first and the sweeps follow: an invite the member sends after the write is judged on the
 * new role (its write checks it), and a request that fails in a sweep is completed by sending it
 * again (the member has the new role; the write repeats, the sweeps run again).
 * @returns the member, and how many of their invites and webhook tokens were withdrawn.
 */
export async function changeRole(caller: Caller, userId: string, role: string, deps: WorkspaceDeps) {
  const target = await deps.store.member(caller.workspaceId, userId);
  if (!target) throw new NotFoundError('No such member', 'MEMBER_NOT_FOUND');
  if (target.role === 'owner') throw new ForbiddenError('An owner’s role cannot be changed', 'OWNER_IMMUTABLE');
  const customRoles = await deps.store.roles(caller.workspaceId);
  assertAssignable(role, caller.permissions, customRoles);
  assertManageable(target.role, caller.permissions, customRoles);
  await deps.store.setRole(
    caller.workspaceId,
    userId,
    { role, expectedRole: target.role, actor: caller },
    customRoleNamed(role, customRoles),
  );
  const standing = { membership: { ...target, role } };
  const invitesRevoked = await deps.store.revokeInvitesFrom(
    caller.workspaceId,
    userId,
    caller.userId,
    deps.now().toISOString(),
    (sent) => inviterMaySend(sent, standing, customRoles),
  );
  // A webhook token enrols contacts, which takes `campaigns:launch`: a role without it ends the
  // tokens the member minted (the campaigns then need new ones), as a removal does.
  const mayLaunch = (permissionsOfRole(role, customRoles) ?? []).includes('campaigns:launch');
  const webhookTokensRevoked = mayLaunch ? 0 : await deps.store.revokeWebhookTokensMintedBy(caller.workspaceId, userId);
  return { member: { userId, role }, invitesRevoked, webhookTokensRevoked };
}

/**
 * Removes a member, and ends what they handed out in this workspace, so none of it comes back
 * to life should they ever rejoin, nor lets them back in: their API keys, their pending invites
 * (an invite they sent to a second address of theirs would otherwise let them in again) and the
 * campaign webhook tokens they minted. The write holds only while the member still has the role
 * read and the caller the role the edge read (409 `CONCURRENT_CHANGE` otherwise).
 *
 * The membership goes first and the sweeps follow, so nothing the member hands out meanwhile is
 * missed: an invite or an API key is written only while its grantor is still a member with the
 * role it was judged on, so none is written after the delete, and those written before it are
 * there for the sweeps. A removal that fails in a sweep (a throttled call, a timeout) is completed
 * by sending it again: a removal of someone who is no longer a member ends what is left of what
 * they handed out in the workspace (`alreadyRemoved`), and is 404 `MEMBER_NOT_FOUND` only when
 * nothing is left (what a non-member handed out is refused at every use already: ending it is
 * housekeeping, which `members:remove` covers whatever role they had).
 * @returns how many keys were revoked; how many invites and webhook tokens, when any.
 */
export async function removeMember(caller: Caller, userId: string, deps: WorkspaceDeps) {
  const target = await deps.store.member(caller.workspaceId, userId);
  if (target) {
    if (target.role === 'owner') throw new ForbiddenError('An owner cannot be removed', 'OWNER_IMMUTABLE');
    assertManageable(target.role, caller.permissions, await deps.store.roles(caller.workspaceId));
    await deps.store.removeMember(caller.workspaceId, userId, target.role, caller);
  }
  const at = deps.now().toISOString();
  const apiKeysRevoked = await deps.apiKeys.revokeCreatedBy(caller.workspaceId, userId, caller.userId, at);
  const invitesRevoked = await deps.store.revokeInvitesFrom(caller.workspaceId, userId, caller.userId, at);
  const webhookTokensRevoked = await deps.store.revokeWebhookTokensMintedBy(caller.workspaceId, userId);
  if (!target && apiKeysRevoked + invitesRevoked + webhookTokensRevoked === 0) {
    throw new NotFoundError('No such member', 'MEMBER_NOT_FOUND');
  }
  return {
    apiKeysRevoked,
    ...(invitesRevoked > 0 ? { invitesRevoked } : {}),
    ...(webhookTokensRevoked > 0 ? { webhookTokensRevoked } : {}),
    ...(target ? {} : { alreadyRemoved: true }),
  };
}

/**
 * Whether an invite still stands on its inviter's authority as it is now: they are a member, in
 * the membership they sent it in (not an earlier one, ended by a removal, that a re-add followed),
 * may invite, may grant the invited role, and still have the password they sent it under (a
 * password change ends everything handed out before it): shared/identity/grant-standing.ts.
 */
function inviterMaySend(invite: Invite, inviter: InviterStanding, customRoles: readonly CustomRole[]): boolean {
  const grant = {
    grantedAt: invite.createdAt,
    ...(invite.passwordVersion === undefined ? {} : { passwordVersion: invite.passwordVersion }),
  };
  if (!inviter.membership || !grantStands(grant, inviter)) return false;
  const held = new Set(permissionsOfRole(inviter.membership.role, customRoles) ?? []);
  return held.has('members:invite') && isAssignable(invite.role, held, customRoles);
}

/**
 * Invites `input.email` to the caller's workspace with `input.role`: a pending invite, valid
 * {@link INVITE_DAYS} days, and a mail with its single-use link. When the mail cannot be sent the
 * invite stays saved (and the request succeeds, so it is audited): `mailSent` is false, and the
 * way to send it again is to withdraw the invite and invite again. Nothing is saved or mailed for
 * an address that could never accept: one that already belongs to a member (the caller
 * included) is a 409 `ALREADY_MEMBER`, and one with a pending, unexpired invite is a 409
 * `INVITE_PENDING` (revoke that invite to send a new one, e.g. with another role): a second
 * live link to the same address would only be a second mail and a second way in.
 * Addresses compare case-insensitively, as sign-in and {@link acceptInvite} compare them.
 * An invite naming a custom role is a grant of it: saved only while the role is as read.
 * @throws ConflictError `ALREADY_MEMBER` or `INVITE_PENDING`; `CONCURRENT_CHANGE` when the custom
 *   role was deleted or redefined meanwhile.
 */
export async function invite(caller: Caller, input: { email: string; role: string }, deps: WorkspaceDeps) {
  await assertEmailVerified(caller.userId, deps.users, 'invite people');
  const customRoles = await deps.store.roles(caller.workspaceId);
  assertAssignable(input.role, caller.permissions, customRoles);
  const now = deps.now();
  await assertInvitable(caller.workspaceId, input.email, now, deps);
  const workspace = await deps.store.workspace(caller.workspaceId);
  const token = newToken();
  const record: Invite = {
    inviteId: newId(),
    workspaceId: caller.workspaceId,
    organizationId: caller.organizationId,
    email: input.email,
    role: input.role,
    invitedBy: caller.userId,
    createdAt: now.toISOString(),
    // Tied to the password the caller's session was opened with, not to a clock: written only
    // while it is still current, void once it changes (see saveInvite and grant-standing.ts).
    ...(caller.passwordVersion === undefined ? {} : { passwordVersion: caller.passwordVersion }),
    expiresAt: new Date(now.getTime() + INVITE_DAYS * 86_400_000).toISOString(),
    status: 'pending',
  };
  // Built before anything is stored: an unsendable subject leaves no invite behind.
  const mail = inviteEmail({
    publicBaseUrl: deps.publicBaseUrl,
    token,
    workspaceName: workspace?.name,
    inviterEmail: caller.email,
    role: input.role,
    validDays: INVITE_DAYS,
  });
  // An invite naming a custom role is saved only while that role is as read (see deleteRole), and
  // any invite only while the caller is still a member with the role the edge read (a removal's
  // sweep follows its delete: none is written after it) and their password is the one their
  // session was opened with.
  await deps.store.saveInvite(record, sha256(token), customRoleNamed(input.role, customRoles), caller.role);
  try {
    await deps.email.send({ to: input.email, ...mail });
    return { ...shownInvite(record), mailSent: true };
  } catch (error) {
    // Not a 5xx: the invite exists (and blocks a second one), so the answer must say so.
    logger.error('Invitation email could not be sent; the invite stands', {
      error: error as Error,
      workspaceId: record.workspaceId,
      inviteId: record.inviteId,
    });
    return { ...shownInvite(record), mailSent: false };
  }
}

/** An invite as answered: without the inviter's password version (nobody else's business). */
const shownInvite = ({ passwordVersion: _version, ...shown }: Invite): Invite => shown;

/** Refuses an address that already belongs to a member, or already has a live invite. */
async function assertInvitable(workspaceId: string, email: string, now: Date, deps: WorkspaceDeps) {
  const address = email.toLowerCase();
  const members = await deps.store.members(workspaceId);
  const users = await deps.store.users(members.map((m) => m.userId));
  if (users.some((u) => u.email.toLowerCase() === address)) {
    throw new ConflictError('This address already belongs to a member of the workspace', 'ALREADY_MEMBER');
  }
  const invites = await deps.store.invites(workspaceId);
  if (invites.some((i) => isLive(i, now.getTime()) && i.email.toLowerCase() === address)) {
    throw new ConflictError(
      'This address already has a pending invite; revoke it first to send a new one',
      'INVITE_PENDING',
    );
  }
}

const isLive = (invite: Invite, now: number) => invite.status === 'pending' && Date.parse(invite.expiresAt) > now;

/**
 * One page of the workspace's invites still waiting for an answer (pending and not expired), oldest
 * first, and `nextCursor` when more may follow: nothing caps how many a workspace sends.
 * @throws InvalidCursorError (400 `INVALID_CURSOR`) for a cursor this listing did not hand out.
 */
export async function listInvites(
  caller: Caller,
  page: PageRequest,
  deps: WorkspaceDeps,
): Promise<{ invites: Invite[]; nextCursor?: string }> {
  const { invites, nextCursor } = await deps.store.pendingInvites(caller.workspaceId, deps.now().toISOString(), page);
  const shown = invites.map(shownInvite);
  return nextCursor ? { invites: shown, nextCursor } : { invites: shown };
}

/**
 * Joins the workspace an invite names, with its role. An invite is only as good as its
 * inviter's authority now: one whose inviter is no longer a member, may no longer invite or
 * grant its role, has changed their password since (by its version; a reset that failed before its
 * sweep included), or sent it in an earlier membership (removed,
 * later added back), is withdrawn here (with every other invite
 * of theirs that no longer stands) and answers 410 `INVITE_REVOKED`, adding nobody. Removals,
 * role changes and resets withdraw such invites themselves; this check holds even for an invite
 * their sweep did not list yet. The entry in that workspace's audit log is written here (the
 * request is outside any workspace at the edge).
 * The invited custom role is checked (and the grant counted) in the accept's transaction too: one
 * deleted or redefined meanwhile is a 409 `INVITE_NOT_ACCEPTED`, adding nobody.
 * @throws InviteRevokedError (410), ValidationError `INVITE_INVALID`, ForbiddenError
 * `INVITE_EMAIL_MISMATCH`, ConflictError `INVITE_NOT_ACCEPTED`.
 */
export async function acceptInvite(auth: AuthContext, token: string, origin: RequestOrigin, deps: WorkspaceDeps) {
  const hash = sha256(token);
  const found = await deps.store.inviteByTokenHash(hash);
  const now = deps.now();
  if (found?.status === 'revoked') throw new InviteRevokedError();
  if (found?.status !== 'pending' || Date.parse(found.expiresAt) <= now.getTime()) {
    throw new ValidationError('The invite is not valid or has expired', 'INVITE_INVALID');
  }
  if (found.email.toLowerCase() !== auth.principal.email.toLowerCase()) {
    throw new ForbiddenError('This invite was sent to another address', 'INVITE_EMAIL_MISMATCH');
  }
  const customRoles = await deps.store.roles(found.workspaceId);
  const inviter = await deps.store.standingOf(found.workspaceId, found.invitedBy);
  if (!inviter.membership || !inviterMaySend(found, inviter, customRoles)) {
    await deps.store.revokeInvitesFrom(
      found.workspaceId,
      found.invitedBy,
      INVITER_LOST_AUTHORITY,
      now.toISOString(),
      (sent) => inviterMaySend(sent, inviter, customRoles),
    );
    throw new InviteRevokedError();
  }
  const membership: Membership = {
    workspaceId: found.workspaceId,
    organizationId: found.organizationId,
    userId: auth.principal.userId,
    role: found.role,
    joinedAt: now.toISOString(),
  };
  // The inviter's membership and password version are checked again in the accept's own
  // transaction: a removal, a role change or a reset that lands between the check above and the
  // accept makes it fail.
  const accepted = await deps.store.acceptInvite(
    hash,
    membership,
    inviter.membership,
    customRoleNamed(found.role, customRoles),
    inviter.passwordVersion,
  );
  // Their password changed since the check: the invite no longer stands (the next attempt, or the
  // reset's sweep, withdraws it).
  if (accepted === 'inviter-reset') throw new InviteRevokedError();
  if (accepted === 'role-changed') {
    throw new ConflictError('The role of this invite was changed meanwhile; try again', 'INVITE_NOT_ACCEPTED');
  }
  if (accepted === 'inviter-changed') {
    throw new ConflictError('The person who invited you changed meanwhile; try again', 'INVITE_NOT_ACCEPTED');
  }
  if (accepted === 'refused') {
    // Revoked between the read and the accept: say so, rather than a generic conflict.
    if ((await deps.store.inviteByTokenHash(hash))?.status === 'revoked') throw new InviteRevokedError();
    throw new ConflictError('You are already a member, or the invite was used', 'INVITE_NOT_ACCEPTED');
  }
  await auditUserAction(
    { workspaceId: membership.workspaceId, eventType: 'invites.accept', resourceType: 'member' },
    { resourceId: membership.userId, auth, origin, at: now, metadata: { role: membership.role } },
    deps,
  );
  return membership;
}

/**
 * Withdraws a pending invite of the caller's workspace; its link answers 410
 * `INVITE_REVOKED` from then on. Revoking twice is a no-op: `already-revoked`, the first revoker
 * and time stay, and the edge writes no second audit entry (functions/workspaces.ts).
 * @throws NotFoundError `INVITE_NOT_FOUND` for an unknown id or another workspace's invite.
 * @throws ConflictError `INVITE_ALREADY_ACCEPTED`: remove the member instead.
 */
export async function revokeInvite(
  caller: Caller,
  inviteId: string,
  deps: WorkspaceDeps,
): Promise<'revoked' | 'already-revoked'> {
  const at = deps.now().toISOString();
  const outcome = await deps.store.revokeInvite(caller.workspaceId, inviteId, caller.userId, at);
  if (outcome === 'not-found') throw new NotFoundError('No such invite', 'INVITE_NOT_FOUND');
  if (outcome === 'accepted') {
    throw new ConflictError('The invite was already accepted; remove the member instead', 'INVITE_ALREADY_ACCEPTED');
  }
  return outcome;
}

/**
 * A page of the roles: the built-in ones lead the first page (they are few and fixed), then up to
 * `limit` custom roles by name; `nextCursor` continues with the next custom roles. A workspace
 * keeps at most {@link MAX_CUSTOM_ROLES}, which the default page holds, but one that kept more
 * from before the cap pages like any other listing.
 * @throws InvalidCursorError (400) for a cursor the listing did not hand out.
 */
export async function listRoles(caller: Caller, page: PageRequest, deps: WorkspaceDeps) {
  const { roles: custom, nextCursor } = await deps.store.rolePage(caller.workspaceId, page);
  const builtin =
    page.cursor === undefined
      ? BUILTIN_ROLES.map((name) => ({ name, builtin: true, permissions: [...BUILTIN_ROLE_PERMISSIONS[name]] }))
      : [];
  const roles = [...builtin, ...custom.map((r) => ({ name: r.name, builtin: false, permissions: [...r.permissions] }))];
  return nextCursor ? { roles, nextCursor } : { roles };
}

/**
 * Creates or redefines a custom role. The caller must hold every permission of the new
 * definition (403 `ROLE_EXCEEDS_YOURS`) and, when the role exists, every permission of its current
 * one (403 `ROLE_EXCEEDS_YOURS` too): redefining a role changes what all its holders may do, so it
 * needs what changing each holder's role needs. The write holds only while the role is as read and
 * the caller still has the role the edge read (409 `CONCURRENT_CHANGE` otherwise). A new role needs a free slot: a workspace keeps at most
 * {@link MAX_CUSTOM_ROLES} (409 `ROLE_LIMIT`), counted in the write, so concurrent creates cannot pass it.
 */
export async function putRole(caller: Caller, name: string, permissions: readonly Permission[], deps: WorkspaceDeps) {
  if (isBuiltinRole(name) || !CUSTOM_ROLE_NAME.test(name)) {
    throw new ValidationError(
      'Custom role names are lower-case words (2-32 characters) and not a built-in name',
      'INVALID_ROLE_NAME',
    );
  }
  if (permissions.some((p) => !caller.permissions.has(p))) {
    throw new ForbiddenError('You cannot grant permissions you do not hold yourself', 'ROLE_EXCEEDS_YOURS');
  }
  const customRoles = await deps.store.roles(caller.workspaceId);
  const previous = customRoles.find((r) => r.name === name);
  if (previous?.permissions.some((p) => !caller.permissions.has(p))) {
    throw new ForbiddenError(
      'This role holds permissions you do not: only someone who holds all of them may redefine it',
      'ROLE_EXCEEDS_YOURS',
    );
  }
  const role: CustomRole = {
    workspaceId: caller.workspaceId,
    name,
    permissions: [...new Set(permissions)],
    createdAt: deps.now().toISOString(),
  };
  await deps.store.putRole(role, previous, MAX_CUSTOM_ROLES, caller);
  return role;
}

/** Invites a `ROLE_IN_USE` refusal names at most (`details.total` counts them all when more). */
const NAMED_INVITES_MAX = 50;

/**
 * Deletes a custom role nobody holds and no pending invite names (409 `ROLE_IN_USE`, naming those
 * invites in `details.invites` (the first {@link NAMED_INVITES_MAX}, with `details.total` when there
 * are more): withdraw them first, or let them expire). The role is read before
 * its holders and invites, and the deletion holds only while no grant of it (a role change, an
 * invite, an accept) landed since that read, nor a redefinition (409 `CONCURRENT_CHANGE`): a role
 * is never deleted while being granted, so no member is ever left holding a role that is gone.
 * @throws NotFoundError `ROLE_NOT_FOUND`.
 */
export async function deleteRole(caller: Caller, name: string, deps: WorkspaceDeps) {
  const role = (await deps.store.roles(caller.workspaceId)).find((r) => r.name === name);
  if (!role) throw new NotFoundError('No such custom role', 'ROLE_NOT_FOUND');
  const members = await deps.store.members(caller.workspaceId);
  if (members.some((m) => m.role === name)) throw new ConflictError('Members still have this role', 'ROLE_IN_USE');
  const now = deps.now().getTime();
  const naming = (await deps.store.invites(caller.workspaceId)).filter((i) => i.role === name && isLive(i, now));
  if (naming.length > 0) {
    // The first few: any number of invites may name the role, and an answer carries only so much.
    const invites = naming.slice(0, NAMED_INVITES_MAX).map((i) => i.inviteId);
    const more = naming.length - invites.length;
    throw new ConflictError(
      `Pending invites name this role (${invites.join(', ')}${more > 0 ? ` and ${more} more` : ''}); withdraw them first`,
      'ROLE_IN_USE',
      { details: { invites, ...(more > 0 ? { total: naming.length } : {}) } },
    );
  }
  await deps.store.deleteRole(caller.workspaceId, name, role);
}
