/**
 * Bringing enrolments back. A paused campaign's held enrolments are listed per campaign and
 * resumed a page per message once it runs again. The sweep reads the sparse due-time index,
 * shard by shard, and re-sends the step message of every enrolment whose timer is overdue by
 * more than a grace period: a timer lost to a crash between the state write and the timer, or
 * an SQS delay or a schedule that did not fire. A re-sent step whose timer did fire meanwhile is
 * stale and does nothing. It also sends the follow-ups of status changes still pending after the
 * same grace (the outbox of a resume or an archive whose own send failed: {@link sendFollowUp}).
 */
import type { CampaignFollowUp } from './campaign';
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

/** A status change's follow-up still to be sent (campaign.ts `CampaignFollowUp`), as its change left it. */
export interface PendingFollowUp {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly kind: CampaignFollowUp;
  /** The revision of the change that left it: only that one's marker is removed once sent. */
  readonly revision: number;
}

/**
 * The outbox of status changes: the pending follow-up each resume or archive writes with its
 * status (dynamo-campaigns.ts `dynamoCampaignFollowUps`).
 */
export interface CampaignFollowUps {
  /** The campaign's pending follow-up, read consistently; undefined when none is. */
  of(workspaceId: string, campaignId: string): Promise<PendingFollowUp | undefined>;
  /** Pending follow-ups left by changes made at or before `before` (campaign time), oldest first. */
  pending(before: Date, limit: number): Promise<PendingFollowUp[]>;
  /** Removes the marker `followUp` left, unless a later change replaced it (then that one stays). */
  sent(followUp: PendingFollowUp): Promise<void>;
}

/** Follow-ups the sweep sends per run at most; the rest are sent by the next run. */
export const SWEEP_MAX_FOLLOW_UPS = 500;

/**
 * Sends a pending follow-up (a `resume-page` pass over the campaign's held enrolments), then
 * removes its marker. Safe to repeat: a pass sent twice resumes nobody twice (a held enrolment
 * resumed by the first pass is no longer held, and a step message sent twice runs once), and the
 * pass itself reads the campaign's status as it is then. A failed send leaves the marker, for the
 * sweep; a failed removal too (the pass is sent again, harmlessly).
 */
export async function sendFollowUp(
  followUp: PendingFollowUp,
  deps: { readonly followUps: Pick<CampaignFollowUps, 'sent'>; readonly queue: StepQueue },
): Promise<void> {
  const { workspaceId, campaignId } = followUp;
  await deps.queue.sendAll([{ kind: followUp.kind, workspaceId, campaignId }]);
  await deps.followUps.sent(followUp);
}

/**
 * How late a timer must be before the sweep re-sends its step, in real time: under `TIME_SCALE`
 * the due times are campaign time, so the sweep widens it by the scale (at 3600x, 2 real minutes
 * are 5 campaign days). Counted in campaign time, it was 33 ms at 3600x: every step still waiting
 * its turn in the queue's backlog or arriving through its SQS delay was re-sent at every run.
 */
export const SWEEP_GRACE_MS = 2 * 60_000;

/** Enrolments the sweep re-sends per shard and run at most (pages of 500); the rest wait for the next run. */
export const SWEEP_MAX_PER_SHARD = 5_000;

/**
 * Where each shard's last run stopped at its maximum (the `due` port's opaque `after`), so the
 * next run goes on from there instead of from the oldest again. Undefined: from the oldest. Kept
 * only as long as whatever holds it: the sweeper function moves re-sent entries back instead
 * (`toBack`), which the index itself keeps.
 */
export interface SweepCursors {
  get(shard: number): Promise<unknown>;
  set(shard: number, after: unknown): Promise<void>;
}

