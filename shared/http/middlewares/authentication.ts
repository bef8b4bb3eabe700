/**
 * On routes declared `auth: 'user'`: the credential (401), then on workspace routes (a permission,
 * or `anyMember`) the membership (404) and the permission (403), in shared/identity/authenticate.ts; on
 * routes that hand out access or send mail, a verified email address (403 `EMAIL_NOT_VERIFIED`).
 * The request then carries `auth`, and the logs the workspace id.
 */
import { type AuthDeps, authenticate } from '../../identity/authenticate';
import { logger } from '../../observability/logger';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

export function authentication(deps: AuthDeps): EdgeMiddleware {
  return {
    name: 'authentication',
    before: async (request) => {
      const state = stateOf(request);
      const route = found(state.route, 'route');
      if (route.auth !== 'user') return;
      const parsed = found(state.request, 'request');
      const auth = await authenticate(
        {
          ...parsed,
          cookies: state.cookies,
          ...(route.permission ? { permission: route.permission } : {}),
          ...(route.anyMember ? { anyMember: true } : {}),
          ...(route.handsOutAccess ? { handsOutAccess: true } : {}),
          ...(route.sessionOnly ? { sessionOnly: true } : {}),
          ...(route.sendsMail ? { sendsMail: true } : {}),
        },
        deps,
        state.presented,
      );
      state.request = { ...parsed, auth };
      if (auth.workspace) logger.appendKeys({ workspaceId: auth.workspace.workspaceId });
    },
  };
}
