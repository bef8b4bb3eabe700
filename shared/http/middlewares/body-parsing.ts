/**
 * The plain request the operation sees, with its body read under the route's size limit and
 * parsed: 413 `PAYLOAD_TOO_LARGE`, 415 for a media type other than JSON or CSV/text, 400 for
 * malformed, too deep or prototype-polluting JSON (shared/http/parse-request.ts).
 */
import { parseRequest } from '../parse-request';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

export function bodyParsing(): EdgeMiddleware {
  return {
    name: 'body-parsing',
    before: (request) => {
      const state = stateOf(request);
      state.request = parseRequest(request.event, found(state.route, 'route'), found(state.caller, 'caller'));
    },
  };
}
