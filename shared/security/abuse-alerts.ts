/**
 * Raises a security alert when one client keeps hitting the rate limits: the refusals of a
 * client are counted in 5-minute windows and the alert is written once, when the count
 * crosses the threshold, so an attack produces one alert per window, not one per request.
 */
import type { CounterStore } from '../rate-limit/rate-limiter';

export const ABUSE_WINDOW_SECONDS = 300;
export const ABUSE_THRESHOLD = 50;

export interface SecurityAlert {
  readonly id: string;
  readonly alertType: 'rate_limit_exceeded' | 'auth_anomaly' | 'webhook_failure' | 'new_device' | 'email_reputation';
  readonly severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  readonly title: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Absent for alerts that concern no single workspace (e.g. an anonymous flood). */
  readonly workspaceId?: string;
  readonly createdAt: string;
}

export interface SecurityAlertSink {
  raise(alert: SecurityAlert): Promise<void>;
}

export async function recordRateLimitRefusal(
  refusal: { client: string; rule: string; nowMs: number; newId: () => string },
  deps: { counters: CounterStore; alerts: SecurityAlertSink },
): Promise<boolean> {
  const windowStart = Math.floor(refusal.nowMs / 1000 / ABUSE_WINDOW_SECONDS) * ABUSE_WINDOW_SECONDS;
  const count = await deps.counters.incrementBelow(
    `ABUSE#${refusal.client}#${windowStart}`,
    Number.MAX_SAFE_INTEGER,
    windowStart + ABUSE_WINDOW_SECONDS + 60,
  );
  if (count !== ABUSE_THRESHOLD) return false;
  await deps.alerts.raise({
    id: refusal.newId(),
    alertType: 'rate_limit_exceeded',
    severity: 'medium',
    title: `A client was refused ${ABUSE_THRESHOLD} times within ${ABUSE_WINDOW_SECONDS / 60} minutes`,
    metadata: { client: refusal.client, rule: refusal.rule, windowStart: new Date(windowStart * 1000).toISOString() },
    createdAt: new Date(refusal.nowMs).toISOString(),
  });
  return true;
}
