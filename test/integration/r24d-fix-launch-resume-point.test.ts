/**
 * Review round 24 (d), the class of the lost resume point: the launch record's `resumeFrom` is the
 * first page not counted, written by the first page as it begins and moved by each page counted (in
 * its count's transaction), so however a run ends a resume starts there:
 * - a resumed run stopped later resumes at its own first page not counted, not at the first
 *   failure's page (which replays every page since, and re-reads them once their markers expired);
 * - a run stopped inside its first page (its messages sent, not yet counted) resumes at that page,
 *   its contacts queued again once (the replayed decision) and counted once;
 * - the failure record of a page that had been counted (it failed after) does not move it back;
 * - only a launch whose first page never began has none: the 409 says nothing was queued.
 * The stop itself is r24d-stopped-launch-not-resumable.test.ts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { enrolAudiencePage, recordLaunchFailure } from '../../shared/campaigns/enrol-audience-page';
import { launchPayload } from '../../shared/campaigns/launch-chain';
import type { AudiencePage, AudiencePageResult, DripStepMessage } from '../../shared/campaigns/messages';
import type { LaunchExecutions, LaunchRecords, LaunchResumePoint } from '../../shared/campaigns/ports';
import { LAUNCH_SILENCE_MS, readLaunch, resumeLaunch } from '../../shared/campaigns/resume-launch';
import { dynamoForFile } from '../support/dynamo-emulator';
import { enrolUntilDone, firstPage, LAUNCH_AT, vipAudience } from '../support/launch-pages';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r24d-resume-point-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const CAMPAIGN = 'camp-1';
const later = (minutes: number) => () => new Date(Date.parse(LAUNCH_AT) + LAUNCH_SILENCE_MS + minutes * 60_000);
const aborted: LaunchExecutions = { outcome: async () => ({ status: 'aborted' }) };

/** An operator's stop of the launch's current execution, as a GET after the silence finds it. */
async function stop(workspaceId: string, launchId: string, launches: LaunchRecords, minutes: number) {
  const shown = await readLaunch(
    { workspaceId, campaignId: CAMPAIGN, launchId },
    { launches, executions: aborted, now: later(minutes) },
  );
  expect(shown.status).toBe('failed');
}

/** Resumes the launch; answers the payload its execution starts with. */
async function resume(workspaceId: string, launchId: string, launches: LaunchRecords): Promise<AudiencePage> {
  const starts: { attempt?: number; from?: LaunchResumePoint }[] = [];
  await resumeLaunch(
    { workspaceId, campaignId: CAMPAIGN, launchId },
    { launches, starter: { start: async (input) => void starts.push(input) }, now: later(0) },
  );
  const [start] = starts;
  return launchPayload({ workspaceId, campaignId: CAMPAIGN, launchId, ...start }) as AudiencePage;
}

