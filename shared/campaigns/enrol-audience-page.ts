/**
 * One state-machine step of a campaign launch: read a page of the audience and put one
 * `enrol` message per contact on the drip-steps queue. The execution loops while `done`
 * is false, so a launch never holds a running execution per contact.
 */
import type { AudiencePage, AudiencePageResult, EnrolMessage } from './messages';
import type { AudienceSource, StepQueue } from './ports';

export async function enrolAudiencePage(
  input: AudiencePage,
  deps: { audience: AudienceSource; queue: StepQueue },
): Promise<AudiencePageResult> {
  const page = await deps.audience.page(input.workspaceId, input.campaignId, input.pageSize, input.cursor);
  const messages: EnrolMessage[] = page.contactIds.map((contactId) => ({
    kind: 'enrol',
    workspaceId: input.workspaceId,
    campaignId: input.campaignId,
    contactId,
    launchId: input.launchId,
  }));
  await deps.queue.sendAll(messages);
  const { cursor: _previous, ...rest } = input;
  const result: AudiencePageResult = { ...rest, enrolled: input.enrolled + messages.length, done: !page.cursor };
  if (page.cursor) result.cursor = page.cursor;
  return result;
}
