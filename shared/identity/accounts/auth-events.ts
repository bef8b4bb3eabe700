/**
 * Audit entries of authentication events. They go to the user's default workspace's log
 * (the edge's generic entry only covers workspace-scoped routes) through `recordAudit`,
 * which never fails the request.
 */
import { recordAudit } from '../audit';
import type { User } from '../model';
import type { AuditSink } from '../ports';
import type { RequestOrigin } from './ports';

export type AuthEventType =
  | 'auth.signup'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.password_reset'
  | 'auth.email_verified'
  | 'auth.session_revoked'
  | 'auth.device_forgotten';

export function recordAuthEvent(
  sink: AuditSink,
  event: {
    type: AuthEventType;
    action: string;
    user: User;
    origin: RequestOrigin;
    resource?: { type: string; id: string };
    metadata?: Record<string, unknown>;
  },
  now: Date,
): Promise<void> {
  return recordAudit(
    sink,
    {
      workspaceId: event.user.defaultWorkspaceId,
      eventType: event.type,
      eventAction: event.action,
      actorType: 'user',
      actorId: event.user.userId,
      actorEmail: event.user.email,
      resourceType: event.resource?.type ?? 'user',
      resourceId: event.resource?.id ?? event.user.userId,
      ip: event.origin.ip,
      userAgent: event.origin.userAgent,
      ...(event.metadata ? { metadata: event.metadata } : {}),
    },
    now,
  );
}