/**
 * Re-sends every overdue step, shard by shard, page by page (oldest first), up to `maxPerShard`
 * a shard. An enrolment whose step keeps failing with one of our own errors leaves the index when
 * its last delivery fails it (run-step.ts `failStep`); one failing with any other error (a
 * service down, a bug) stays waiting, at the front of its shard. So each re-sent entry is moved
 * to the back of its shard (`toBack`: its index time becomes the time of the re-send, its due time
 * kept), and the next run, in whatever container, starts with the entries re-sent longest ago or
 * never: entries that keep coming back cannot take every run's maximum and starve the newer
 * overdue steps behind them (each overdue step is re-sent at least once every
 * ceil(overdue / maximum) + 1 runs), and no memory between runs is needed. (`cursors`, a place
 * kept between runs, does the same for a caller whose index cannot move entries.)
 *
 * Moving is best effort, entry by entry: an entry whose move failed (a throttle, a transaction on
 * its item) stays where it was and is re-sent again next run, which is harmless (a re-sent step
 * that already ran is stale). A failed move never stops the sweep: it is counted (`notMoved`,
 * present when not 0) and reported to `moveFailed`, and the sweep goes on with the next page and
 * shard. Nor does a shard whose read or re-send failed stop the others: every shard is swept, and
 * the first such failure is thrown at the end (the run failed, and says so).
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
  /** Campaign time now. */
  now: () => Date;
  /** How much faster campaign time runs than real time (`Clock.scale`; 1 in the cloud). */
  scale?: number;
  /**
   * Moves the index entries of `enrolments` (re-sent) back to `at`, each only while its enrolment
   * is still at the step it was read at (a save writes its entry anew from its due time). Best
   * effort per entry: answers how many stayed where they were for a failure (a number; anything
   * else: none).
   */
  toBack?: (enrolments: readonly EnrolmentState[], at: Date) => Promise<unknown>;
  /** Told when `toBack` threw (the page's entries stay where they were; the sweep goes on). */
  moveFailed?: (error: unknown, shard: number) => void;
  cursors?: SweepCursors;
  pageSize?: number;
  maxPerShard?: number;
  /**
   * The outbox of status changes: each follow-up still pending after the grace period (its own
   * send after the change failed, or its function stopped before it) is sent ({@link sendFollowUp}).
   */
  followUps?: Pick<CampaignFollowUps, 'pending' | 'sent'>;
}): Promise<{ resent: number; shardsLeftOver: number; notMoved?: number; followUpsSent?: number }> {
  const now = deps.now();
  const before = new Date(now.getTime() - SWEEP_GRACE_MS * (deps.scale ?? 1));
  const max = deps.maxPerShard ?? SWEEP_MAX_PER_SHARD;
  let resent = 0;
  let shardsLeftOver = 0;
  let notMoved = 0;
  let followUpsSent = 0;
  const failed: unknown[] = [];
  if (deps.followUps) {
    // Each on its own: one that fails stays pending (next run), the others and the shards go on.
    const followUps = deps.followUps;
    try {
      for (const followUp of await followUps.pending(before, SWEEP_MAX_FOLLOW_UPS)) {
        try {
          await sendFollowUp(followUp, { followUps, queue: deps.queue });
          followUpsSent += 1;
        } catch (error) {
          failed.push(error);
        }
      }
    } catch (error) {
      failed.push(error);
    }
  }
  for (let shard = 0; shard < deps.shards; shard += 1) {
    let sent = 0;
    try {
      let after: unknown = await deps.cursors?.get(shard);
      do {
        const limit = Math.min(deps.pageSize ?? 500, max - sent);
        const page = await deps.due(shard, before, limit, after).catch((error: unknown) => {
          // A stored place the index refuses (past `before`, should the clock have stepped back):
          // this run starts at the oldest instead, and stores a new place.
          if (sent > 0 || after === undefined) throw error;
          return deps.due(shard, before, limit);
        });
        await deps.queue.sendAll(page.enrolments.map(stepOf));
        sent += page.enrolments.length;
        // Past `before`: out of this run's range, behind every entry not re-sent since in the next.
        // Best effort: an entry not moved is re-sent again next run.
        if (deps.toBack && page.enrolments.length > 0) {
          notMoved += await deps.toBack(page.enrolments, now).then(
            (stayed) => (typeof stayed === 'number' ? stayed : 0),
            (error: unknown) => {
              deps.moveFailed?.(error, shard);
              return page.enrolments.length;
            },
          );
        }
        after = page.next;
      } while (after !== undefined && sent < max);
      // Stopped at the maximum: the next run goes on from here. Reached the end: from the oldest.
      await deps.cursors?.set(shard, after);
      if (after !== undefined) shardsLeftOver += 1;
    } catch (error) {
      // This shard's read or re-send failed: the others are still swept; thrown at the end.
      failed.push(error);
    } finally {
      resent += sent;
    }
  }
  if (failed.length > 0) throw failed[0];
  return {
    resent,
    shardsLeftOver,
    ...(notMoved > 0 ? { notMoved } : {}),
    ...(followUpsSent > 0 ? { followUpsSent } : {}),
  };
}
