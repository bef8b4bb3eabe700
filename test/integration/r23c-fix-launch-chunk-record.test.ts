/**
 * Review round 23 (c), the fix: a launch's run is a chain of executions (launch-chain.ts), and its
 * record keeps where its last counted page ran (`chunk`), so a silent launch's execution is asked
 * where it is (readLaunch). The chunk is written with the page's count, once; a resume starts a new
 * chain, so it clears it; the API's answer never shows it.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import type { LaunchExecutions } from '../../shared/campaigns/ports';
import { LAUNCH_SILENCE_MS, readLaunch } from '../../shared/campaigns/resume-launch';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r23c-fix-chunk-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const at = '2026-12-06T10:00:00.000Z';

describe('the launch record keeps where in its chain the last page ran', () => {
  it('records the chunk with the count, once, clears it at a resume, and asks the execution there', async () => {
    // Prepare
    const launches = dynamoLaunches(db, CORE);
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    await launches.begin(ws, 'cmp1', 'l1', at);
    const decide = (key: string) =>
      launches.recordPage(ws, 'l1', key, { contactIds: ['c'], suppressed: 0, next: 'n' }, at);

    // Act: a page of the first execution, then pages of the third (chunk 2); a late retry of a page
    // counted before writes nothing.
    await decide('first');
    await launches.addPage(ws, 'l1', 'first', { queued: 1, suppressed: 0 }, false, at);
    expect(await launches.get(ws, 'l1')).not.toHaveProperty('chunk');
    await decide('p-2000');
    await launches.addPage(ws, 'l1', 'p-2000', { queued: 1, suppressed: 0 }, false, at, 2);
    await launches.addPage(ws, 'l1', 'first', { queued: 1, suppressed: 0 }, false, at, 7);

    // Assess
    expect(await launches.get(ws, 'l1')).toMatchObject({ status: 'running', queued: 2, chunk: 2 });
    const asked: Array<[number, number | undefined]> = [];
    const executions: LaunchExecutions = {
      outcome: async (_l, attempt, chunk) => {
        asked.push([attempt, chunk]);
        return { status: 'running' };
      },
    };
    const later = () => new Date(Date.parse(at) + LAUNCH_SILENCE_MS + 1);
    const shown = await readLaunch(
      { workspaceId: ws, campaignId: 'cmp1', launchId: 'l1' },
      { launches, executions, now: later },
    );
    expect(asked).toEqual([[0, 2]]);
    expect(shown).not.toHaveProperty('chunk');

    // A failure with a resume point, then the resume: the new run starts at its first execution.
    await launches.fail(ws, 'cmp1', 'l1', 'Error: boom', at, { cursor: 'n', enrolled: 2, pageSize: 100 });
    expect(await launches.resume(ws, 'l1')).toMatchObject({ attempt: 1 });
    expect(await launches.get(ws, 'l1')).toMatchObject({ status: 'running', resumed: 1 });
    expect(await launches.get(ws, 'l1')).not.toHaveProperty('chunk');
    // Its last page, in its second execution, closes the launch and says where it ran.
    await launches.recordPage(ws, 'l1', 'n', { contactIds: ['d'], suppressed: 0 }, at);
    await launches.addPage(ws, 'l1', 'n', { queued: 1, suppressed: 0 }, true, at, 1);
    expect(await launches.get(ws, 'l1')).toMatchObject({ status: 'done', queued: 3, chunk: 1 });
  });
});
