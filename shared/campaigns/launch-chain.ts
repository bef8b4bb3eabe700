/**
 * A launch is a chain of executions of the campaign-launch state machine (continue-as-new): each
 * execution enrols at most {@link PAGES_PER_EXECUTION} pages, then starts the next execution of the
 * same machine at the page where it stopped and ends (`ContinueAsNew` in
 * lib/definition/campaign-launch.asl.json). The next execution is named from the launch id, its run
 * and its place in the chain ({@link launchExecutionName}), and its input is the page it starts at:
 * a second start of the same link (the state's retry after a lost answer, a local re-run of an
 * interrupted execution) is refused by Step Functions (same name: `ExecutionAlreadyExists`, or the
 * running one's own answer for the same input), so no page is enrolled twice.
 *
 * Why: a Standard execution fails when its history reaches 25,000 events (a hard quota), with no
 * Catch run and no resume point. One page writes 7 events (TaskStateEntered,
 * LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, TaskStateExited,
 * ChoiceStateEntered, ChoiceStateExited), so a single execution died past ~3,570 pages (~357,000
 * contacts at 100 a page).
 */
import type { ContactFilter } from '../crm/contacts/ports';
import type { AudiencePage, AudiencePageResult } from './messages';
import type { LaunchResumePoint } from './ports';

/**
 * Pages one execution enrols before it continues as a new one. The arithmetic against the 25,000
 * events of one execution's history: 7 events a page, 7,000 for 1,000 pages. A page whose task is
 * retried adds 3 events a try (LambdaFunctionScheduled, Started, Failed or TimedOut), 9 for its 3
 * retries: 16,000 if every page needed all of them. Around the pages at most ~40 more
 * (ExecutionStarted; the continuation's task with its retries, ~15; the Succeed's 2 and
 * ExecutionSucceeded; or the failure record's task with its retries, its Fail and ExecutionFailed).
 * So <= 16,040 events: 8,960 under the quota in the worst case, 17,960 in the ordinary one (7,040). At the
 * default page of 100 contacts, an execution enrols 100,000 contacts: a million is 10 executions.
 */
export const PAGES_PER_EXECUTION = 1_000;

/** The service's limit on an execution name. */
const NAME_MAX = 80;

/**
 * The execution of a launch's run (`attempt`: 0 the first, n its n-th resume) at link `chunk` of
 * its chain (0: the one its starter started): `<launchId>`, `<launchId>-r<n>`, `<launchId>-c<k>`,
 * `<launchId>-r<n>-c<k>`, the launch id cut to fit 80 characters. Deterministic: every start of
 * the same link uses the same name.
 */
export function launchExecutionName(launchId: string, attempt = 0, chunk = 0): string {
  const suffix = `${attempt ? `-r${attempt}` : ''}${chunk ? `-c${chunk}` : ''}`;
  if (!suffix) return launchId.slice(0, NAME_MAX);
  // 72 as resumes were always named (`-r<n>` after 72 characters), less for a longer suffix.
  return `${launchId.slice(0, Math.min(72, NAME_MAX - suffix.length))}${suffix}`;
}

/**
 * The state machine's input for a launch: its first page, or the page it starts at (a resume: the
 * page that failed; the chain's next execution: the page where the one before stopped), with the
 * count enrolled before it.
 */
export function launchPayload(input: {
  workspaceId: string;
  campaignId: string;
  launchId: string;
  filter?: ContactFilter;
  from?: LaunchResumePoint;
  /** The run (n >= 1: the n-th resume): its pages and its failure report carry it. */
  attempt?: number;
  /** The execution of the run's chain it starts (k >= 1: continued as new at `from`, {@link continuation}). */
  chunk?: number;
}): Record<string, unknown> {
  const { from, attempt, chunk, ...first } = input;
  if (!from) return first;
  return {
    workspaceId: input.workspaceId,
    campaignId: input.campaignId,
    launchId: input.launchId,
    ...(attempt ? { attempt } : {}),
    ...(chunk ? { chunk } : {}),
    ...(from.filter ? { filter: from.filter } : {}),
    ...(from.cursor ? { cursor: from.cursor } : {}),
    enrolled: from.enrolled,
    pageSize: from.pageSize,
  };
}

/**
 * Where a launch starts again at `page` (a page's payload, or a page's result: the page after it):
 * its cursor, the count enrolled before it, its size and the filter. The one form of a resume
 * point: the launch record keeps it (the next page's, with each page counted; the first page's,
 * as it begins), the state machine's Catch records the failing page's, the chain hands it on.
 */
export function resumePointOf(
  page: Pick<AudiencePage, 'cursor' | 'enrolled' | 'pageSize' | 'filter'>,
): LaunchResumePoint {
  return {
    enrolled: page.enrolled,
    pageSize: page.pageSize,
    ...(page.cursor ? { cursor: page.cursor } : {}),
    ...(page.filter ? { filter: page.filter } : {}),
  };
}

/** What an execution that is full hands on: the next execution's name and input (the page it starts at). */
export interface LaunchContinuation {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/**
 * The next link of the chain after `page` (a page's result that is not the last): the same run,
 * the next chunk, starting at `page.cursor` with the count enrolled so far.
 */
export function continuation(page: AudiencePageResult): LaunchContinuation {
  const chunk = (page.chunk ?? 0) + 1;
  return {
    name: launchExecutionName(page.launchId, page.attempt, chunk),
    input: launchPayload({
      workspaceId: page.workspaceId,
      campaignId: page.campaignId,
      launchId: page.launchId,
      attempt: page.attempt,
      chunk,
      from: resumePointOf(page),
    }),
  };
}

/** The next execution's name, from a succeeded execution's output, when it continued as new. */
export function continuedAs(output: string | undefined): string | undefined {
  if (!output) return undefined;
  try {
    const name = (JSON.parse(output) as { continueAs?: { name?: unknown } } | null)?.continueAs?.name;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined;
  }
}
