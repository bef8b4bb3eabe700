// Review round 24: this test failed at 137ce95.
// Review round 24 (d): a launch whose execution ended without its Catch recording a resume point
// (an operator's StopExecution, an execution timed out, or the failure record failing too: the
// record is the same function as the page, so a Lambda outage that fails a page fails it as well)
// is marked `failed` by readLaunch with no `resumeFrom`, and the resume route refuses it with 409
// LAUNCH_NOT_RESUMABLE, "failed before its first page could be read (a malformed start)", although
// its pages before the stop were enrolled and counted. The only recourse left, a new enrol request,
// reads the whole audience again: under re-entry `always` it mails again every contact the stopped
// launch had enrolled (docs/CAMPAIGNS.md "A launch that fails").
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { enrolAudiencePage } from '../../shared/campaigns/enrol-audience-page';
import { launchPayload } from '../../shared/campaigns/launch-chain';
import type { AudiencePage, DripStepMessage } from '../../shared/campaigns/messages';
import type { LaunchExecutions, LaunchResumePoint } from '../../shared/campaigns/ports';
import { LAUNCH_SILENCE_MS, readLaunch, resumeLaunch } from '../../shared/campaigns/resume-launch';
import { dynamoForFile } from '../support/dynamo-emulator';
import { enrolUntilDone, firstPage, LAUNCH_AT, vipAudience } from '../support/launch-pages';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r24d-stopped-launch-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('a launch whose execution was stopped after some pages', () => {
  it('can be resumed where it stopped, each contact queued once', async () => {
    // Prepare: six vip contacts, three a page; the first page is enrolled and counted.
    const sent: DripStepMessage[] = [];
    const { workspaceId, deps, launches } = await vipAudience(db, CORE, 6, {
      sendAll: async (m) => {
        sent.push(...m);
      },
    });
    const launchId = 'launch-stopped';
    const first = await enrolAudiencePage(firstPage(workspaceId, launchId, 3), deps);
    expect(first.done).toBe(false);
    expect(await launches.get(workspaceId, launchId)).toMatchObject({ status: 'running', queued: 3 });

    // Act: an operator stops the execution (StopExecution: ABORTED, no Catch runs). Ten minutes of
    // silence later a GET asks the execution and marks the launch failed; then the resume route.
    const later = () => new Date(Date.parse(LAUNCH_AT) + LAUNCH_SILENCE_MS + 60_000);
    const executions: LaunchExecutions = { outcome: async () => ({ status: 'aborted' }) as never };
    const shown = await readLaunch(
      { workspaceId, campaignId: 'camp-1', launchId },
      { launches, executions, now: later },
    );
    expect(shown.status).toBe('failed');
    const starts: { attempt?: number; from?: LaunchResumePoint }[] = [];
    const starter = {
      start: async (input: { attempt?: number; from?: LaunchResumePoint }) => {
        starts.push(input);
      },
    };
    const refusal = await resumeLaunch(
      { workspaceId, campaignId: 'camp-1', launchId },
      { launches, starter, now: later },
    )
      .then(() => undefined)
      .catch((error: unknown) => error as { code?: string; message?: string });

    // Assess: the resume is taken (the launch enrolled and counted its first page: it was no
    // malformed start) ...
    expect(
      refusal,
      `the resume of a stopped launch was refused: ${refusal?.code} "${refusal?.message}"; only a new enrol request is left, which re-reads (and under re-entry always re-mails) the whole audience`,
    ).toBeUndefined();
    // ... and, run from where it starts, it finishes the audience with every contact queued once.
    const start = starts[0] as { attempt?: number; from?: LaunchResumePoint };
    const payload = launchPayload({ workspaceId, campaignId: 'camp-1', launchId, ...start }) as AudiencePage;
    await enrolUntilDone(payload, { ...deps, now: later });
    const ids = sent.map((m) => (m as { contactId: string }).contactId);
    expect(new Set(ids).size).toBe(6);
    expect(ids.length).toBe(6);
    expect(await launches.get(workspaceId, launchId)).toMatchObject({ status: 'done', queued: 6 });
  });
});
