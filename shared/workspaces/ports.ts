/** What the workspace use cases need from storage; the DynamoDB adapter is shared/adapters/dynamo-workspaces.ts. */
import type { CustomRole, Membership, Organization, User, Workspace } from '../identity/model';

export interface Invite {
  readonly inviteId: string;
  readonly workspaceId: string;
  readonly organizationId: string;
  readonly email: string;
  readonly role: string;
  readonly invitedBy: string;
  readonly createdAt: string;
  /**
   * The inviter's password version the invite was sent under (their session's): it is void once
   * their password changes (shared/identity/grant-standing.ts). Absent on invites from before
   * versions were recorded. Never shown: an answer leaves it out.
   */
  readonly passwordVersion?: number;
  readonly expiresAt: string;
  readonly status: 'pending' | 'accepted' | 'revoked';
  readonly revokedAt?: string;
  readonly revokedBy?: string;
}

/**
 * A custom role as stored: with `grants`, the count of grants of it so far (role changes to it,
 * invites naming it, accepts of those). Every grant moves it, in the grant's own write, so a
 * deletion decided on a read of the role (no holder, no pending invite) fails when a grant landed
 * after that read: a role is never deleted while being granted.
 */
export interface StoredRole extends CustomRole {
  readonly grants?: number;
}

