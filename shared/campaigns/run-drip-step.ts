/**
 * A drip-steps message, executed: `enrol` enrols the contact (when the campaign is active and
 * re-entry allows) and runs it from the trigger; `step` runs an enrolment's current node if
 * it is still at that step. Either way a redelivered, duplicated or stale message repeats no
 * effect (run-step.ts).
 */
import type { EnrolMessage, StepMessage } from './messages';
import type { StepDeps } from './ports';
import { enrolContact, runStep, type StepOutcome } from './run-step';

export function runDripStep(message: EnrolMessage | StepMessage, deps: StepDeps): Promise<StepOutcome> {
  return message.kind === 'enrol' ? enrolContact(message, deps) : runStep(message, deps);
}
