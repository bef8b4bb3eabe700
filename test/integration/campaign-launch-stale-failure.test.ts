/**
 * Review round 13: this test failed at 3c0df96 (a late copy of attempt 0's failure report, retried by
 * the state machine, marked a running resume failed, and a second resume started beside it).
 *
 * The state machine's RecordFailure task is retried (2, 4, 8 s) on any error, also when its write
 * went through and only its answer was lost. The failing page's payload now carries its run
 * (`attempt`, set by `launchPayload` on a resume), and `LaunchRecords.fail` writes only while that
 * run is the launch's current one (`resumed = :attempt`, or no `resumed` for attempt 0).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { recordLaunchFailure } from '../../shared/campaigns/enrol-audience-page';
import type { LaunchStarter } from '../../shared/campaigns/ports';
import { resumeLaunch } from '../../shared/campaigns/resume-launch';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('launch-stale-failure-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe("a launch's failure record and its attempts", () => {
  it("a late copy of attempt 0's failure leaves a running resume alone (no second resume)", async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const launches = dynamoLaunches(db, CORE);
    const now = () => new Date('2026-03-01T10:00:00.000Z');
    const started: Array<number | undefined> = [];
    const starter: LaunchStarter = { start: async (input) => void started.push(input.attempt) };
    const ids = { workspaceId, campaignId: 'camp-1', launchId: 'launch-1' };
    await launches.begin(workspaceId, 'camp-1', 'launch-1', now().toISOString());
    // Attempt 0: its second page keeps failing; the Catch records the failure.
    const failedPage = { ...ids, cursor: 'page-2', enrolled: 100, pageSize: 100 };
    const failure = { ...ids, failure: { Error: 'ThrottlingException', Cause: 'slow down' } };
    await recordLaunchFailure(failure, failedPage, { launches, now });
    // A person resumes it: attempt 1 runs from page 2.
    await resumeLaunch(ids, { launches, starter, now });
    expect(await launches.get(workspaceId, 'launch-1')).toMatchObject({ status: 'running', resumed: 1 });

    // The RecordFailure task of attempt 0 is retried (its first try's answer was lost).
    await recordLaunchFailure(failure, failedPage, { launches, now });

    // Attempt 1 is still running: the record must say so, and no second resume may start.
    expect(await launches.get(workspaceId, 'launch-1')).toMatchObject({ status: 'running', resumed: 1 });
    await expect(resumeLaunch(ids, { launches, starter, now })).rejects.toMatchObject({ code: 'LAUNCH_NOT_FAILED' });
    expect(started).toEqual([1]);
  });
});
