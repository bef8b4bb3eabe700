/**
 * Review round 21 (operations): the classes behind the reviewer's two canary tests, and the
 * counters of lost data and failed controls that no alarm watched.
 * - Every queue consumer's deployment group rolls back on `MessagesFailed` of its new version,
 *   over one minute, with the dimensions the consumer writes (shared/observability/queue-metrics.ts);
 *   no other function gets that alarm.
 * - No rollback alarm of any deployment group reads an alias-wide Lambda metric (without
 *   ExecutedVersion), and no description says `:live:live`.
 * - `DomainEventsLost`, `AuditWriteFailures`, `OriginSecretReadFailures` each have an alarm with the
 *   names the code emits and the dimensions every application metric has, notified on the alarm
 *   topic, described with its runbook, which covers it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CANARY_RUNBOOK } from '../../lib/cdk/canary-release';
import { LOSS_ALARM_RUNBOOK, LOSS_COUNTERS } from '../../lib/cdk/loss-alarms';
import { fromRoot } from '../../lib/cdk/repo-paths';
import { functions, queues } from '../../lib/definition';
import { FALLBACK_EVENT_METRICS } from '../../shared/adapters/fallback-events';
import { HTTP_METRICS } from '../../shared/observability/http-metrics';
import { QUEUE_METRIC_DIMENSIONS, QUEUE_METRICS, recordMessagesFailed } from '../../shared/observability/queue-metrics';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const { appTemplate: app } = synthesize('dev');
interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  Properties: Record<string, any>;
  UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: { DeploymentGroupName?: { Ref?: string } } };
}
type Dimension = { Name: string; Value: unknown };
const resources = app.toJSON().Resources as Record<string, CfnResource>;
const prefix = (name: string) => name.replaceAll('-', '');
const dims = (alarm: CfnResource) =>
  Object.fromEntries(((alarm.Properties.Dimensions ?? []) as Dimension[]).map((d) => [d.Name, d.Value]));

/** Each function's deployment group: its rollback alarms, its alias's new version, its function's logical id. */
const releaseOf = (fnName: string) => {
  const [groupId, group] =
    resourcesOfType(app, 'AWS::CodeDeploy::DeploymentGroup').find(([id]) =>
      id.startsWith(`${prefix(fnName)}ReleaseDeployment`),
    ) ?? [];
  const alarmIds = (
    (group?.Properties?.AlarmConfiguration as { Alarms?: { Name: { Ref: string } }[] })?.Alarms ?? []
  ).map((a) => a.Name.Ref);
  const alias = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Alias' &&
      r.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName?.Ref === groupId,
  );
  return {
    alarms: alarmIds.map((id) => [id, resources[id] as CfnResource] as const),
    newVersion: alias?.Properties.FunctionVersion,
    functionRef: { Ref: logicalIdAt(app, 'AWS::Lambda::Function', `${prefix(fnName)}Function`) },
  };
};

describe('the canary of a queue consumer', () => {
  const consumers = new Set(queues.map((q) => q.consumer));
  const failedMessagesAlarms = (fnName: string) =>
    releaseOf(fnName).alarms.filter(([, a]) => a.Properties.MetricName === QUEUE_METRICS.messagesFailed);

  it.each([...consumers])('%s rolls back on the failed messages of its new version, per minute', (consumer) => {
    const { newVersion, functionRef } = releaseOf(consumer);
    const found = failedMessagesAlarms(consumer);
    expect(found).toHaveLength(1);
    const [, alarm] = found[0] ?? [];
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'UniteHub',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(dims(alarm as CfnResource)).toEqual({
      service: 'unite-hub',
      stage: 'dev',
      [QUEUE_METRIC_DIMENSIONS.functionName]: functionRef,
      [QUEUE_METRIC_DIMENSIONS.executedVersion]: newVersion,
    });
    expect(JSON.stringify(alarm?.Properties.AlarmDescription)).toContain(CANARY_RUNBOOK);
    expect(readFileSync(fromRoot(CANARY_RUNBOOK), 'utf8')).toContain('FailedMessages');
  });

  it('reads the dimensions the consumer writes, by the same names', () => {
    const written: string[] = [];
    const single = {
      addDimension: (name: string) => {
        written.push(name);
        return single;
      },
      addMetric: (name: string) => written.push(name),
    };
    recordMessagesFailed(1, { functionName: 'f', functionVersion: '1' }, { singleMetric: () => single } as never);
    const [, alarm] = failedMessagesAlarms(queues[0]?.consumer ?? '')[0] ?? [];
    // service and stage: Powertools' and the logger's default dimensions.
    expect(['service', 'stage', ...written.slice(0, -1)].sort()).toEqual(
      Object.keys(dims(alarm as CfnResource)).sort(),
    );
    expect(written.at(-1)).toBe(alarm?.Properties.MetricName);
  });

  it('is the only kind of function with that alarm', () => {
    const others = functions.filter((fn) => !consumers.has(fn.name) && failedMessagesAlarms(fn.name).length > 0);
    expect(others.map((fn) => fn.name)).toEqual([]);
  });
});

describe('rollback alarms of every function', () => {
  it('read no alias-wide Lambda metric: each has the ExecutedVersion of the version shifted to', () => {
    const wide = functions.flatMap((fn) => {
      const { alarms, newVersion } = releaseOf(fn.name);
      return alarms
        .filter(([, a]) => a.Properties.Namespace === 'AWS/Lambda')
        .filter(([, a]) => JSON.stringify(dims(a).ExecutedVersion) !== JSON.stringify(newVersion))
        .map(([id]) => id);
    });
    expect(wide).toEqual([]);
  });

  it('are described by `fn:live`, never `fn:live:live`', () => {
    const descriptions = resourcesOfType(app, 'AWS::CloudWatch::Alarm').map(([, a]) =>
      JSON.stringify(a.Properties?.AlarmDescription ?? ''),
    );
    expect(descriptions.filter((d) => d.includes(':live:live'))).toEqual([]);
    expect(descriptions.filter((d) => d.includes(':live (new version)')).length).toBeGreaterThan(functions.length);
  });
});

describe('alarms on lost data and failed controls', () => {
  const runbook = readFileSync(fromRoot(LOSS_ALARM_RUNBOOK), 'utf8');

  it('watch the names the code emits', () => {
    expect(Object.keys(LOSS_COUNTERS).sort()).toEqual(
      [FALLBACK_EVENT_METRICS.lost, HTTP_METRICS.auditWriteFailures, HTTP_METRICS.originSecretReadFailures].sort(),
    );
  });

  it.each(Object.keys(LOSS_COUNTERS))(
    '%s: one alarm, {service, stage}, at the first one in 5 minutes',
    (metricName) => {
      const found = resourcesOfType(app, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) => a.Properties?.MetricName === metricName,
      );
      expect(found).toHaveLength(1);
      const [, alarm] = found[0] ?? [];
      expect(alarm?.Properties).toMatchObject({
        Namespace: 'UniteHub',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [
          { Name: 'service', Value: 'unite-hub' },
          { Name: 'stage', Value: 'dev' },
        ],
      });
      expect(alarm?.Properties?.AlarmDescription).toContain(LOSS_ALARM_RUNBOOK);
      expect(alarm?.Properties?.AlarmActions).toEqual([{ Ref: logicalIdAt(app, 'AWS::SNS::Topic', 'Alarms') }]);
      expect(runbook).toContain(`## ${metricName}`);
    },
  );
});
