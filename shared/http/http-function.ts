/**
 * The composition root of every HTTP function. It wires the one middleware stack that
 * all routes share, finds the declared route from the event's `routeKey`, and hands the
 * operation a plain request. Handlers never add protections themselves: what applies to
 * a route is read from its declaration, so no route can forget one.
 *
 * Order, cheapest refusal first: trusted edge (403) -> the API key looked up, on signed-in
 * routes only (one read that authentication needs anyway) -> rate limits (429) -> route
 * (404/405) -> ids by shape (400) -> CSRF (403, before the body is read) -> body parsing
 * (400/413/415) -> authentication (401), workspace membership (404) and permission (403)
 * -> the operation -> the audit entry.
 *
 * A credential buys nothing until it is verified: an API key names its own rate-limit client
 * and skips CSRF only once it was found active; a made-up or revoked key is counted against
 * the caller's address and must pass CSRF like any cookie-less request.
 */
import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type FunctionName, type RouteDeclaration, routeKey, routes } from '../../lib/definition';
import { MethodNotAllowedError, NotFoundError, TooManyRequestsError } from '../errors';
import { recordAudit } from '../identity/audit';
import { actorOf } from '../identity/auth-context';
import { authenticate, checkPresentedKey, type PresentedKey } from '../identity/authenticate';
import {
  metricsMiddleware,
  recordCsrfRejected,
  recordHttpRequest,
  recordRateLimited,
} from '../observability/http-metrics';
import { logger } from '../observability/logger';
import { captureError } from '../observability/sentry';
import { type ClientIdentity, checkRateLimits, rateLimitHeaders } from '../rate-limit/rate-limiter';
import { rulesFor } from '../rate-limit/rules';
import { recordRateLimitRefusal } from '../security/abuse-alerts';
import { assertCsrf, CsrfError, csrfApplies, STATE_CHANGING } from '../security/csrf';
import { type CallerOrigin, resolveCaller } from '../security/trusted-edge';
import { defaultEdgeDeps, type EdgeDeps } from './edge-deps';
import { assertWellFormedIds } from './edge-ids';
import { errorResult } from './error-response';
import { type DefinedOperation, isDefinedOperation } from './operation';
import { lowerCaseHeaders, parseCookies, parseRequest } from './parse-request';
import { resolveRoute } from './path-match';
import { toApiResult } from './to-api-result';
import type { HttpRequest, HttpResult } from './types';

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds the Lambda handler of HTTP function `name` from one operation per declared route.
 * Throws at cold start when a declared route of the function has no validated operation.
 */
export function httpFunction(
  name: FunctionName,
  operations: Readonly<Record<string, DefinedOperation>>,
  deps: EdgeDeps = defaultEdgeDeps(),
  routeTable: readonly RouteDeclaration[] = routes,
): ApiHandler {
  const own = new Map(routeTable.filter((r) => r.function === name).map((r) => [routeKey(r), r]));
  for (const route of own.values()) {
    // Every route parses its input with a schema: a plain function here is a programming error.
    if (!isDefinedOperation(operations[route.id])) {
      throw new Error(`Function ${name} has no operation made with defineOperation for route ${route.id}`);
    }
  }

  const dispatch = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = Date.now();
    const requestId = event.requestContext.requestId;
    logger.setCorrelationId(requestId);
    let extraHeaders: Record<string, string> = {};
    let routeId = 'unmatched';
    const answer = (result: HttpResult) => {
      recordHttpRequest({ routeId, status: result.status, latencyMs: Date.now() - started });
      const { audit: _audit, ...visible } = result;
      return toApiResult(withHeaders(visible, extraHeaders), requestId);
    };
    try {
      const headers = lowerCaseHeaders(event.headers);
      const caller = resolveCaller(headers, event.requestContext.http.sourceIp, deps.settings);
      const route = own.get(event.routeKey);
      // Public routes ignore keys: they are counted by address and always pass CSRF.
      const presented: PresentedKey =
        route?.auth === 'user' ? await checkPresentedKey(headers, deps.auth.apiKeys) : { status: 'absent' };
      const hasQuery = Object.keys(event.queryStringParameters ?? {}).length > 0;
      const limits = await enforceRateLimits(route, event.rawPath, hasQuery, caller, presented, deps);
      extraHeaders = limits.headers;
      if (limits.refusal) {
        recordRateLimited(route?.rateTier ?? 'public');
        throw limits.refusal;
      }
      if (!route) throw unmatched(routeTable, event.requestContext.http.method, event.rawPath);
      routeId = route.id;
      assertWellFormedIds({
        pathParams: event.pathParameters ?? {},
        headers,
        query: event.queryStringParameters ?? {},
      });
      const cookies = parseCookies(event.cookies ?? []);
      const method = event.requestContext.http.method;
      const verifiedApiKey = presented.status === 'verified';
      if (route.csrf && csrfApplies({ method, path: event.rawPath, cookies, verifiedApiKey })) {
        assertCsrf({ method, path: event.rawPath, headers, cookies, publicHost: caller.publicHost });
      }
      const parsed = parseRequest(event, route, caller);
      const request: HttpRequest =
        route.auth === 'user'
          ? {
              ...parsed,
              auth: await authenticate(
                { ...parsed, cookies, ...(route.permission ? { permission: route.permission } : {}) },
                deps.auth,
                presented,
              ),
            }
          : parsed;
      const result = await (operations[route.id] as DefinedOperation)(request);
      await auditStateChange(route, request, result, deps);
      return answer(result);
    } catch (error) {
      const result = errorResult(error, requestId);
      if (error instanceof CsrfError) recordCsrfRejected(error.code);
      if (result.status >= 500) {
        logger.error('Unhandled error', { error: error as Error, routeKey: event.routeKey });
        await captureError(error, { requestId, routeKey: event.routeKey, functionName: context.functionName });
      }
      return answer(result);
    }
  };

  return middy(dispatch)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsMiddleware()) as unknown as ApiHandler;
}

