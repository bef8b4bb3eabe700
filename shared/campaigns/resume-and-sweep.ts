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
  // Paused again meanwhile: the next resume starts over. Archived: each held step runs to exit.
  const status = await deps.campaignStatus(message.workspaceId, message.campaignId);
  if (status !== 'active' && status !== 'archived') return { resumed: 0, more: false };
  const page = await deps.held(message.workspaceId, message.campaignId, message.cursor);
  const next: DripStepMessage[] = page.enrolments.map(stepOf);
  if (page.nextCursor) next.push({ ...message, cursor: page.nextCursor });
  await deps.queue.sendAll(next);
  // The held index (gsi2) is eventually consistent: a step that held its enrolment just before the
  // status write may reach the index after this pass read it, and then nothing would ever resume
  // it (it is in no due index). One more pass, a minute later, finds it; a step resumed twice
  // runs once (its message is stale the second time).
  if (!page.nextCursor && !message.recheck) {
    const recheck: ResumePageMessage = {
      kind: 'resume-page',
      workspaceId: message.workspaceId,
      campaignId: message.campaignId,
      recheck: true,
    };
    await deps.queue.sendAll([recheck], { delaySeconds: RESUME_RECHECK_SECONDS });
  }
  return { resumed: page.enrolments.length, more: Boolean(page.nextCursor) };
}

/** How long after a resume's last page its recheck pass runs (seconds of SQS delay). */
export const RESUME_RECHECK_SECONDS = 60;

/** How late a timer must be before the sweep re-sends its step. */
export const SWEEP_GRACE_MS = 2 * 60_000;

/** Enrolments the sweep re-sends per shard and run at most (pages of 500); the rest wait for the next run. */
export const SWEEP_MAX_PER_SHARD = 5_000;

/**
 * Re-sends every overdue step, shard by shard, page by page (oldest first), up to `maxPerShard`
 * a shard. An enrolment whose step keeps failing leaves the index when its last delivery fails
 * it (run-step.ts `failStep`), so overdue entries cannot pile up at the front of a shard for good.
 */
export async function sweepDueSteps(deps: {
  shards: number;
  /** A page of the shard's overdue enrolments; `after` is the previous page's `next` (opaque). */
  due: (
    shard: number,
    before: Date,
    limit: number,
    after?: unknown,
  ) => Promise<{ enrolments: EnrolmentState[]; next?: unknown }>;
  queue: StepQueue;
  now: () => Date;
  pageSize?: number;
  maxPerShard?: number;
}): Promise<{ resent: number; shardsLeftOver: number }> {
  const before = new Date(deps.now().getTime() - SWEEP_GRACE_MS);
  const max = deps.maxPerShard ?? SWEEP_MAX_PER_SHARD;
  let resent = 0;
  let shardsLeftOver = 0;
  for (let shard = 0; shard < deps.shards; shard += 1) {
    let after: unknown;
    let sent = 0;
    do {
      const page = await deps.due(shard, before, Math.min(deps.pageSize ?? 500, max - sent), after);
      await deps.queue.sendAll(page.enrolments.map(stepOf));
      sent += page.enrolments.length;
      after = page.next;
    } while (after !== undefined && sent < max);
    if (after !== undefined) shardsLeftOver += 1;
    resent += sent;
  }
  return { resent, shardsLeftOver };
}
