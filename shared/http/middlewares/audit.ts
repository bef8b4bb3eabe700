/**
 * Every successful state-changing request in a workspace leaves an audit entry. Routes
 * outside a workspace (sign-up, log-in...) write their own, richer auth events. A failed
 * write is logged and counted, never fails the request (shared/identity/audit.ts).
 *
 * A route may write its entry in the same transaction as its change instead
 * ({@link auditWithChange}); the edge then writes none.
 */
import { auditInWrite, recordAudit } from '../../identity/audit';
import { actorOf } from '../../identity/auth-context';
import type { AuditEntry, AuditInWrite, AuditSink } from '../../identity/ports';
import { STATE_CHANGING } from '../../security/csrf';
import type { HttpRequest, HttpResult } from '../types';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

/** The entry of a request in a workspace, naming what its result says (else the route's resource and last path id). */
export function requestAuditEntry(request: HttpRequest, audit: HttpResult['audit']): AuditEntry | undefined {
  const { auth, method, pathParams, clientAddress, userAgent, route } = request;
  const workspace = auth?.workspace;
  if (!workspace) return undefined;
  const resourceId = audit?.resourceId ?? Object.values(pathParams).at(-1);
  return {
    workspaceId: workspace.workspaceId,
    eventType: route.id,
    eventAction: method,
    ...actorOf(auth),
    resourceType: audit?.resourceType ?? route.id.split('.')[0],
    ...(resourceId ? { resourceId } : {}),
    ip: clientAddress,
    userAgent,
    ...(audit?.metadata ? { metadata: audit.metadata } : {}),
  };
}

/**
 * The request's entry, to be written with the change it records: `details` completes it from
 * the change's subject. Return `audit: { ...details, inWrite: slot.written }` from the operation.
 */
export function auditWithChange<S>(
  request: HttpRequest,
  details: (subject: S) => NonNullable<HttpResult['audit']>,
): AuditInWrite<S> | undefined {
  if (!request.auth?.workspace || !STATE_CHANGING.has(request.method)) return undefined;
  return auditInWrite((subject: S) => requestAuditEntry(request, details(subject)) as AuditEntry);
}

export function audit(sink: AuditSink): EdgeMiddleware {
  return {
    name: 'audit',
    after: async (request) => {
      const state = stateOf(request);
      const result = found(state.result, 'result');
      const req = found(state.request, 'request');
      if (!STATE_CHANGING.has(req.method) || result.status >= 400 || result.audit?.inWrite) return;
      const entry = requestAuditEntry(req, result.audit);
      if (entry) await recordAudit(sink, entry);
    },
  };
}
