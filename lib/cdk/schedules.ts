/**
 * One EventBridge rule per schedule declaration, targeting the function's `live` alias.
 *
 * The function receives an EventBridge "Scheduled Event" (envelope fields copied from the
 * triggering event by an input transformer) whose `detail` is the declared constant:
 *
 *   { "version": "0", "id": "...", "detail-type": "Scheduled Event", "source": "aws.events",
 *     "account": "...", "time": "2025-01-01T00:05:00Z", "region": "...",
 *     "resources": ["arn:aws:events:...:rule/..."], "detail": { "kind": "campaign-triggers" } }
 *
 * lib/local/scheduler.ts builds exactly this shape, so one handler parser serves both hosts;
 * the declared `detail` (not an extra field) is what tells schedules apart.
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
        }),
        // A tick that could not be delivered is superseded by the next one within minutes.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
      }),
    );
    return rule;
  });
}
