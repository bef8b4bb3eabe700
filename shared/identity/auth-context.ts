/** Who is calling and what they may do in the workspace of the request, as the edge resolved it. */
import type { User } from './model';
import type { Permission } from './permissions';

export interface Principal {
  readonly userId: string;
  readonly email: string;
  readonly via: 'session' | 'apiKey';
  readonly sessionId?: string;
  readonly apiKeyId?: string;
  /**
   * The password version the credential was issued under (the session's, or the key's): what it
   * hands out (an API key) is written only while this version is still the current one.
   */
  readonly passwordVersion?: number;
}

export interface WorkspaceAccess {
  readonly workspaceId: string;
  readonly organizationId: string;
  readonly role: string;
  /** Effective permissions: the role's, narrowed to the API key's scopes for key calls. */
  readonly permissions: ReadonlySet<Permission>;
}

export interface AuthContext {
  readonly principal: Principal;
  /** A session caller's profile, as the session's read found it (account routes use it, no second read). */
  readonly user?: User;
  /** Present on workspace-scoped routes (those that declare a permission). */
  readonly workspace?: WorkspaceAccess;
}

/**
 * The actor fields of an audit entry for this caller: the user, and the API key they used (so
 * the log tells what a key did, e.g. after a leak, from what the person did signed in).
 */
export const actorOf = (auth: AuthContext | undefined) =>
  auth
    ? {
        actorType: 'user' as const,
        actorId: auth.principal.userId,
        actorEmail: auth.principal.email,
        ...(auth.principal.apiKeyId === undefined ? {} : { apiKeyId: auth.principal.apiKeyId }),
      }
    : { actorType: 'system' as const, actorId: 'anonymous' };
