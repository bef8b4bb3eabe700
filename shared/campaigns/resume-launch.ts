/**
 * `POST /api/campaigns/{id}/launches/{launchId}/resume`: a launch that failed (a page kept
 * failing after its retries, or its execution ended another way: stopped, timed out, its failure
 * record lost) starts again at its first page not counted, as an execution of its own
 * (`<launchId>-r<n>`): the resume point each counted page moved on (dynamo-launches.ts `addPage`).
 * The pages before it are not read again; that page, if it had queued its messages before the
 * run ended, queues them again and the enrolments' launch check drops the copies (it replays its
 * recorded decision, and is counted once: its marker). Only a launch whose first page never began
 * (its execution never started, or a malformed start) has no resume point: nothing was queued.
 *
 * The record moves first (failed -> running, conditionally), so of two resumes at once one starts
 * an execution and the other is told the launch is no longer failed. Should the start itself
 * fail, the record goes back to failed with that error.
 */

import { ConflictError, NotFoundError } from '../errors';
import type { LaunchExecutions, LaunchProgress, LaunchRecords, LaunchStarter, LaunchState } from './ports';

// The state machine's input for a launch (launch-chain.ts, where the chain's next input is made too).
export { launchPayload } from './launch-chain';

/** A launch's record as the API shows it: without where in its chain of executions it is. */
function shown(launch: LaunchState): LaunchProgress {
  const { chunk: _chunk, ...progress } = launch;
  return progress;
}

export async function resumeLaunch(
  input: { workspaceId: string; campaignId: string; launchId: string },
  deps: { launches: LaunchRecords; starter: LaunchStarter; now: () => Date },
): Promise<LaunchProgress> {
  const { workspaceId, campaignId, launchId } = input;
  const launch = await deps.launches.get(workspaceId, launchId);
  if (!launch || launch.campaignId !== campaignId) throw new NotFoundError('Launch not found', 'LAUNCH_NOT_FOUND');
  const notFailed = () =>
    new ConflictError(`Only a failed launch can be resumed; this one is ${launch.status}`, 'LAUNCH_NOT_FAILED');
  if (launch.status !== 'failed') throw notFailed();
  if (!launch.resumable) {
    throw new ConflictError(
      'This launch stopped before its first page began (its execution never ran it, or its start was malformed): nothing was queued; enrol again instead',
      'LAUNCH_NOT_RESUMABLE',
    );
  }
  const resumed = await deps.launches.resume(workspaceId, launchId);
  if (!resumed) {
    const now = await deps.launches.get(workspaceId, launchId);
    throw new ConflictError(
      `Only a failed launch can be resumed; this one is ${now?.status ?? 'gone'}`,
      'LAUNCH_NOT_FAILED',
    );
  }
  try {
    await deps.starter.start({ workspaceId, campaignId, launchId, attempt: resumed.attempt, from: resumed.from });
  } catch (error) {
    await deps.launches.failAttempt(
      workspaceId,
      launchId,
      resumed.attempt,
      `The resume could not start: ${(error as Error).message}`.slice(0, 300),
      deps.now().toISOString(),
    );
    throw error;
  }
  return shown((await deps.launches.get(workspaceId, launchId)) ?? launch);
}

/**
 * How long a running launch may go without recording a page before its execution is asked how it
 * stands. A page's task and the failure record each retry for at most ~4.3 minutes (60 s timeout,
 * 4 attempts, 2+4+8 s between), so a live launch records something well within this.
 */
export const LAUNCH_SILENCE_MS = 10 * 60_000;

/**
 * `GET /api/campaigns/{id}/launches/{launchId}`. A launch normally says itself how it ended (its
 * last page, or the state machine's failure record). One whose execution ended another way (the
 * failure record itself kept failing, an operator stopped it, the start never happened) would read
 * `running` for good: after LAUNCH_SILENCE_MS without a page, its execution is asked, and if it has
 * ended without recording why, the launch is marked failed with what the service says. It is
 * resumable at its first page not counted (the point its pages keep) once its first page began;
 * otherwise nothing was queued and the answer says to enrol again. An execution that succeeded (its last page's record lost) marks the launch done
 * (`finishedAt`: when this read found it), only while it is still at that run. A run is a chain of
 * executions (launch-chain.ts): the one asked is where the last page ran (`chunk`), and the chain
 * is followed from there past every execution that ended by continuing as new.
 */
export async function readLaunch(
  input: { workspaceId: string; campaignId: string; launchId: string },
  deps: { launches: LaunchRecords; executions: LaunchExecutions; now: () => Date },
): Promise<LaunchProgress> {
  const { workspaceId, campaignId, launchId } = input;
  const launch = await deps.launches.get(workspaceId, launchId);
  if (!launch || launch.campaignId !== campaignId) throw new NotFoundError('Launch not found', 'LAUNCH_NOT_FOUND');
  const now = deps.now();
  const lastHeard = Date.parse(launch.updatedAt ?? launch.startedAt);
  if (launch.status !== 'running' || now.getTime() - lastHeard < LAUNCH_SILENCE_MS) return shown(launch);
  const attempt = launch.resumed ?? 0;
  const outcome = await deps.executions.outcome(launchId, attempt, launch.chunk ?? 0).catch(() => undefined);
  // Unknown (the service throttled the read) or still going: the record stands.
  if (!outcome || outcome.status === 'running') return shown(launch);
  if (outcome.status === 'succeeded') {
    // The chain's last execution succeeded only past a page that answered done: every page was enrolled.
    await deps.launches.finish(workspaceId, launchId, attempt, now.toISOString());
    return shown((await deps.launches.get(workspaceId, launchId)) ?? launch);
  }
  const error =
    outcome.status === 'missing'
      ? 'The launch execution was never started or no longer exists'
      : `The launch execution ended ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''} without recording the page that stopped it`;
  await deps.launches.failAttempt(workspaceId, launchId, attempt, error, now.toISOString());
  return shown((await deps.launches.get(workspaceId, launchId)) ?? launch);
}
