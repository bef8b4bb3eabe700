/**
 * A drip-steps message, executed: `enrol` enrols the contact (when the campaign is active and
 * re-entry allows) and runs it from the trigger; `step` runs an enrolment's current node if
 * it is still at that step. Either way a redelivered, duplicated or stale message repeats no
 * effect (run-step.ts).
 */
import type { EnrolMessage, StepMessage } from './messages';
import type { StepDeps } from './ports';
import { enrolContact, runStep, type StepOutcome } from './run-step';

export function runDripStep(
  message: EnrolMessage | StepMessage,
  deps: StepDeps,
  /** The queue message's id: its redelivery after a crash sets a lost timer again (run-step.ts). */
  messageId?: string,
): Promise<StepOutcome> {
  return message.kind === 'enrol' ? enrolContact(message, deps, messageId) : runStep(message, deps, messageId);
}
