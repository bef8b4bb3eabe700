/**
 * One state-machine step of a campaign launch: read a page of the audience (live contacts
 * matching the launch's filter), leave out (and count as `suppressed`) those who may not get
 * marketing mail (`leftOutOfMarketing`, enrol-by-ids.ts: suppressions, or the status
 * `unsubscribed`), and put one `enrol` message per contact on the drip-steps queue. A contact
 * deleted between the page's read and its enrolment is left out and counted nowhere: it is not a
 * suppression. The execution loops while `done` is false, so a launch never holds a running
 * execution per contact; after `PAGES_PER_EXECUTION` pages it continues as a new execution
 * (`continueAs`, launch-chain.ts), so no execution outgrows the service's history quota.
 *
 * A page records what it decided (its contacts, suppressed count and next cursor: its marker)
 * before it sends, and is counted once its messages are sent. A retry, or a resume at this page,
 * replays that decision instead of reading the audience again, which may have changed meanwhile:
 * it ends at the same cursor and, unless the page was counted (its messages sent), queues the
 * recorded contacts again (copies the enrolment's launch check drops), each judged again first: one
 * deleted meanwhile is left out and counted nowhere, one blocked from marketing meanwhile is counted
 * as suppressed. The page is counted once, by the first try to send: `queued` counts exactly the
 * contacts that try queued; a retried last page still closes the launch. The count also moves the
 * launch's resume point to the page after it (the first page sets itself as it begins): however a
 * run ends (its Catch, an operator's stop, a timeout), a resume starts at the first page not counted.
 *
 * The first page also creates the launch record when its starter did not (a scheduled launch),
 * so every launch can be followed. A page that still fails after the state machine's retries
 * comes back here with `failure` set (its Catch): the launch is recorded as failed, with why,
 * instead of reading as running for good.
 */

import type { SuppressionLookup } from '../email/ports';
import { mapLimit } from '../resilience/map-limit';
import { cutTextWithEllipsis } from '../security/cut-text';
import { type AudienceContacts, leftOutOfMarketing } from './enrol-by-ids';
import { continuation, PAGES_PER_EXECUTION, resumePointOf } from './launch-chain';
import {
  type AudiencePage,
  type AudiencePageResult,
  audiencePage,
  type EnrolMessage,
  type LaunchFailure,
  launchFailure,
} from './messages';
import type { AudienceSource, LaunchPageDecision, LaunchRecords, StepQueue } from './ports';

/**
 * The launch state machine's task, as its function runs it: a failed page coming back from the
 * Catch (`failure` set) is recorded; anything else is a page to enrol (a malformed one throws a
 * zod error: the execution fails visibly instead of enrolling nobody).
 */
export async function runLaunchTask(
  event: unknown,
  deps: Parameters<typeof enrolAudiencePage>[1],
): Promise<AudiencePageResult | { failed: true; error: string }> {
  const failed = launchFailure.safeParse(event);
  if (failed.success) {
    const page = audiencePage.safeParse(event);
    return recordLaunchFailure(failed.data, page.success ? page.data : undefined, deps);
  }
  return enrolAudiencePage(audiencePage.parse(event), deps);
}

/**
 * The state machine's Catch: records the launch as failed, with the error of the page that kept
 * failing and, when that page's payload is valid (`page`), the point a resume starts from.
 */
export async function recordLaunchFailure(
  input: LaunchFailure,
  page: AudiencePage | undefined,
  deps: { launches: LaunchRecords; now: () => Date },
): Promise<{ failed: true; error: string }> {
  const error = launchFailureMessage(input.failure);
  await deps.launches.fail(
    input.workspaceId,
    input.campaignId,
    input.launchId,
    error,
    deps.now().toISOString(),
    page && resumePointOf(page),
    input.attempt ?? page?.attempt ?? 0,
  );
  return { failed: true, error };
}

/** A contact of the page that may not get marketing mail, or that is gone (deleted since the read). */
const SUPPRESSED = Symbol('suppressed');
const GONE = Symbol('gone');