describe("a launch's resume point", () => {
  it('moves on with a resumed run: stopped again, it resumes where that run stopped', async () => {
    // Prepare: nine contacts, three a page. Page 1 counted, page 2 fails (its Catch records it).
    const sent: DripStepMessage[] = [];
    const { workspaceId, deps, launches } = await vipAudience(db, CORE, 9, {
      sendAll: async (m) => void sent.push(...m),
    });
    const launchId = 'launch-twice';
    const page1 = await enrolAudiencePage(firstPage(workspaceId, launchId, 3), deps);
    const failure = { workspaceId, campaignId: CAMPAIGN, launchId, failure: { Error: 'Lambda.ServiceException' } };
    await recordLaunchFailure(failure, page1 as AudiencePage, deps);
    // The resume runs page 2 (counted), then an operator stops it.
    const resumed = await resume(workspaceId, launchId, launches);
    expect(resumed.enrolled).toBe(3);
    const page2 = await enrolAudiencePage(resumed, deps);
    await stop(workspaceId, launchId, launches, 1);

    // Act: the second resume.
    const again = await resume(workspaceId, launchId, launches);

    // Assess: it starts at page 3 (after page 2, counted by the first resume), not at page 2.
    expect(again).toMatchObject({ cursor: (page2 as AudiencePageResult).cursor, enrolled: 6, attempt: 2 });
    await enrolUntilDone(again, { ...deps, now: later(2) });
    const ids = sent.map((m) => (m as { contactId: string }).contactId);
    expect(ids.length).toBe(9);
    expect(new Set(ids).size).toBe(9);
    expect(await launches.get(workspaceId, launchId)).toMatchObject({ status: 'done', queued: 9, resumed: 2 });
  });

  it('is the first page while none is counted: a run stopped after sending it resumes there, counted once', async () => {
    // Prepare: the first page sends its three contacts, and its count fails (the run is then stopped).
    const sent: DripStepMessage[] = [];
    const { workspaceId, deps, launches } = await vipAudience(db, CORE, 6, {
      sendAll: async (m) => void sent.push(...m),
    });
    const launchId = 'launch-first-page';
    const countFails: LaunchRecords = {
      ...launches,
      addPage: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    await expect(
      enrolAudiencePage(firstPage(workspaceId, launchId, 3), { ...deps, launches: countFails }),
    ).rejects.toThrow();
    expect(sent.length).toBe(3);
    await stop(workspaceId, launchId, launches, 0);

    // Act: the resume.
    const from = await resume(workspaceId, launchId, launches);

    // Assess: it starts at the first page (its filter and size), replays it and finishes.
    expect(from).toMatchObject({ enrolled: 0, pageSize: 3, filter: { tag: 'vip' }, attempt: 1 });
    expect(from.cursor).toBeUndefined();
    await enrolUntilDone(from, { ...deps, now: later(1) });
    const ids = sent.map((m) => (m as { contactId: string }).contactId);
    // The first page's three were queued twice (the enrolments' launch check drops the copies), the rest once.
    expect(new Set(ids).size).toBe(6);
    expect(ids.length).toBe(9);
    expect(await launches.get(workspaceId, launchId)).toMatchObject({ status: 'done', queued: 6 });
  });

  it('is not moved back by the failure record of a page that had been counted', async () => {
    // Prepare: page 1 counted; its task then fails for good (its answer lost), the Catch records it.
    const sent: DripStepMessage[] = [];
    const { workspaceId, deps, launches } = await vipAudience(db, CORE, 6, {
      sendAll: async (m) => void sent.push(...m),
    });
    const launchId = 'launch-counted-then-failed';
    const page1 = firstPage(workspaceId, launchId, 3);
    const out = await enrolAudiencePage(page1, deps);
    const failure = { workspaceId, campaignId: CAMPAIGN, launchId, failure: { Error: 'States.Timeout' } };
    await recordLaunchFailure(failure, page1, deps);

    // Act: the resume.
    const from = await resume(workspaceId, launchId, launches);

    // Assess: at page 2, after the page counted.
    expect(from).toMatchObject({ cursor: (out as AudiencePageResult).cursor, enrolled: 3 });
  });

  it('is absent only for a launch whose first page never began: the refusal says nothing was queued', async () => {
    // Prepare: the enrol route's record, its execution never started.
    const { workspaceId, launches } = await vipAudience(db, CORE, 1, { sendAll: async () => {} });
    const launchId = 'launch-never-ran';
    await launches.begin(workspaceId, CAMPAIGN, launchId, LAUNCH_AT);
    await readLaunch(
      { workspaceId, campaignId: CAMPAIGN, launchId },
      { launches, executions: { outcome: async () => ({ status: 'missing' }) }, now: later(0) },
    );
    expect(await launches.get(workspaceId, launchId)).toMatchObject({ status: 'failed', resumable: false, queued: 0 });

    // Act, assess.
    await expect(resume(workspaceId, launchId, launches)).rejects.toMatchObject({
      code: 'LAUNCH_NOT_RESUMABLE',
      message: expect.stringContaining('nothing was queued'),
    });
  });
});
