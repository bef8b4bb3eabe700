/**
 * The health use case. Shallow by default (is this process able to answer?); deep runs
 * every dependency probe in parallel with its own timeout and reports per-check latency.
 * A failing critical dependency makes the service unhealthy (503); a failing
 * non-critical one leaves it degraded (still 200, so load balancers keep routing).
 */

export interface Probe {
  readonly name: string;
  /** Without it the service cannot do its core work. */
  readonly critical: boolean;
  readonly run: () => Promise<void>;
}

export interface CheckResult {
  status: 'ok' | 'error';
  latencyMs: number;
  message?: string;
}

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  uptime: number;
  environment: string;
  version: string;
  checks: Record<string, CheckResult>;
}

export interface HealthContext {
  readonly environment: string;
  readonly version: string;
  readonly startedAt: number;
  readonly now: () => number;
  readonly timeoutMs: number;
}

/** Runs the probes (none for a shallow check) and summarises them. */
export async function checkHealth(probes: readonly Probe[], ctx: HealthContext): Promise<HealthReport> {
  const results = await Promise.all(probes.map((probe) => runProbe(probe, ctx)));
  const checks: Record<string, CheckResult> = {};
  let status: HealthReport['status'] = 'healthy';
  probes.forEach((probe, i) => {
    const result = results[i] as CheckResult;
    checks[probe.name] = result;
    if (result.status === 'error') status = probe.critical ? 'unhealthy' : status === 'healthy' ? 'degraded' : status;
  });
  const now = ctx.now();
  return {
    status,
    timestamp: new Date(now).toISOString(),
    uptime: Math.round((now - ctx.startedAt) / 1000),
    environment: ctx.environment,
    version: ctx.version,
    checks,
  };
}

async function runProbe(probe: Probe, ctx: HealthContext): Promise<CheckResult> {
  const started = ctx.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ctx.timeoutMs} ms`)), ctx.timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: ctx.now() - started };
  } catch (error) {
    // The probe's own message names only the dependency's failure mode, never credentials.
    const message = error instanceof Error && error.message.includes('timed out') ? error.message : 'unreachable';
    return { status: 'error', latencyMs: ctx.now() - started, message };
  } finally {
    clearTimeout(timer);
  }
}
