/**
 * A Standard Step Functions state machine from a declaration: the ASL file is the same one
 * the local interpreter runs; only its `${Placeholder}` task resources are replaced, here by
 * the ARN of each task function's `live` alias so the canary covers workflow traffic too.
 */

import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionName, SERVICE_NAME, type StateMachineDeclaration } from '../definition';
import { selfStartingStates } from '../definition/state-machine-tasks';
import type { HouseFunction } from './house-function';
import { fromRoot } from './repo-paths';
import type { StageSettings } from './stage';

export interface WorkflowProps {
  readonly declaration: StateMachineDeclaration;
  readonly functions: ReadonlyMap<FunctionName, HouseFunction>;
  readonly settings: StageSettings;
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { declaration, settings } = props;
    const taskAliases = Object.entries(declaration.taskFunctions).map(([placeholder, name]) => {
      const fn = props.functions.get(name);
      if (!fn) throw new Error(`${declaration.name} uses ${name}, which is not a declared function`);
      return [placeholder, fn.alias] as const;
    });

    // Step Functions writes through a log delivery whose resource policy has a size limit;
    // the /aws/vendedlogs/ prefix is AWS's documented way around it.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${SERVICE_NAME}-${settings.stage}-${declaration.name}`,
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: declaration.description,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(fromRoot(declaration.definitionFile)),
      definitionSubstitutions: Object.fromEntries(
        taskAliases.map(([placeholder, alias]) => [placeholder, alias.functionArn]),
      ),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    for (const [, alias] of taskAliases) alias.grantInvoke(this.stateMachine);

    // A machine that continues as new (a `states:startExecution` task on `$$.StateMachine.Id`, as the
    // launch does: shared/campaigns/launch-chain.ts) may start executions of itself, and of nothing
    // else (lib/definition/state-machine-tasks.ts refuses any other target). A policy of its own,
    // apart from the role's default one: the machine depends on that policy, and this one names the
    // machine's ARN (in the default policy it would be a dependency cycle).
    const definition = JSON.parse(readFileSync(fromRoot(declaration.definitionFile), 'utf8'));
    if (selfStartingStates(declaration.definitionFile, definition).length > 0) {
      new Policy(this, 'StartsItself', {
        roles: [this.stateMachine.role],
        statements: [
          new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
        ],
      });
    }

    // CDK adds the log-delivery and X-Ray statements itself, with the resource AWS requires.
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray (xray:PutTraceSegments, GetSamplingRules) support no resource-level permissions; CDK adds exactly these for logging and tracing.',
    });
  }
}