/** One page of a listing: at most `limit` items after `cursor` (as the previous page answered it). */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * Who makes a change of access, as their membership was read when the decision was made (the
 * edge's read of the caller): the write holds only while they are still a member with that role,
 * so a removal or demotion of theirs landing in between voids it (409 `CONCURRENT_CHANGE`).
 */
export interface Actor {
  readonly userId: string;
  readonly role: string;
}

/** How an inviter stands now (see {@link WorkspaceStore.standingOf}). */
export interface InviterStanding {
  /** Their membership of the workspace; undefined when they are no longer a member. */
  readonly membership?: Membership;
  /** Their last password reset: unversioned invites they sent up to then are void. */
  readonly grantsValidFrom?: string;
  /** Their password version now: invites sent under an older one are void. */
  readonly passwordVersion?: number;
}

/**
 * Reads that a decision on someone's access rests on (`member`, `members`, `roles`, `standingOf`)
 * are strongly consistent, and the writes made on them are conditional on what was read.
 */
export interface WorkspaceStore {
  workspace(workspaceId: string): Promise<Workspace | undefined>;
  workspaces(ids: readonly string[]): Promise<Workspace[]>;
  organization(organizationId: string): Promise<Organization | undefined>;
  /**
   * One page of the user's memberships, by workspace id, within what a function may answer;
   * `nextCursor` when more follow (nothing bounds how many workspaces a user belongs to).
   * @throws InvalidCursorError for a cursor this listing did not hand out.
   */
  membershipPage(userId: string, page: PageRequest): Promise<{ memberships: Membership[]; nextCursor?: string }>;
  /** The organization of the first workspace (by id) the user owns; undefined when they own none. */
  organizationOwnedBy(userId: string): Promise<string | undefined>;
  /** Every member (for the checks that need them all; a listing pages with {@link memberPage}). */
  members(workspaceId: string): Promise<Membership[]>;
  /**
   * One page of the members, by user id, strongly consistent; `nextCursor` when more follow.
   * @throws InvalidCursorError for a cursor this listing did not hand out.
   */
  memberPage(workspaceId: string, page: PageRequest): Promise<{ members: Membership[]; nextCursor?: string }>;
  member(workspaceId: string, userId: string): Promise<Membership | undefined>;
  users(ids: readonly string[]): Promise<User[]>;
  /**
   * Workspace + the creator's owner membership, atomically, while the organization keeps fewer
   * than `maxWorkspaces` (counted in the same write, so concurrent creates cannot pass it).
   * @throws WorkspaceLimitError (409 `WORKSPACE_LIMIT`) when it keeps `maxWorkspaces` already.
   */
  createWorkspace(workspace: Workspace, owner: Membership, maxWorkspaces: number): Promise<void>;
  renameWorkspace(workspaceId: string, name: string): Promise<void>;
  /**
   * Gives the member `role`, only while they still have `expectedRole` (the role the caller's
   * rights were checked against). A custom `role` is given as read (`granted`): the write holds only
   * while it still exists with that definition, and counts the grant on it ({@link StoredRole}).
   * The write holds only while `actor` still has the role read too ({@link Actor}).
   * @throws ConflictError `CONCURRENT_CHANGE` when their role changed (or they left) meanwhile, or
   *   the granted role was redefined or deleted meanwhile, or the actor's membership changed.
   */
  setRole(
    workspaceId: string,
    userId: string,
    change: { readonly role: string; readonly expectedRole: string; readonly actor: Actor },
    granted?: StoredRole,
  ): Promise<void>;
  /**
   * Removes the member, only while they still have `expectedRole` and `actor` still has the role read.
   * @throws ConflictError `CONCURRENT_CHANGE` when their role changed (or they left) meanwhile, or the
   *   actor's membership changed.
   */
  removeMember(workspaceId: string, userId: string, expectedRole: string, actor: Actor): Promise<void>;
  /** Every custom role, strongly consistent (for the checks that need them all; a listing pages with {@link rolePage}). */
  roles(workspaceId: string): Promise<StoredRole[]>;
  /**
   * One page of the custom roles, by name, strongly consistent, within what a function may answer;
   * `nextCursor` when more follow (a workspace may keep more than the cap from before it).
   * @throws InvalidCursorError for a cursor this listing did not hand out.
   */
  rolePage(workspaceId: string, page: PageRequest): Promise<{ roles: StoredRole[]; nextCursor?: string }>;
  /**
   * Creates or replaces a custom role, only while it is still as read: absent when `previous` is
   * undefined, else unchanged since (its `createdAt` marks each definition). A new role takes one of
   * the workspace's `maxRoles` slots, counted in the same write, so concurrent creates cannot pass it.
   * The write holds only while `actor` still has the role read ({@link Actor}).
   * @throws ConflictError `CONCURRENT_CHANGE` when another change came first, or the actor's
   *   membership changed.
   * @throws RoleLimitError (409 `ROLE_LIMIT`) when the role is new and the workspace keeps `maxRoles`.
   */
  putRole(role: CustomRole, previous: CustomRole | undefined, maxRoles: number, actor: Actor): Promise<void>;
  /**
   * Deletes the custom role, only while it is still as read (`asRead`): the same definition, and no
   * grant of it since (its `grants` unchanged).
   * @throws ConflictError `CONCURRENT_CHANGE` when it was granted, redefined or deleted meanwhile.
   */
  deleteRole(workspaceId: string, name: string, asRead: StoredRole): Promise<void>;
  /**
   * Saves a new invite. An invite naming a custom role is a grant of it: `granted` is that role as
   * read, and the save holds only while it still exists with that definition, counting the grant.
   * An invite recording the inviter's `passwordVersion` is saved only while their password still
   * has that version, in the same atomic write; with `inviterRole` (the role their invite was
   * judged on), only while they are still a member with it.
   * @throws ConflictError `CONCURRENT_CHANGE` when the role was redefined or deleted meanwhile, or
   *   the inviter's membership changed.
   * @throws UnauthorizedError `SESSION_INVALID` when the inviter's password changed meanwhile.
   */
  saveInvite(invite: Invite, tokenHash: string, granted?: StoredRole, inviterRole?: string): Promise<void>;
  /** Every invite, whatever its state (for the checks that need them all). */
  invites(workspaceId: string): Promise<Invite[]>;
  /**
   * One page of the invites still pending and unexpired at `now` (ISO), oldest first; `nextCursor`
   * when more may follow. Through an index, so an invite of a moment ago may be missing.
   * @throws InvalidCursorError for a cursor this listing did not hand out.
   */
  pendingInvites(
    workspaceId: string,
    now: string,
    page: PageRequest,
  ): Promise<{ invites: Invite[]; nextCursor?: string }>;
  inviteByTokenHash(tokenHash: string): Promise<Invite | undefined>;
  /** The inviter's membership, password version and last password reset, strongly consistent, in one read. */
  standingOf(workspaceId: string, userId: string): Promise<InviterStanding>;
  /**
   * Membership created and invite marked accepted atomically, while the inviter still has the
   * membership read (`inviter`) and, with `inviterPasswordVersion`, still that password version:
   * `refused` when already a member or the invite is no longer pending, `inviter-changed` when the
   * inviter's role changed or they left meanwhile, `inviter-reset` when their password changed
   * meanwhile, `role-changed` when the invited custom role (`granted`, as read) was redefined or
   * deleted meanwhile (the grant is counted on it, as {@link setRole} counts it).
   */
  acceptInvite(
    tokenHash: string,
    membership: Membership,
    inviter: Membership,
    granted?: StoredRole,
    inviterPasswordVersion?: number,
  ): Promise<'accepted' | 'refused' | 'inviter-changed' | 'inviter-reset' | 'role-changed'>;
  /**
   * Marks the workspace's invite `inviteId` revoked, atomically against a concurrent accept:
   * `accepted` when it was accepted first, `not-found` for another workspace's or no invite.
   */
  revokeInvite(
    workspaceId: string,
    inviteId: string,
    by: string,
    at: string,
  ): Promise<'revoked' | 'already-revoked' | 'accepted' | 'not-found'>;
  /**
   * Withdraws the pending invites `invitedBy` sent to the workspace, except those `keep` keeps
   * (all of them without it), each atomically against a concurrent accept. Returns how many.
   */
  revokeInvitesFrom(
    workspaceId: string,
    invitedBy: string,
    by: string,
    at: string,
    keep?: (invite: Invite) => boolean,
  ): Promise<number>;
  /**
   * Ends the campaign webhook tokens `userId` minted in the workspace (the campaigns need new
   * ones). Returns how many.
   */
  revokeWebhookTokensMintedBy(workspaceId: string, userId: string): Promise<number>;
}
