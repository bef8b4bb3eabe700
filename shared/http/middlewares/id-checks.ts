/**
 * Ids from outside (path parameters, `x-workspace-id`, `?workspaceId`) are checked by shape
 * and length before anything reads a store with them: 400 `INVALID_ID` (see edge-ids.ts).
 */
import { assertWellFormedIds } from '../edge-ids';
import { type EdgeMiddleware, stateOf } from './edge-state';

export function idChecks(): EdgeMiddleware {
  return {
    name: 'id-checks',
    before: (request) => {
      const { event } = request;
      assertWellFormedIds({
        pathParams: event.pathParameters ?? {},
        headers: stateOf(request).headers,
        query: event.queryStringParameters ?? {},
      });
    },
  };
}
