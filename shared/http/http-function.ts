/**
 * The composition root of every HTTP function. It wires the one middleware stack that
 * all routes share, finds the declared route from the event's `routeKey`, and hands the
 * operation a plain request. Handlers never add protections themselves: what applies to
 * a route is read from its declaration, so no route can forget one.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type FunctionName, routeKey, routes } from '../../lib/definition';
import { MethodNotAllowedError, NotFoundError } from '../errors';
import { logger } from '../observability/logger';
import { errorResult } from './error-response';
import { parseRequest } from './parse-request';
import { resolveRoute } from './path-match';
import { toApiResult } from './to-api-result';
import type { Operation } from './types';

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds the Lambda handler of HTTP function `name` from one operation per declared route.
 * Throws at cold start when a declared route of the function has no operation.
 */
export function httpFunction(name: FunctionName, operations: Readonly<Record<string, Operation>>): ApiHandler {
  const own = new Map(routes.filter((r) => r.function === name).map((r) => [routeKey(r), r]));
  for (const route of own.values()) {
    if (!operations[route.id]) throw new Error(`Function ${name} has no operation for route ${route.id}`);
  }

  const dispatch = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext.requestId;
    logger.setCorrelationId(requestId);
    try {
      const route = own.get(event.routeKey);
      if (!route) throw unmatched(event.requestContext.http.method, event.rawPath);
      const request = parseRequest(event, route);
      const operation = operations[route.id] as Operation;
      return toApiResult(await operation(request), requestId);
    } catch (error) {
      const result = errorResult(error, requestId);
      if (result.status >= 500) logger.error('Unhandled error', { error: error as Error, routeKey: event.routeKey });
      return toApiResult(result, requestId);
    }
  };

  return middy(dispatch).use(injectLambdaContext(logger, { resetKeys: true })) as unknown as ApiHandler;
}

/** A request that reached no declared route (API Gateway's `$default`): 405 or 404. */
function unmatched(method: string, path: string): Error {
  const found = resolveRoute(routes, method, path);
  if (found.route === undefined && found.allowed.length > 0) return new MethodNotAllowedError(found.allowed);
  return new NotFoundError(`No route for ${method} ${path}`, 'ROUTE_NOT_FOUND');
}
