/**
 * The composition root of every HTTP function: middy with the Powertools logger and metrics,
 * then the edge's middlewares (edge-pipeline.ts), selected from the function's route
 * declarations, around one handler: the route's validated operation. Handlers never add
 * protections themselves: what applies to a route is read from its declaration, so no route
 * can forget one.
 *
 * Order, cheapest refusal first: trusted edge (403) -> the API key looked up, on signed-in
 * routes only (one read that authentication needs anyway) -> rate limits (429) -> route
 * (404/405) -> ids by shape (400) -> CSRF (403, before the body is read) -> body parsing
 * (400/413/415) -> authentication (401), workspace membership (404) and permission (403)
 * -> validation (400) -> the operation -> the audit entry.
 *
 * A credential buys nothing until it is verified: an API key names its own rate-limit client
 * and skips CSRF only once it was found active; a made-up or revoked key is counted against
 * the caller's address and must pass CSRF like any cookie-less request.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { FunctionName, HttpFunctionName, RouteDeclaration, RouteIdOf } from '../../lib/definition';
import { routeKey } from '../../lib/definition/names';
import { metricsMiddleware } from '../observability/http-metrics';
import { logger } from '../observability/logger';
import { defaultEdgeDeps, type EdgeDeps } from './edge-deps';
import { edgeMiddlewares } from './edge-pipeline';
import { answer, type EdgeEvent, found, stateOf } from './middlewares/edge-state';
import { type DefinedOperation, isDefinedOperation } from './operation';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * An HTTP function's handler, carrying its validated operations by route id: the API reference
 * (lib/api-docs) reads their schemas from the entry's `handler` export, so no second list exists.
 */
export type HttpFunctionHandler = ApiHandler & { readonly operations: ReadonlyMap<string, DefinedOperation> };

/** Exactly one operation per route function `F` declares: a missing or misspelled id does not compile. */
export type OperationsOf<F extends HttpFunctionName> = { readonly [Id in RouteIdOf<F>]: DefinedOperation };

/** Operations keyed by any string: checked against the route table at cold start only. */
export type AnyOperations = Readonly<Record<string, DefinedOperation>>;

/** Accepts `O` (`unknown`) only when its keys are any string, a map built at run time; else `never`. */
type IndexedOnly<O> = string extends keyof O ? unknown : never;

/**
 * Builds the Lambda handler of HTTP function `name` from one operation per declared route.
 * Throws at cold start when a declared route of the function has no validated operation, or the
 * table declares none of its routes.
 *
 * `routeTable` is the area's route list that declares the function's routes (`campaignRoutes`
 * from lib/definition/campaign-routes.ts), not the application's: a function bundles only its own
 * area's declarations. API Gateway sends a function only its own routes; the system function, the
 * `$default` fallback, gets the whole table, so an unknown path or a wrong method anywhere is told
 * apart there (404 or 405).
 */
export function httpFunction<F extends HttpFunctionName>(
  name: F,
  routeTable: readonly RouteDeclaration[],
  operations: OperationsOf<F>,
  deps?: EdgeDeps,
): HttpFunctionHandler;
/** Operations in a map typed only by its index signature, built at run time: checked at cold start. */
export function httpFunction<O extends AnyOperations>(
  name: FunctionName,
  routeTable: readonly RouteDeclaration[],
  operations: O & IndexedOnly<O>,
  deps?: EdgeDeps,
): HttpFunctionHandler;
export function httpFunction(
  name: FunctionName,
  routeTable: readonly RouteDeclaration[],
  operations: AnyOperations,
  deps: EdgeDeps = defaultEdgeDeps(),
): HttpFunctionHandler {
  return handlerOver(name, routeTable, operations, deps);
}

/** With a route table of its own (tests of the edge): the operations are checked at cold start only. */
export function httpFunctionOver(
  name: FunctionName,
  routeTable: readonly RouteDeclaration[],
  operations: AnyOperations,
  deps: EdgeDeps,
): HttpFunctionHandler {
  return handlerOver(name, routeTable, operations, deps);
}

function handlerOver(
  name: FunctionName,
  routeTable: readonly RouteDeclaration[],
  operations: AnyOperations,
  deps: EdgeDeps,
): HttpFunctionHandler {
  const own = new Map(routeTable.filter((r) => r.function === name).map((r) => [routeKey(r), r]));
  if (own.size === 0) throw new Error(`Function ${name}: the route table given declares none of its routes`);
  const byId = new Map<string, DefinedOperation>();
  for (const route of own.values()) {
    const operation = operations[route.id];
    // Every route parses its input with a schema: a plain function here is a programming error.
    if (!isDefinedOperation(operation)) {
      throw new Error(`Function ${name} has no operation made with defineOperation for route ${route.id}`);
    }
    byId.set(route.id, operation);
  }
  const handler = middy<EdgeEvent, APIGatewayProxyStructuredResultV2>(runOperation)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsMiddleware())
    .use(edgeMiddlewares({ own, operations: byId, routeTable, deps }));
  return Object.assign(handler, { operations: byId as ReadonlyMap<string, DefinedOperation> });
}

/** The handler: the route's use case, on the input the validation step parsed. */
async function runOperation(event: EdgeEvent): Promise<APIGatewayProxyStructuredResultV2> {
  const state = stateOf({ event });
  state.result = await found(state.invoke, 'validated operation')();
  return answer(state.result, state.requestId, state.answerHeaders);
}
