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
  readonly expiresAt: string;
  readonly status: 'pending' | 'accepted' | 'revoked';
  readonly revokedAt?: string;
  readonly revokedBy?: string;
}

export interface WorkspaceStore {
  workspace(workspaceId: string): Promise<Workspace | undefined>;
  workspaces(ids: readonly string[]): Promise<Workspace[]>;
  organization(organizationId: string): Promise<Organization | undefined>;
  membershipsOf(userId: string): Promise<Membership[]>;
  members(workspaceId: string): Promise<Membership[]>;
  member(workspaceId: string, userId: string): Promise<Membership | undefined>;
  users(ids: readonly string[]): Promise<User[]>;
  /** Workspace + the creator's owner membership, atomically. */
  createWorkspace(workspace: Workspace, owner: Membership): Promise<void>;
  renameWorkspace(workspaceId: string, name: string): Promise<void>;
  setRole(workspaceId: string, userId: string, role: string): Promise<void>;
  removeMember(workspaceId: string, userId: string): Promise<void>;
  roles(workspaceId: string): Promise<CustomRole[]>;
  putRole(role: CustomRole): Promise<void>;
  deleteRole(workspaceId: string, name: string): Promise<void>;
  saveInvite(invite: Invite, tokenHash: string): Promise<void>;
  invites(workspaceId: string): Promise<Invite[]>;
  inviteByTokenHash(tokenHash: string): Promise<Invite | undefined>;
  /** Membership created and invite marked accepted atomically; false when already a member or no longer pending. */
  acceptInvite(tokenHash: string, membership: Membership): Promise<boolean>;
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
}
