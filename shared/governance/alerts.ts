/**
 * Security alerts of a workspace: raised by the edge (append-only), listed, acknowledged
 * and resolved here. An alert is only ever found within the caller's workspace, so the
 * id of another workspace's alert answers 404 like an unknown one.
 */
import { NotFoundError } from '../errors';
import type { AlertRecord, AlertSeverity, AlertStatus, AlertStore, Caller } from './ports';

export interface AlertDeps {
  readonly alerts: AlertStore;
  readonly now: () => Date;
}

/** Where an alert is in its handling, from its stored stamps. */
export const alertStatus = (alert: { resolved?: unknown; acknowledgedAt?: unknown }): AlertStatus =>
  alert.resolved === true ? 'resolved' : alert.acknowledgedAt ? 'acknowledged' : 'open';

export async function listAlerts(
  caller: Caller,
  input: { status?: AlertStatus; severity?: AlertSeverity; limit: number; cursor?: string },
  deps: Pick<AlertDeps, 'alerts'>,
): Promise<{ alerts: AlertRecord[]; nextCursor?: string }> {
  const { items, nextCursor } = await deps.alerts.list({ ...input, workspaceId: caller.workspaceId });
  const alerts = [...items];
  return nextCursor ? { alerts, nextCursor } : { alerts };
}

/** @throws NotFoundError `ALERT_NOT_FOUND` when the caller's workspace has no alert `alertId`. */
export function acknowledgeAlert(caller: Caller, alertId: string, deps: AlertDeps): Promise<AlertRecord> {
  return handle(caller, alertId, 'acknowledge', deps);
}

/** Resolving a resolved alert changes nothing and answers the alert again. */
export function resolveAlert(caller: Caller, alertId: string, deps: AlertDeps): Promise<AlertRecord> {
  return handle(caller, alertId, 'resolve', deps);
}

async function handle(
  caller: Caller,
  alertId: string,
  action: 'acknowledge' | 'resolve',
  deps: AlertDeps,
): Promise<AlertRecord> {
  const alert = await deps.alerts[action](caller.workspaceId, alertId, caller.userId, deps.now().toISOString());
  if (!alert) throw new NotFoundError('No such alert', 'ALERT_NOT_FOUND');
  return alert;
}
