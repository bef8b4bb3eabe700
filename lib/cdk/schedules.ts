/**
 * One EventBridge rule per schedule declaration, targeting the function's `live` alias.
 *
 * The function receives the shape of an EventBridge "Scheduled Event" (the envelope fields
 * are copied from the triggering event), with `detail` replaced by the declared constant
 * and a top-level `schedule` naming the declaration:
 *
 *   { "version": "0", "id": "...", "detail-type": "Scheduled Event", "source": "aws.events",
 *     "account": "...", "time": "2025-01-01T00:05:00Z", "region": "...",
 *     "resources": ["arn:aws:events:...:rule/..."],
 *     "detail": { "kind": "campaign-triggers" }, "schedule": "campaign-triggers" }
 *
 * The local runtime's timer builds the same event, so one handler parser serves both hosts.
 */
import { Duration } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { type FunctionName, schedules } from '../definition';
import type { HouseFunction } from './house-function';

export function addSchedules(scope: Construct, functions: ReadonlyMap<FunctionName, HouseFunction>): Rule[] {
  return schedules.map((declaration) => {
    const fn = functions.get(declaration.target);
    if (!fn) throw new Error(`Schedule ${declaration.name} targets ${declaration.target}, which is not declared`);
    const rule = new Rule(scope, `${declaration.name}-schedule`, {
      description: declaration.description,
      schedule: Schedule.expression(declaration.expression),
    });
    rule.addTarget(
      new LambdaFunction(fn.alias, {
        event: RuleTargetInput.fromObject({
          version: '0',
          id: EventField.eventId,
          'detail-type': EventField.detailType,
          source: EventField.source,
          account: EventField.account,
          time: EventField.time,
          region: EventField.region,
          resources: EventField.fromPath('$.resources'),
          detail: declaration.detail,
          schedule: declaration.name,
        }),
        // A tick that could not be delivered is superseded by the next one within minutes.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
      }),
    );
    return rule;
  });
}
