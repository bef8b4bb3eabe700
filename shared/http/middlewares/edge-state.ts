/**
 * What the edge's middlewares know about one request, and the types they share. Each
 * middleware reads what earlier steps found and adds its own finding; none reaches into
 * another's concern. The state travels on the invocation's own copy of the event (the
 * request-context step makes it), so the route's handler, which middy hands only the event,
 * sees it too, and two invocations never share one.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteDeclaration } from '../../../lib/definition';
import type { PresentedKey } from '../../identity/authenticate';
import type { CallerOrigin } from '../../security/trusted-edge';
import { toApiResult } from '../to-api-result';
import type { HttpRequest, HttpResult } from '../types';

export const EDGE: unique symbol = Symbol('edge');

export interface EdgeState {
  /** Epoch ms when the edge started on the request (the latency metric). */
  readonly started: number;
  readonly requestId: string;
  /** Request headers with lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** The route the event's `routeKey` names, if the function declares one (not yet accepted). */
  readonly declared: RouteDeclaration | undefined;
  /** The metric's route: `unmatched` until the route step accepts the request. */
  routeId: string;
  /** Set by the route step: from there on the request is known to be a declared route. */
  route?: RouteDeclaration;
  /** Set by the trusted-edge step. */
  caller?: CallerOrigin;
  /** The API key as looked up on signed-in routes; `absent` elsewhere. */
  presented: PresentedKey;
  /** Headers every answer carries (the RateLimit-* headers); the answer's own win. */
  answerHeaders: Record<string, string>;
  /** Set by body parsing; authentication adds `auth`. */
  request?: HttpRequest;
  /** Set by validation: the route's use case bound to its parsed input. */
  invoke?: () => Promise<HttpResult>;
  /** The operation's result (the audit step reads it). */
  result?: HttpResult;
}

/** The API Gateway event, carrying the edge's state once the request-context step ran. */
export type EdgeEvent = APIGatewayProxyEventV2 & { readonly [EDGE]?: EdgeState };
export type ApiResult = APIGatewayProxyStructuredResultV2;
export type EdgeRequest = Request<EdgeEvent, ApiResult, Error, Context>;
export type EdgeMiddleware = MiddlewareObj<EdgeEvent, ApiResult, Error, Context> & { readonly name: string };

/** The request's state; throws when the request-context step did not run (a wiring bug). */
export function stateOf(request: Pick<EdgeRequest, 'event'>): EdgeState {
  const state = request.event[EDGE];
  if (!state) throw new Error('The edge state is missing: requestContext() must be the first edge middleware');
  return state;
}

/** A finding of an earlier step; throws when that step did not run (a wiring bug, a 500). */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The edge has no ${what} yet: a middleware runs out of order`);
  return value;
}

/** The API Gateway answer for `result`: the answer headers under its own, never its audit note. */
export function answer(result: HttpResult, requestId: string, answerHeaders: Record<string, string> = {}): ApiResult {
  const { audit: _audit, ...visible } = result;
  const withHeaders =
    Object.keys(answerHeaders).length === 0
      ? visible
      : { ...visible, headers: { ...answerHeaders, ...visible.headers } };
  return toApiResult(withHeaders, requestId);
}