export async function enrolAudiencePage(
  input: AudiencePage,
  deps: {
    audience: AudienceSource;
    queue: StepQueue;
    suppressions: SuppressionLookup;
    launches: LaunchRecords;
    /** The contacts the page names by id: their address and status (a `ContactStore` is one). */
    contacts: AudienceContacts;
    now: () => Date;
  },
): Promise<AudiencePageResult> {
  // The first page is where the launch resumes until a page is counted (kept if a point is there).
  if (!input.cursor)
    await deps.launches.begin(
      input.workspaceId,
      input.campaignId,
      input.launchId,
      deps.now().toISOString(),
      resumePointOf(input),
    );
  const pageKey = input.cursor ?? 'first';
  // A retry (or a resume at this page) does what the first try decided, never a new read.
  const recorded = await deps.launches.page(input.workspaceId, input.launchId, pageKey);
  const page =
    recorded ??
    (await deps.launches.recordPage(
      input.workspaceId,
      input.launchId,
      pageKey,
      await decidePage(input, deps),
      deps.now().toISOString(),
    ));
  let { contactIds, suppressed } = page;
  // A page counted before had sent its messages: a retry whose answer was lost sends nothing again.
  if (!page.counted) {
    // A decision recorded by an earlier try (a resume may come days later): its contacts are judged
    // again, as a first read would, since they may have been deleted or blocked meanwhile.
    if (recorded) {
      const judged = await judgeContacts(input.workspaceId, page.contactIds, deps);
      contactIds = judged.contactIds;
      suppressed += judged.suppressed;
    }
    const messages: EnrolMessage[] = contactIds.map((contactId) => ({
      kind: 'enrol',
      workspaceId: input.workspaceId,
      campaignId: input.campaignId,
      contactId,
      launchId: input.launchId,
    }));
    await deps.queue.sendAll(messages);
  }
  const done = !page.next;
  const { cursor: _previous, pages: before = 0, ...rest } = input;
  const pages = before + 1;
  const result: AudiencePageResult = { ...rest, enrolled: input.enrolled + contactIds.length, done, pages };
  if (page.next) result.cursor = page.next;
  // Counted once per page (by the first try to get here): what that try queued and left out, and,
  // in the same write, the page after it as where the launch resumes however its run ends.
  await deps.launches.addPage(
    input.workspaceId,
    input.launchId,
    pageKey,
    { queued: contactIds.length, suppressed },
    done,
    deps.now().toISOString(),
    input.chunk,
    done ? undefined : resumePointOf(result),
  );
  // A full execution hands the rest of the audience to the next one (launch-chain.ts).
  if (!done && pages >= PAGES_PER_EXECUTION) result.continueAs = continuation(result);
  return result;
}

/** A page's first read: its contacts, judged ({@link judgeContacts}), and where the next page starts. */
async function decidePage(
  input: AudiencePage,
  deps: Pick<Parameters<typeof enrolAudiencePage>[1], 'audience' | 'contacts' | 'suppressions'>,
): Promise<LaunchPageDecision> {
  const page = await deps.audience.page(input.workspaceId, input.filter ?? {}, input.pageSize, input.cursor);
  return {
    ...(await judgeContacts(input.workspaceId, page.contactIds, deps)),
    ...(page.cursor ? { next: page.cursor } : {}),
  };
}

/**
 * A page's contacts, each queued, left out as suppressed (no marketing mail), or gone (deleted since
 * the page was read: no address any more), which is neither queued nor counted.
 */
async function judgeContacts(
  workspaceId: string,
  contactIds: readonly string[],
  deps: Pick<Parameters<typeof enrolAudiencePage>[1], 'contacts' | 'suppressions'>,
): Promise<{ contactIds: string[]; suppressed: number }> {
  const outcomes = await mapLimit(contactIds, 10, async (contactId) => {
    const contact = await deps.contacts.get(workspaceId, contactId);
    if (!contact || contact.deletedAt) return GONE;
    return (await leftOutOfMarketing(workspaceId, contactId, contact, deps.suppressions)) ? SUPPRESSED : contactId;
  });
  return {
    contactIds: outcomes.filter((o): o is string => typeof o === 'string'),
    suppressed: outcomes.filter((o) => o === SUPPRESSED).length,
  };
}

/** Longest failure message kept on a launch record. */
const FAILURE_MESSAGE_MAX = 300;

/**
 * What a launch record says of a page that kept failing: the error's name and message. A Lambda
 * task's `Cause` is its JSON error (`errorType`, `errorMessage`, `trace`); only the message is
 * kept: no stack trace, no resource ARN (which names the account).
 */
export function launchFailureMessage(failure: { Error?: string; Cause?: string }): string {
  let message = failure.Cause ?? '';
  let type = failure.Error ?? 'Error';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown; errorType?: unknown };
    if (parsed && typeof parsed === 'object') {
      if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
      if (typeof parsed.errorType === 'string' && (type === 'Error' || type.startsWith('States.')))
        type = parsed.errorType;
    }
  } catch {
    // A plain-text cause: kept as it is.
  }
  const text = `${type}${message ? `: ${message}` : ''}`.replace(/arn:aws[\w-]*:[^\s"',]+/g, '[arn]');
  return cutTextWithEllipsis(text, FAILURE_MESSAGE_MAX);
}
