/**
 * The edge of one HTTP function as an ordered list of middlewares, one concern each, selected
 * from the function's route declarations: a step is in the list when at least one of the
 * function's routes declares it, and the step itself applies to the routes that declare it.
 * So no route can skip a step its declaration asks for, and a function pays for no step none
 * of its routes needs.
 *
 * Order, cheapest refusal first: trusted edge (403) -> the API key looked up, on signed-in
 * routes only (one read that authentication needs anyway) -> rate limits (429) -> route
 * (404/405) -> ids by shape (400) -> CSRF (403, before the body is read) -> body parsing
 * (400/413/415) -> authentication (401), workspace membership (404) and permission (403)
 * -> validation (400) -> the operation (the handler) -> the audit entry. Around them, outermost
 * first: the request context (state, correlation id, request metric), the security headers
 * and the error contract.
 */
import type { RouteDeclaration } from '../../lib/definition';
import { actsInWorkspace } from '../identity/permissions';
import { STATE_CHANGING } from '../security/csrf';
import type { EdgeDeps } from './edge-deps';
import { apiKeyPrecheck } from './middlewares/api-key-precheck';
import { audit } from './middlewares/audit';
import { authentication } from './middlewares/authentication';
import { bodyParsing, requestHead } from './middlewares/body-parsing';
import { csrf } from './middlewares/csrf';
import type { EdgeMiddleware } from './middlewares/edge-state';
import { errorContract } from './middlewares/error-contract';
import { idChecks } from './middlewares/id-checks';
import { rateLimit } from './middlewares/rate-limit';
import { requestContext } from './middlewares/request-context';
import { routeResolution } from './middlewares/route-resolution';
import { securityHeaders } from './middlewares/security-headers';
import { trustedEdge } from './middlewares/trusted-edge';
import { validation } from './middlewares/validation';
import type { DefinedOperation } from './operation';

export interface EdgePlan {
  /** The function's own routes by route key (`GET /api/health`). */
  readonly own: ReadonlyMap<string, RouteDeclaration>;
  /** Its operations by route id, one per own route. */
  readonly operations: ReadonlyMap<string, DefinedOperation>;
  /** Every declared route, to answer 405 rather than 404 for a known path. */
  readonly routeTable: readonly RouteDeclaration[];
  readonly deps: EdgeDeps;
}

/** Whether a route needs the audit step: a state-changing route inside a workspace. */
export const audited = (route: RouteDeclaration): boolean => actsInWorkspace(route) && STATE_CHANGING.has(route.method);

/** The function's edge, in the order middy runs the `before` steps. */
export function edgeMiddlewares({ own, operations, routeTable, deps }: EdgePlan): EdgeMiddleware[] {
  const declared = [...own.values()];
  const any = (needs: (route: RouteDeclaration) => boolean) => declared.some(needs);
  const signedIn = any((r) => r.auth === 'user');
  const checksCsrf = any((r) => r.csrf);
  const when = (needed: boolean, step: () => EdgeMiddleware) => (needed ? [step()] : []);
  return [
    requestContext(own),
    securityHeaders(),
    errorContract(),
    trustedEdge(deps.settings),
    ...when(signedIn, () => apiKeyPrecheck(deps.auth.apiKeys)),
    ...when(deps.settings.rateLimits, () => rateLimit(deps)),
    routeResolution(routeTable),
    idChecks(),
    ...when(checksCsrf, csrf),
    requestHead(),
    ...when(signedIn, () => authentication(deps.auth)),
    bodyParsing(),
    validation(operations),
    ...when(any(audited), () => audit(deps.audit)),
  ];
}
