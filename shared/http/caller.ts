/**
 * Who is calling, as the edge resolved it, mapped once to the plain values use cases take:
 * the signed-in user ({@link authOf}) and, on workspace-scoped routes, the workspace caller
 * ({@link callerOf}). Handlers use these two and nothing else to read `request.auth`.
 */
import { UnauthorizedError } from '../errors';
import type { Caller } from '../governance/ports';
import type { RequestOrigin } from '../identity/accounts/ports';
import type { AuthContext } from '../identity/auth-context';
import type { HttpRequest } from './types';

/**
 * The signed-in user of an `auth: 'user'` route.
 * @throws UnauthorizedError when the edge authenticated nobody (a public route).
 */
export function authOf(request: HttpRequest): AuthContext {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
}

/**
 * The caller of a workspace-scoped route: every read and write is scoped by this workspace
 * id, never by an id from the path or body.
 * @throws Error when the edge set no workspace: a route declared with neither a permission nor
 * `anyMember` is a programming error, answered 500 rather than served unscoped.
 */
export function callerOf(request: HttpRequest): Caller {
  const workspace = request.auth?.workspace;
  if (!request.auth || !workspace) {
    throw new Error(`Route ${request.route.id} reached its operation without a resolved workspace`);
  }
  return {
    workspaceId: workspace.workspaceId,
    organizationId: workspace.organizationId,
    role: workspace.role,
    userId: request.auth.principal.userId,
    email: request.auth.principal.email,
    permissions: workspace.permissions,
    ...(request.auth.principal.passwordVersion === undefined
      ? {}
      : { passwordVersion: request.auth.principal.passwordVersion }),
    ...(request.auth.principal.apiKeyId === undefined ? {} : { apiKeyId: request.auth.principal.apiKeyId }),
  };
}

/** Where the request came from, for audit entries, sessions and devices. */
export const originOf = (request: HttpRequest): RequestOrigin => ({
  ip: request.clientAddress,
  userAgent: request.userAgent,
});
