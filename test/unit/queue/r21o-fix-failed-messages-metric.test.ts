/**
 * Review round 21 (operations, HIGH): a consumer returns normally when its messages fail, so
 * Lambda's `Errors` never counts them and the canary could not roll back a version that fails
 * every message. queueFunction now counts each batch's failed records as `MessagesFailed`, with
 * the function and the version that ran them as dimensions (the canary's alarm reads the new
 * version's: lib/cdk/failed-message-alarms.ts). These tests read the EMF line the shared
 * Powertools instance prints, as CloudWatch would.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { logger, metrics } from '../../../shared/observability/logger';
import {
  QUEUE_METRIC_DIMENSIONS,
  QUEUE_METRICS,
  recordMessagesFailed,
} from '../../../shared/observability/queue-metrics';
import { queueFunction } from '../../../shared/queue/queue-function';

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
  awsRegion: 'us-east-1',
});
const context = {
  functionName: 'unite-hub-dev-drip-step-worker',
  functionVersion: '42',
  awsRequestId: 'r',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** The EMF lines printed while `run` runs (metrics enabled, as in Lambda). */
async function emfOf(run: () => Promise<unknown>): Promise<Emf[]> {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  await run();
  vi.restoreAllMocks();
  return written
    .flatMap((w) => w.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Emf);
}

const failedLines = (emf: Emf[]) =>
  emf.filter((e) => e._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === QUEUE_METRICS.messagesFailed));

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('queueFunction counts failed messages by function and executed version', () => {
  logger.setLogLevel('SILENT');
  const handler = queueFunction(z.object({ n: z.number() }), async (m) => {
    if (m.n < 0) throw new Error('negative');
  });

  it('one MessagesFailed per batch with failures: the count, the function and the version that ran', async () => {
    const event: SQSEvent = {
      Records: [record('ok', '{"n":1}'), record('throws', '{"n":-1}'), record('not-json', 'nope')],
    };
    let failures: string[] = [];
    const lines = failedLines(
      await emfOf(async () => {
        failures = (await handler(event, context)).batchItemFailures.map((f) => f.itemIdentifier);
      }),
    );
    expect(failures.sort()).toEqual(['not-json', 'throws']);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'UniteHub',
      Metrics: [{ Name: 'MessagesFailed', Unit: 'Count' }],
    });
    // One dimension set: the default ones and the two of this metric, which the alarm names exactly.
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      expect.arrayContaining(['service', 'stage', 'function_name', 'executed_version']),
    ]);
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toHaveLength(4);
    expect(line).toMatchObject({
      MessagesFailed: 2,
      [QUEUE_METRIC_DIMENSIONS.functionName]: 'unite-hub-dev-drip-step-worker',
      [QUEUE_METRIC_DIMENSIONS.executedVersion]: '42',
    });
  });

  it('a batch whose every message fails still returns (Lambda Errors stays 0) and counts them all', async () => {
    const event: SQSEvent = { Records: [record('a', '{"n":-1}'), record('b', '{"n":-2}'), record('c', 'x')] };
    let failed = 0;
    const lines = failedLines(
      await emfOf(async () => {
        failed = (await handler(event, context)).batchItemFailures.length;
      }),
    );
    expect(failed).toBe(3);
    expect(lines.map((l) => l.MessagesFailed)).toEqual([3]);
  });

  it('writes nothing for a batch without a failure', async () => {
    const event: SQSEvent = { Records: [record('ok', '{"n":1}')] };
    expect(failedLines(await emfOf(() => handler(event, context)))).toEqual([]);
  });

  it('a metric that cannot be written does not fail the batch: its response stands', async () => {
    vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
      throw new Error('EMF broken');
    });
    const event: SQSEvent = { Records: [record('ok', '{"n":1}'), record('throws', '{"n":-1}')] };
    const response = await handler(event, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'throws' }]);
  });
});

describe('recordMessagesFailed', () => {
  const fake = () => {
    const calls: { dimensions: Record<string, string>; metric?: [string, string, number] } = { dimensions: {} };
    const single = {
      addDimension: (name: string, value: string) => {
        calls.dimensions[name] = value;
        return single;
      },
      addMetric: (name: string, unit: string, value: number) => {
        calls.metric = [name, unit, value];
      },
    };
    const target = { singleMetric: vi.fn(() => single) };
    return {
      calls,
      target: target as unknown as Parameters<typeof recordMessagesFailed>[2],
      singleMetric: target.singleMetric,
    };
  };

  it('writes nothing for 0', () => {
    const { target, singleMetric } = fake();
    recordMessagesFailed(0, context, target);
    expect(singleMetric).not.toHaveBeenCalled();
  });

  it("names a context without a version (a test's) `$LATEST`, as Lambda names unpublished code", () => {
    const { calls, target } = fake();
    recordMessagesFailed(1, { functionName: 'f' }, target);
    expect(calls).toEqual({
      dimensions: { function_name: 'f', executed_version: '$LATEST' },
      metric: ['MessagesFailed', 'Count', 1],
    });
  });
});
