/**
 * The plain request the operation sees, in two steps around authentication:
 * - `requestHead()` (before it): headers, cookies, the body read under the route's size limit
 *   (413 `PAYLOAD_TOO_LARGE`), not parsed;
 * - `bodyParsing()` (after it): 415 for a media type the route does not declare or a charset the
 *   API cannot read, 400 for a body not valid in its charset (`INVALID_BODY_ENCODING`) and for
 *   malformed, too deep or prototype-polluting JSON (shared/http/parse-request.ts). So a caller
 *   who is not signed in gets 401 whatever the body, and a body is only parsed for a caller the
 *   route admits. Without a head (a route that needs no sign-in step) it parses everything.
 */
import { parseRequest, parseRequestHead, withParsedBody } from '../parse-request';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

export function requestHead(): EdgeMiddleware {
  return {
    name: 'request-head',
    before: (request) => {
      const state = stateOf(request);
      state.request = parseRequestHead(request.event, found(state.route, 'route'), found(state.caller, 'caller'));
    },
  };
}

export function bodyParsing(): EdgeMiddleware {
  return {
    name: 'body-parsing',
    before: (request) => {
      const state = stateOf(request);
      state.request = state.request
        ? withParsedBody(state.request, request.event)
        : parseRequest(request.event, found(state.route, 'route'), found(state.caller, 'caller'));
    },
  };
}
