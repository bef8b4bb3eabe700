/**
 * A drip-steps message, executed. Today the queue carries `enrol`: the contact gets its
 * one enrolment per campaign; a redelivered or duplicated message finds it and changes
 * nothing. Running nodes (email, wait, condition, split, action) comes with the campaign
 * engine and extends this switch.
 */
import type { DripStepMessage } from './messages';
import type { EnrolmentStore } from './ports';

export type DripStepOutcome = 'enrolled' | 'already-enrolled';

export async function runDripStep(
  message: DripStepMessage,
  deps: { enrolments: EnrolmentStore; now: () => Date },
): Promise<DripStepOutcome> {
  switch (message.kind) {
    case 'enrol': {
      const created = await deps.enrolments.createIfAbsent({
        workspaceId: message.workspaceId,
        campaignId: message.campaignId,
        contactId: message.contactId,
        launchId: message.launchId,
        state: 'running',
        enrolledAt: deps.now().toISOString(),
      });
      return created ? 'enrolled' : 'already-enrolled';
    }
  }
}
