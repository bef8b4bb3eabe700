/**
 * A request that names no route of this function (API Gateway's `$default`) is refused here,
 * after it was counted: 405 with `Allow` when the path exists with other methods, else 404
 * `ROUTE_NOT_FOUND`. From here on the logs carry the route id.
 */
import type { RouteDeclaration } from '../../../lib/definition';
import { MethodNotAllowedError, NotFoundError } from '../../errors';
import { logger } from '../../observability/logger';
import { resolveRoute } from '../path-match';
import { type EdgeMiddleware, stateOf } from './edge-state';

/** @param routeTable every declared route, to tell a wrong method (405) from an unknown path (404). */
export function routeResolution(routeTable: readonly RouteDeclaration[]): EdgeMiddleware {
  return {
    name: 'route-resolution',
    before: (request) => {
      const state = stateOf(request);
      const route = state.declared;
      if (!route) throw unmatched(routeTable, request.event.requestContext.http.method, request.event.rawPath);
      state.route = route;
      state.routeId = route.id;
      logger.appendKeys({ routeId: route.id });
    },
  };
}

function unmatched(routeTable: readonly RouteDeclaration[], method: string, path: string): Error {
  const found = resolveRoute(routeTable, method, path);
  if (found.route === undefined && found.allowed.length > 0) return new MethodNotAllowedError(found.allowed);
  return new NotFoundError(`No route for ${method} ${path}`, 'ROUTE_NOT_FOUND');
}
