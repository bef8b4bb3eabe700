// Review round 21: this test failed at c5f6923.
/**
 * A canary must roll back on what the NEW version does, not on what the version it replaces is
 * still doing with the other 90% of the traffic. Lambda publishes an alias's metrics under
 * {FunctionName, Resource: fn:live} for every invocation of the alias, whichever of the two
 * weighted versions ran it; the version that ran it is only told apart by the `ExecutedVersion`
 * dimension. An error alarm on the plain alias metric fires on the old version's errors: the very
 * deploy that fixes a crashing function rolls itself back while the old one keeps crashing during
 * the five canary minutes, and a bad version is judged by a mix diluted 9:1 with the old one.
 */
import { describe, expect, it } from 'vitest';
import { resourcesOfType, synthesize } from './synth';

const { appTemplate: app } = synthesize('dev');
interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  Properties: Record<string, any>;
  UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: { DeploymentGroupName?: { Ref?: string } } };
}
const resources = app.toJSON().Resources as Record<string, CfnResource>;

type Dimension = { Name: string; Value: unknown };

/** Every deployment group with the Lambda alarms (namespace AWS/Lambda) it rolls back on. */
const groups = resourcesOfType(app, 'AWS::CodeDeploy::DeploymentGroup').map(([id, group]) => {
  const config = group.Properties?.AlarmConfiguration as { Alarms?: { Name: { Ref: string } }[] } | undefined;
  const alarmIds = (config?.Alarms ?? []).map((a) => a.Name.Ref);
  const lambdaAlarms = alarmIds.flatMap((alarmId) => {
    const alarm = resources[alarmId];
    return alarm?.Properties.Namespace === 'AWS/Lambda' ? [[alarmId, alarm] as const] : [];
  });
  const alias = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Alias' && r.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName?.Ref === id,
  );
  return { id, lambdaAlarms, newVersion: alias?.Properties.FunctionVersion };
});

describe('canary rollback alarms', () => {
  it('exist for every deployment group (sanity)', () => {
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) {
      expect(g.lambdaAlarms.map(([, a]) => a.Properties.MetricName).sort(), g.id).toEqual(['Duration', 'Errors']);
      expect(g.newVersion, g.id).toBeDefined();
    }
  });

  it("watch only the version being shifted to (ExecutedVersion), not the old version's invocations", () => {
    const notScoped = groups.flatMap((g) =>
      g.lambdaAlarms
        .filter(([, alarm]) => {
          const dims = (alarm.Properties.Dimensions ?? []) as Dimension[];
          const executed = dims.find((d) => d.Name === 'ExecutedVersion');
          return !executed || JSON.stringify(executed.Value) !== JSON.stringify(g.newVersion);
        })
        .map(([alarmId, alarm]) => `${alarmId} (${alarm.Properties.MetricName})`),
    );
    expect(notScoped, 'canary alarms that also count the errors/latency of the version being replaced').toEqual([]);
  });
});
