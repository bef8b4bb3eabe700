// Review round 21: this test failed at c5f6923.
/**
 * The canary of a queue consumer cannot roll back a version that fails every message.
 *
 * A consumer reports failed records in `batchItemFailures` and never throws, even when the whole
 * batch fails (shared/queue/queue-function.ts, `throwOnFullBatchFailure: false`), so its Lambda
 * `Errors` metric stays at 0 and the canary's error alarm never sees a failed message. The only
 * other rollback alarm that reflects failed messages is the DLQ depth, and a message reaches the
 * DLQ only after `maxReceiveCount` receives, one visibility timeout apart: 12 minutes and more for
 * every queue, while CodeDeploy watches the alarms for the 5 minutes of
 * `LambdaCanary10Percent5Minutes` only. Meanwhile what the new version (10%) fails is retried by
 * the old one (90%) and succeeds. A consumer version that fails all its messages therefore
 * shifts to 100% without a rollback; the dead letters arrive after the deployment succeeded.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { queues } from '../../lib/definition';
import { logger } from '../../shared/observability/logger';
import { queueFunction } from '../../shared/queue/queue-function';
import { resourcesOfType, synthesize } from './synth';

const { appTemplate: app } = synthesize('dev');
interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  Properties: Record<string, any>;
  UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: { DeploymentGroupName?: { Ref?: string } } };
}
const resources = app.toJSON().Resources as Record<string, CfnResource>;

/** How long CodeDeploy watches the rollback alarms of `CodeDeployDefault.LambdaCanary10Percent5Minutes`. */
const CANARY_WINDOW_SECONDS = 5 * 60;

const record = (messageId: string) => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: '{"n":1}',
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

/** Whether a consumer invocation in which every message fails shows up in the Lambda Errors metric. */
async function wholeBatchFailureIsALambdaError(): Promise<boolean> {
  logger.setLogLevel('SILENT');
  const handler = queueFunction(z.object({ n: z.number() }), async () => {
    throw new Error('this version fails every message');
  });
  const event = { Records: [record('a'), record('b'), record('c')] } as SQSEvent;
  const context = { functionName: 'test', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 } as Context;
  return handler(event, context).then(
    () => false,
    () => true,
  );
}

describe('canary of a queue consumer', () => {
  it('has a rollback alarm that can see failed messages of the new version within the canary window', async () => {
    const errorsSeeFailures = await wholeBatchFailureIsALambdaError();
    const dlqAlarmOf = new Map(
      queues.map((q) => [
        resourcesOfType(app, 'AWS::CloudWatch::Alarm').find(([id]) =>
          id.startsWith(`${q.name.replaceAll('-', '')}dlqdepth`),
        )?.[0],
        q,
      ]),
    );

    const blind: string[] = [];
    for (const q of queues) {
      const fnId = q.consumer.replaceAll('-', '');
      const group = resourcesOfType(app, 'AWS::CodeDeploy::DeploymentGroup').find(([id]) =>
        id.startsWith(`${fnId}ReleaseDeployment`),
      );
      expect(group, `deployment group of ${q.consumer}`).toBeDefined();
      const config = group?.[1].Properties?.AlarmConfiguration as { Alarms?: { Name: { Ref: string } }[] } | undefined;
      const alarmIds = (config?.Alarms ?? []).map((a) => a.Name.Ref);
      const timely = alarmIds.filter((alarmId) => {
        const alarm = resources[alarmId]?.Properties ?? {};
        if (alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Duration') return false; // latency, not failures
        if (alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Errors') return errorsSeeFailures;
        const dlq = dlqAlarmOf.get(alarmId);
        if (dlq) {
          // Earliest a message failed on its first receive can be in the DLQ, plus one alarm period.
          const earliest = (dlq.maxReceiveCount - 1) * dlq.visibilityTimeoutSeconds + Number(alarm.Period ?? 60);
          return earliest <= CANARY_WINDOW_SECONDS;
        }
        return true; // any other alarm: given the benefit of the doubt
      });
      if (timely.length === 0) blind.push(`${q.consumer} (consumes ${q.name})`);
    }
    expect(
      blind,
      `consumers whose canary no alarm can roll back when the new version fails every message (Lambda Errors sees failed messages: ${errorsSeeFailures})`,
    ).toEqual([]);
  });
});
