/**
 * The first refusal: behind CloudFront, a request without the origin secret is refused (403
 * `ORIGIN_NOT_VERIFIED`) before anything is read or counted; otherwise it names the caller's
 * address and the public host the other steps use. The accepted values are read per request
 * from a cached source (shared/adapters/origin-secrets.ts: one Secrets Manager read per five
 * minutes per instance); when it has none at all, the request is answered 503
 * `ORIGIN_CHECK_UNAVAILABLE`, never let through unchecked.
 */
import { type EdgeSettings, resolveCaller } from '../../security/trusted-edge';
import { type EdgeMiddleware, stateOf } from './edge-state';

export function trustedEdge(settings: EdgeSettings): EdgeMiddleware {
  return {
    name: 'trusted-edge',
    before: async (request) => {
      const state = stateOf(request);
      const accepted = settings.originSecrets ? await settings.originSecrets() : undefined;
      state.caller = resolveCaller(state.headers, request.event.requestContext.http.sourceIp, {
        ...settings,
        accepted,
      });
    },
  };
}