/**
 * Every successful state-changing request in a workspace leaves an audit entry. Routes
 * outside a workspace (sign-up, log-in...) write their own, richer auth events.
 */
async function auditStateChange(route: RouteDeclaration, request: HttpRequest, result: HttpResult, deps: EdgeDeps) {
  const workspace = request.auth?.workspace;
  if (!workspace || !STATE_CHANGING.has(request.method) || result.status >= 400) return;
  const params = Object.values(request.pathParams);
  const resourceId = result.audit?.resourceId ?? params.at(-1);
  await recordAudit(deps.audit, {
    workspaceId: workspace.workspaceId,
    eventType: route.id,
    eventAction: request.method,
    ...actorOf(request.auth),
    resourceType: result.audit?.resourceType ?? route.id.split('.')[0],
    ...(resourceId ? { resourceId } : {}),
    ip: request.clientAddress,
    userAgent: request.userAgent,
    ...(result.audit?.metadata ? { metadata: result.audit.metadata } : {}),
  });
}

/** Counts the request; returns the RateLimit-* headers, and the 429 to answer when a rule refused it. */
async function enforceRateLimits(
  route: RouteDeclaration | undefined,
  path: string,
  hasQuery: boolean,
  caller: CallerOrigin,
  presented: PresentedKey,
  deps: EdgeDeps,
): Promise<{ headers: Record<string, string>; refusal?: TooManyRequestsError }> {
  if (!deps.settings.rateLimits) return { headers: {} };
  const identity = clientIdentity(caller, presented);
  const nowMs = deps.now();
  const decision = await checkRateLimits(rulesFor(route?.rateTier ?? 'public', path, hasQuery), identity, {
    store: deps.counters,
    ...(deps.refusals ? { refusals: deps.refusals } : {}),
    nowMs,
    onStoreError: (error) => logger.warn('Rate-limit store failed; request let through', { error: error as Error }),
  });
  if (!decision) return { headers: {} };
  const limitHeaders = rateLimitHeaders(decision);
  if (decision.allowed) return { headers: limitHeaders };
  const client = identity.userId ? `user:${identity.userId}` : `ip:${identity.address}`;
  await recordRateLimitRefusal(
    { client, rule: decision.refusedBy ?? 'unknown', nowMs, newId: randomUUID },
    { counters: deps.counters, alerts: deps.alerts },
  ).catch((error: unknown) => logger.warn('Could not record a rate-limit refusal', { error: error as Error }));
  const refusal = new TooManyRequestsError(
    `Too many requests; retry after ${decision.resetSeconds} s`,
    decision.resetSeconds,
  );
  return { headers: limitHeaders, refusal };
}

/**
 * A verified API key makes its user the client of the per-client rules: one budget however
 * many keys the user mints. Anything else (no key, a made-up or revoked one) is the address.
 */
function clientIdentity(caller: CallerOrigin, presented: PresentedKey): ClientIdentity {
  if (presented.status !== 'verified') return { address: caller.clientAddress };
  return { address: caller.clientAddress, userId: presented.found.user.userId };
}

function withHeaders(result: HttpResult, headers: Record<string, string>): HttpResult {
  if (Object.keys(headers).length === 0) return result;
  return { ...result, headers: { ...headers, ...result.headers } };
}

/** A request that reached no declared route (API Gateway's `$default`): 405 or 404. */
function unmatched(routeTable: readonly RouteDeclaration[], method: string, path: string): Error {
  const found = resolveRoute(routeTable, method, path);
  if (found.route === undefined && found.allowed.length > 0) return new MethodNotAllowedError(found.allowed);
  return new NotFoundError(`No route for ${method} ${path}`, 'ROUTE_NOT_FOUND');
}
