/**
 * Every successful state-changing request in a workspace leaves an audit entry. Routes
 * outside a workspace (sign-up, log-in...) write their own, richer auth events. A failed
 * write is logged and counted, never fails the request (shared/identity/audit.ts).
 */
import { recordAudit } from '../../identity/audit';
import { actorOf } from '../../identity/auth-context';
import type { AuditSink } from '../../identity/ports';
import { STATE_CHANGING } from '../../security/csrf';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

export function audit(sink: AuditSink): EdgeMiddleware {
  return {
    name: 'audit',
    after: async (request) => {
      const state = stateOf(request);
      const route = found(state.route, 'route');
      const { auth, method, pathParams, clientAddress, userAgent } = found(state.request, 'request');
      const result = found(state.result, 'result');
      const workspace = auth?.workspace;
      if (!workspace || !STATE_CHANGING.has(method) || result.status >= 400) return;
      const resourceId = result.audit?.resourceId ?? Object.values(pathParams).at(-1);
      await recordAudit(sink, {
        workspaceId: workspace.workspaceId,
        eventType: route.id,
        eventAction: method,
        ...actorOf(auth),
        resourceType: result.audit?.resourceType ?? route.id.split('.')[0],
        ...(resourceId ? { resourceId } : {}),
        ip: clientAddress,
        userAgent,
        ...(result.audit?.metadata ? { metadata: result.audit.metadata } : {}),
      });
    },
  };
}
