/**
 * Review round 23 (c), the fix: the campaign-launch machine continues a launch as a new execution
 * of itself (`ContinueAsNew`, a `states:startExecution` task on `$$.StateMachine.Id`). Its role may
 * start executions of that one machine, and nothing else may be started from an ASL file: the
 * declaration check (lib/definition/state-machine-tasks.ts) refuses any other target, for the stack
 * and the local runtime alike.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../lib/cdk/repo-paths';
import { stateMachines } from '../../lib/definition';
import { START_EXECUTION_RESOURCE, selfStartingStates } from '../../lib/definition/state-machine-tasks';
import { resourcesOfType, synthesize } from './synth';

const template = synthesize('dev').appTemplate;

type Statement = { Action: unknown; Resource: unknown; Effect: string };

describe('the launch machine starting itself (review round 23)', () => {
  it("grants states:StartExecution to the machine's own role, on its own ARN only", () => {
    // Prepare
    const [[machineId, machine]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine') as unknown as [
      [string, { Properties: { RoleArn: { 'Fn::GetAtt': [string, string] } } }],
    ];
    const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
    // Act: every statement of every policy that allows a StartExecution.
    const starts = resourcesOfType(template, 'AWS::IAM::Policy').flatMap(([, policy]) => {
      const props = policy.Properties as { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } };
      return props.PolicyDocument.Statement.filter((s) => [s.Action].flat().includes('states:StartExecution')).map(
        (s) => ({ roles: props.Roles, resource: s.Resource }),
      );
    });
    // Assess: the machine's role holds one, on `{Ref: machine}` (its ARN); no role holds one on a wildcard.
    const own = starts.filter((s) => JSON.stringify(s.roles) === JSON.stringify([{ Ref: roleId }]));
    expect(own).toEqual([{ roles: [{ Ref: roleId }], resource: { Ref: machineId } }]);
    for (const s of starts) expect(JSON.stringify(s.resource)).not.toContain('*');
  });

  it('finds the ContinueAsNew state in the declared ASL, and refuses a start of another machine', () => {
    const [declaration] = stateMachines;
    const file = declaration?.definitionFile as string;
    const definition = JSON.parse(readFileSync(fromRoot(file), 'utf8'));
    expect(selfStartingStates(file, definition)).toEqual(['ContinueAsNew']);
    const other = {
      States: {
        Elsewhere: {
          Type: 'Task',
          Resource: START_EXECUTION_RESOURCE,
          Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:other' },
        },
      },
    };
    expect(() => selfStartingStates('x.asl.json', other)).toThrow(/may only start its own machine/);
    const waits = {
      States: {
        Waits: {
          Type: 'Task',
          Resource: `${START_EXECUTION_RESOURCE}.sync:2`,
          Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id' },
        },
      },
    };
    expect(() => selfStartingStates('x.asl.json', waits)).toThrow(/may only start its own machine/);
  });
});
