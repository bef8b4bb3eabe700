import { describe, expect, it } from 'vitest';
import { checkHealth, type Probe } from '../../../shared/health/health-check';

let clock = 1_000_000;
const ctx = { environment: 'test', version: '1.2.3', startedAt: 940_000, now: () => clock, timeoutMs: 50 };
const ok = (name: string, critical = true): Probe => ({ name, critical, run: async () => undefined });
const failing = (name: string, critical: boolean): Probe => ({
  name,
  critical,
  run: async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.1:443 with key AKIA...');
  },
});

describe('checkHealth', () => {
  it('is healthy with no probes and reports uptime, version and environment', async () => {
    clock = 1_000_000;
    const report = await checkHealth([], ctx);
    expect(report).toMatchObject({ status: 'healthy', uptime: 60, environment: 'test', version: '1.2.3', checks: {} });
    expect(new Date(report.timestamp).getTime()).toBe(1_000_000);
  });
  it('is degraded when a non-critical probe fails and unhealthy when a critical one does', async () => {
    expect((await checkHealth([ok('dynamodb'), failing('ses', false)], ctx)).status).toBe('degraded');
    expect((await checkHealth([failing('dynamodb', true), failing('ses', false)], ctx)).status).toBe('unhealthy');
  });
  it('never repeats the dependency error text to the caller', async () => {
    const report = await checkHealth([failing('sqs', true)], ctx);
    expect(report.checks.sqs).toMatchObject({ status: 'error', message: 'unreachable' });
  });
  it('times a hanging probe out', async () => {
    const hang: Probe = { name: 'slow', critical: true, run: () => new Promise(() => undefined) };
    const report = await checkHealth([hang], { ...ctx, now: Date.now });
    expect(report.checks.slow).toMatchObject({ status: 'error', message: 'timed out after 50 ms' });
  });
});
