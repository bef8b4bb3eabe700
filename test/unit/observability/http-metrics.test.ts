import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  metricsMiddleware,
  recordAuditWriteFailure,
  recordCsrfRejected,
  recordHttpRequest,
  recordRateLimited,
  statusClass,
} from '../../../shared/observability/http-metrics';

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** A private instance, so the test reads exactly what the helpers recorded. */
function newMetrics(): Metrics {
  return new Metrics({ namespace: 'Test', serviceName: 'svc', defaultDimensions: { stage: 'test' } });
}

const definitions = (emf: Emf) => emf._aws.CloudWatchMetrics[0]?.Metrics ?? [];

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('statusClass', () => {
  it.each([
    [200, 'Http2xx'],
    [204, 'Http2xx'],
    [301, 'Http3xx'],
    [404, 'Http4xx'],
    [429, 'Http4xx'],
    [500, 'Http5xx'],
    [503, 'Http5xx'],
    [0, 'Http5xx'],
    [700, 'Http5xx'],
  ])('%i is %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });
});

describe('recordHttpRequest', () => {
  it('emits Latency in milliseconds and one count for the status class, routeId as metadata only', () => {
    const metrics = newMetrics();

    recordHttpRequest({ routeId: 'contacts.list', status: 404, latencyMs: 37 }, metrics);

    const emf = metrics.serializeMetrics() as unknown as Emf;
    expect(definitions(emf)).toEqual(
      expect.arrayContaining([
        { Name: 'Latency', Unit: 'Milliseconds' },
        { Name: 'Http4xx', Unit: 'Count' },
      ]),
    );
    expect(definitions(emf).map((m) => m.Name)).not.toContain('Http2xx');
    expect(emf).toMatchObject({ Latency: 37, Http4xx: 1, routeId: 'contacts.list', service: 'svc', stage: 'test' });
    // Cardinality: the route is metadata, never a dimension.
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stage']]);
  });
});

describe('security and audit counters', () => {
  it.each([
    ['RateLimitHits', (m: Metrics) => recordRateLimited('anonymous', m), { rateTier: 'anonymous' }],
    [
      'CsrfRejections',
      (m: Metrics) => recordCsrfRejected('CSRF_TOKEN_MISMATCH', m),
      { csrfCode: 'CSRF_TOKEN_MISMATCH' },
    ],
    ['AuditWriteFailures', (m: Metrics) => recordAuditWriteFailure(m), {}],
  ])('%s is a Count of 1', (name, record, metadata) => {
    const metrics = newMetrics();

    record(metrics);

    const emf = metrics.serializeMetrics() as unknown as Emf;
    expect(definitions(emf)).toEqual([{ Name: name, Unit: 'Count' }]);
    expect(emf).toMatchObject({ [name]: 1, ...metadata });
  });
});

describe('metricsMiddleware', () => {
  it('prints the recorded metrics and a ColdStart metric as EMF on stdout after the invocation', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    // Set by Lambda; Powertools reports no cold start for provisioned or unknown initialisation.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const metrics = newMetrics();
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    const handler = middy(async () => {
      recordHttpRequest({ routeId: 'health.get', status: 200, latencyMs: 5 }, metrics);
      return 'ok';
    }).use(metricsMiddleware(metrics));

    await handler({}, { functionName: 'unite-hub-system' } as Context);

    const emf = written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Emf);
    const names = emf.flatMap((e) => definitions(e).map((m) => m.Name));
    expect(names).toEqual(expect.arrayContaining(['ColdStart', 'Latency', 'Http2xx']));
    expect(emf.find((e) => 'ColdStart' in e)).toMatchObject({ function_name: 'unite-hub-system', ColdStart: 1 });
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
