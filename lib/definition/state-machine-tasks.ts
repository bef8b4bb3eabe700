/**
 * The one Step Functions service integration a declared state machine may use besides its task
 * functions: `states:startExecution` of its own machine (`$$.StateMachine.Id`), request-response
 * (it does not wait for the execution it starts): how a launch continues as new
 * (shared/campaigns/launch-chain.ts). The CDK stack grants it on the machine's own ARN only
 * (lib/cdk/workflow.ts); the local runtime runs it on its own endpoint (lib/local/step-functions.ts).
 */

export const START_EXECUTION_RESOURCE = 'arn:aws:states:::states:startExecution';

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
}

/**
 * The Task states of `definition` that start an execution of their own machine. Any other
 * `arn:aws:states:::states:` integration (another machine, a variant that waits: `.sync`) is refused:
 * nothing grants it, and the local runtime does not run it.
 */
export function selfStartingStates(definitionFile: string, definition: { States: Record<string, AslState> }): string[] {
  const states: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task' || !state.Resource?.startsWith('arn:aws:states:::states:')) continue;
    if (state.Resource !== START_EXECUTION_RESOURCE || state.Parameters?.['StateMachineArn.$'] !== '$$.StateMachine.Id')
      throw new Error(
        `${definitionFile}: state ${name} may only start its own machine (${START_EXECUTION_RESOURCE} with "StateMachineArn.$": "$$.StateMachine.Id")`,
      );
    states.push(name);
  }
  return states;
}
