/**
 * The CSRF check (shared/security/csrf.ts) on routes declared `csrf: true`, before the body is
 * read: 403 `CSRF_ORIGIN_MISMATCH` or `CSRF_TOKEN_INVALID`. A verified API key without cookies
 * is exempt; a made-up or revoked one is not.
 */
import { assertCsrf, csrfApplies } from '../../security/csrf';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

export function csrf(): EdgeMiddleware {
  return {
    name: 'csrf',
    before: (request) => {
      const state = stateOf(request);
      if (!found(state.route, 'route').csrf) return;
      const method = request.event.requestContext.http.method;
      const path = request.event.rawPath;
      const { cookies, headers } = state;
      if (csrfApplies({ method, path, cookies, verifiedApiKey: state.presented.status === 'verified' })) {
        assertCsrf({ method, path, headers, cookies, publicHost: found(state.caller, 'caller').publicHost });
      }
    },
  };
}
