/**
 * Bringing enrolments back. A paused campaign's held enrolments are listed per campaign and
 * resumed a page per message once it runs again. The sweep reads the sparse due-time index,
 * shard by shard, and re-sends the step message of every enrolment whose timer is overdue by
 * more than a grace period: a timer lost to a crash between the state write and the timer, or
 * an SQS delay or a schedule that did not fire. A re-sent step whose timer did fire meanwhile is
 * stale and does nothing.
 */
import type { EnrolmentState } from './enrolment';
import type { DripStepMessage, ResumePageMessage, StepMessage } from './messages';
import type { StepQueue } from './ports';

export const RESUME_PAGE_SIZE = 100;

const stepOf = (e: EnrolmentState): StepMessage => ({
  kind: 'step',
  workspaceId: e.workspaceId,
  campaignId: e.campaignId,
  contactId: e.contactId,
  run: e.run,
  step: e.step,
});

export async function resumeHeldPage(
  message: ResumePageMessage,
  deps: {
    held: (
      workspaceId: string,
      campaignId: string,
      cursor: string | undefined,
    ) => Promise<{ enrolments: EnrolmentState[]; nextCursor?: string }>;
    campaignStatus: (workspaceId: string, campaignId: string) => Promise<string | undefined>;
    queue: StepQueue;
  },
): Promise<{ resumed: number; more: boolean }> {
  // Paused again meanwhile: the next resume starts over.
  if ((await deps.campaignStatus(message.workspaceId, message.campaignId)) !== 'active')
    return { resumed: 0, more: false };
  const page = await deps.held(message.workspaceId, message.campaignId, message.cursor);
  const next: DripStepMessage[] = page.enrolments.map(stepOf);
  if (page.nextCursor) next.push({ ...message, cursor: page.nextCursor });
  await deps.queue.sendAll(next);
  return { resumed: page.enrolments.length, more: Boolean(page.nextCursor) };
}

/** How late a timer must be before the sweep re-sends its step. */
export const SWEEP_GRACE_MS = 2 * 60_000;

export async function sweepDueSteps(deps: {
  shards: number;
  due: (shard: number, before: Date, limit: number) => Promise<EnrolmentState[]>;
  queue: StepQueue;
  now: () => Date;
  limitPerShard?: number;
}): Promise<{ resent: number }> {
  const before = new Date(deps.now().getTime() - SWEEP_GRACE_MS);
  let resent = 0;
  for (let shard = 0; shard < deps.shards; shard += 1) {
    const overdue = await deps.due(shard, before, deps.limitPerShard ?? 500);
    await deps.queue.sendAll(overdue.map(stepOf));
    resent += overdue.length;
  }
  return { resent };
}
