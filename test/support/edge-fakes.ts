/** In-memory stand-ins for the HTTP edge's ports, for unit tests of the edge. */
import type { EdgeDeps } from '../../shared/http/edge-deps';
import type { CounterStore } from '../../shared/rate-limit/rate-limiter';
import type { SecurityAlert, SecurityAlertSink } from '../../shared/security/abuse-alerts';

export class MemoryCounters implements CounterStore {
  readonly counts = new Map<string, number>();
  failing = false;
  async incrementBelow(key: string, limit: number): Promise<number | undefined> {
    if (this.failing) throw new Error('store down');
    const current = this.counts.get(key) ?? 0;
    if (current >= limit) return undefined;
    this.counts.set(key, current + 1);
    return current + 1;
  }
}

export class MemoryAlerts implements SecurityAlertSink {
  readonly raised: SecurityAlert[] = [];
  async raise(alert: SecurityAlert): Promise<void> {
    this.raised.push(alert);
  }
}

export function fakeEdge(overrides: Partial<EdgeDeps['settings']> = {}, now = () => 1_700_000_000_000) {
  const counters = new MemoryCounters();
  const alerts = new MemoryAlerts();
  const deps: EdgeDeps = {
    counters,
    alerts,
    settings: { rateLimits: true, secureCookies: false, ...overrides },
    now,
  };
  return { deps, counters, alerts };
}
