/**
 * One state-machine step of a campaign launch: read a page of the audience (live contacts
 * matching the launch's filter), leave out those who may not get marketing mail, and put one
 * `enrol` message per contact on the drip-steps queue. The execution loops while `done` is
 * false, so a launch never holds a running execution per contact; a retried page re-sends
 * messages the enrolment's conditional create ignores, and counts itself once.
 */

import type { SuppressionLookup } from '../email/ports';
import { blockingSuppression } from '../email/suppression-rules';
import { mapLimit } from '../resilience/map-limit';
import type { AudiencePage, AudiencePageResult, EnrolMessage } from './messages';
import type { AudienceSource, LaunchRecords, StepQueue } from './ports';

export async function enrolAudiencePage(
  input: AudiencePage,
  deps: {
    audience: AudienceSource;
    queue: StepQueue;
    suppressions: SuppressionLookup;
    launches: LaunchRecords;
    /** The address of a contact id (the audience page names ids). */
    emailOf: (workspaceId: string, contactId: string) => Promise<string | undefined>;
    now: () => Date;
  },
): Promise<AudiencePageResult> {
  const page = await deps.audience.page(input.workspaceId, input.filter ?? {}, input.pageSize, input.cursor);
  const allowed = await mapLimit(page.contactIds, 10, async (contactId) => {
    const email = await deps.emailOf(input.workspaceId, contactId);
    if (!email) return undefined;
    const reasons = await deps.suppressions.reasonsFor(input.workspaceId, email);
    return blockingSuppression(reasons, 'marketing') ? undefined : contactId;
  });
  const messages: EnrolMessage[] = allowed
    .filter((id): id is string => id !== undefined)
    .map((contactId) => ({
      kind: 'enrol',
      workspaceId: input.workspaceId,
      campaignId: input.campaignId,
      contactId,
      launchId: input.launchId,
    }));
  await deps.queue.sendAll(messages);
  const done = !page.cursor;
  await deps.launches.addPage(
    input.workspaceId,
    input.launchId,
    input.cursor ?? 'first',
    { queued: messages.length, suppressed: page.contactIds.length - messages.length },
    done,
    deps.now().toISOString(),
  );
  const { cursor: _previous, ...rest } = input;
  const result: AudiencePageResult = { ...rest, enrolled: input.enrolled + messages.length, done };
  if (page.cursor) result.cursor = page.cursor;
  return result;
}
