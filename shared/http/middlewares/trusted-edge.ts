/**
 * The first refusal: behind CloudFront, a request without the origin secret is refused (403
 * `ORIGIN_NOT_VERIFIED`) before anything is read or counted; otherwise it names the caller's
 * address and the public host the other steps use.
 */
import { type EdgeSettings, resolveCaller } from '../../security/trusted-edge';
import { type EdgeMiddleware, stateOf } from './edge-state';

export function trustedEdge(settings: EdgeSettings): EdgeMiddleware {
  return {
    name: 'trusted-edge',
    before: (request) => {
      const state = stateOf(request);
      state.caller = resolveCaller(state.headers, request.event.requestContext.http.sourceIp, settings);
    },
  };
}
