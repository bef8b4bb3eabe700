/** Requests as middy hands them to one edge middleware, for testing a middleware alone. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { RouteDeclaration } from '../../lib/definition';
import { buildEvent } from '../../lib/local/api-event';
import { type EdgeRequest, type EdgeState, stateOf } from '../../shared/http/middlewares/edge-state';
import { requestContext } from '../../shared/http/middlewares/request-context';

export const testRoute = (
  over: Partial<RouteDeclaration> & Pick<RouteDeclaration, 'id' | 'method' | 'path'>,
): RouteDeclaration => ({
  function: 'system',
  auth: 'public',
  csrf: false,
  rateTier: 'authenticated',
  summary: 'test route',
  ...over,
});

export interface EventInput {
  readonly method?: string;
  readonly path?: string;
  /** Defaults to `<method> <path>`; `$default` for a request no route matched. */
  readonly routeKey?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly pathParameters?: Record<string, string>;
  readonly sourceIp?: string;
}

export function apiEvent(input: EventInput = {}): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const path = input.path ?? '/api/things';
  return buildEvent(
    {
      method,
      url: path,
      headers: { host: 'app.example', ...input.headers },
      body: Buffer.from(input.body ?? ''),
      sourceIp: input.sourceIp ?? '198.51.100.9',
    },
    {
      routeKey: input.routeKey ?? `${method} ${path}`,
      ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    },
    'req-1',
  );
}

/**
 * A request past the request-context step (the edge state exists), with `state` overriding
 * what earlier steps would have found (`route`, `caller`, `request`...).
 */
export function edgeRequest(
  event: APIGatewayProxyEventV2,
  state: Partial<EdgeState> = {},
  own: readonly RouteDeclaration[] = [],
): EdgeRequest {
  const request: EdgeRequest = {
    event,
    context: { functionName: 'system', awsRequestId: 'aws-1' } as Context,
    response: undefined,
    error: undefined,
    internal: {},
  };
  const byKey = new Map(own.map((r) => [`${r.method} ${r.path}`, r]));
  void requestContext(byKey).before?.(request);
  Object.assign(stateOf(request), state);
  return request;
}
