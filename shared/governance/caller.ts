/** The caller of a workspace-scoped route, from what the edge resolved. */
import type { HttpRequest } from '../http/types';
import type { Caller } from './ports';

/**
 * Every read and write of the governance routes is scoped by this workspace id, never by
 * an id from the path or body.
 * @throws Error when the edge set no workspace: a route declared without a permission is a
 * programming error, answered 500 rather than served unscoped.
 */
export function callerOf(request: HttpRequest): Caller {
  const workspace = request.auth?.workspace;
  if (!request.auth || !workspace) {
    throw new Error(`Route ${request.route.id} reached its operation without a resolved workspace`);
  }
  return {
    workspaceId: workspace.workspaceId,
    userId: request.auth.principal.userId,
    email: request.auth.principal.email,
    permissions: workspace.permissions,
  };
}
