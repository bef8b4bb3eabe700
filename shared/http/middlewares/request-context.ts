/**
 * The first edge middleware: it gives the request its state (request id as the logs'
 * correlation id, lower-cased headers, cookies, the route its `routeKey` names) and, once the
 * answer is out, records it: `Latency` and the status-class count, with the route id.
 */
import type { RouteDeclaration } from '../../../lib/definition';
import { recordHttpRequest } from '../../observability/http-metrics';
import { logger } from '../../observability/logger';
import { lowerCaseHeaders, parseCookies } from '../parse-request';
import { EDGE, type EdgeMiddleware, type EdgeRequest } from './edge-state';

/** @param own the function's routes by route key (`GET /api/health`). */
export function requestContext(own: ReadonlyMap<string, RouteDeclaration>): EdgeMiddleware {
  const record = (request: EdgeRequest): void => {
    const state = request.event[EDGE];
    if (!state || !request.response) return;
    recordHttpRequest({
      routeId: state.routeId,
      status: request.response.statusCode ?? 200,
      latencyMs: Date.now() - state.started,
    });
  };
  return {
    name: 'request-context',
    before: (request) => {
      const { event } = request;
      const requestId = event.requestContext.requestId;
      logger.setCorrelationId(requestId);
      // A copy per invocation: the caller's event stays untouched, and concurrent calls with
      // one event object (tests, a local host) never share a state.
      request.event = {
        ...event,
        [EDGE]: {
          started: Date.now(),
          requestId,
          headers: lowerCaseHeaders(event.headers),
          cookies: parseCookies(event.cookies ?? []),
          declared: own.get(event.routeKey),
          routeId: 'unmatched',
          presented: { status: 'absent' },
          answerHeaders: {},
        },
      };
    },
    after: record,
    onError: record,
  };
}
