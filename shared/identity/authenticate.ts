/**
 * Authentication and authorisation at the edge, for routes declared `auth: 'user'`:
 * 1. the credential: `Authorization: Bearer uh_…` (API key) or the `session` cookie;
 * 2. on routes that declare a permission, the workspace: the path's `{workspaceId}`, else
 *    `x-workspace-id`, else `?workspaceId`, else the caller's default; an API key is bound
 *    to its own workspace;
 * 3. the membership (none: 404, so ids of other workspaces reveal nothing), the role's
 *    permissions (narrowed to the key's scopes), and the route's permission (else 403).
 */
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import { SESSION_COOKIE } from './accounts/session-cookie';
import type { AuthContext, Principal, WorkspaceAccess } from './auth-context';
import { BUILTIN_ROLE_PERMISSIONS, isBuiltinRole, type Permission } from './permissions';
import type { ApiKeyLookup, MembershipLookup, SessionLookup } from './ports';
import { API_KEY_PATTERN, sha256 } from './tokens';

export interface AuthDeps {
  readonly sessions: SessionLookup;
  readonly apiKeys: ApiKeyLookup;
  readonly memberships: MembershipLookup;
  readonly now: () => Date;
  /** Failures of best-effort bookkeeping (last-seen stamps) go here, never to the caller. */
  readonly onBackgroundError: (error: unknown) => void;
}

export interface AuthRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly clientAddress: string;
  /** The route's declared permission; absent for user-level routes (no workspace needed). */
  readonly permission?: string;
}

/** Sessions are stamped at most this often, so reads don't each cost a write. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export async function authenticate(request: AuthRequest, deps: AuthDeps): Promise<AuthContext> {
  const now = deps.now();
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  let principal: Principal;
  let defaultWorkspaceId: string;
  let keyScope: { workspaceId: string; scopes: readonly Permission[] } | undefined;

  if (bearer !== undefined) {
    if (!API_KEY_PATTERN.test(bearer)) throw new UnauthorizedError('The API key is not valid', 'INVALID_API_KEY');
    const hash = sha256(bearer);
    const found = await deps.apiKeys.findActive(hash);
    if (!found) throw new UnauthorizedError('The API key is not valid or was revoked', 'INVALID_API_KEY');
    deps.apiKeys.recordUse(hash, now, request.clientAddress).catch(deps.onBackgroundError);
    principal = { userId: found.user.userId, email: found.user.email, via: 'apiKey', apiKeyId: found.key.keyId };
    defaultWorkspaceId = found.key.workspaceId;
    keyScope = { workspaceId: found.key.workspaceId, scopes: found.key.scopes };
  } else {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw new UnauthorizedError();
    const hash = sha256(token);
    const found = await deps.sessions.findActive(hash, now);
    if (!found) throw new UnauthorizedError('The session has expired or was ended; log in again', 'SESSION_INVALID');
    if (now.getTime() - Date.parse(found.session.lastSeenAt) > TOUCH_INTERVAL_MS) {
      deps.sessions.touch(hash, now, request.clientAddress).catch(deps.onBackgroundError);
    }
    principal = {
      userId: found.user.userId,
      email: found.user.email,
      via: 'session',
      sessionId: found.session.sessionId,
    };
    defaultWorkspaceId = found.user.defaultWorkspaceId;
  }

  if (request.permission === undefined) return { principal };
  const workspace = await resolveWorkspace(request, principal, defaultWorkspaceId, keyScope, deps);
  if (!workspace.permissions.has(request.permission as Permission)) {
    throw new ForbiddenError(`This needs the ${request.permission} permission`, 'PERMISSION_DENIED');
  }
  return { principal, workspace };
}

async function resolveWorkspace(
  request: AuthRequest,
  principal: Principal,
  defaultWorkspaceId: string,
  keyScope: { workspaceId: string; scopes: readonly Permission[] } | undefined,
  deps: AuthDeps,
): Promise<WorkspaceAccess> {
  const named =
    request.pathParams.workspaceId ??
    request.headers['x-workspace-id'] ??
    request.query.workspaceId ??
    defaultWorkspaceId;
  const notFound = new NotFoundError('No such workspace', 'WORKSPACE_NOT_FOUND');
  if (keyScope && named !== keyScope.workspaceId) throw notFound;
  const membership = await deps.memberships.find(named, principal.userId);
  if (!membership) throw notFound;
  let permissions: readonly Permission[];
  if (isBuiltinRole(membership.role)) {
    permissions = BUILTIN_ROLE_PERMISSIONS[membership.role];
  } else {
    permissions = (await deps.memberships.customRole(named, membership.role))?.permissions ?? [];
  }
  if (keyScope) permissions = permissions.filter((p) => keyScope.scopes.includes(p));
  return {
    workspaceId: membership.workspaceId,
    organizationId: membership.organizationId,
    role: membership.role,
    permissions: new Set(permissions),
  };
}
