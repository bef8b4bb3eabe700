// Review round 17: this test failed at 2d3df06.
// A retried launch page read the audience again instead of doing what its first try did (a contact
// queued by the first try but gone from the page at the retry was enrolled yet never counted), a
// page recorded again as the last one left the launch `running`, and so did `readLaunch` when the
// launch's execution had SUCCEEDED.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { enrolAudiencePage } from '../../shared/campaigns/enrol-audience-page';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { readLaunch } from '../../shared/campaigns/resume-launch';
import type { Contact } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';
import { LAUNCH_AT as at, enrolUntilDone, firstPage, setOnContact, vipAudience } from '../support/launch-pages';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r17a-fix-launch-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const untag = (workspaceId: string, contactId: string) => setOnContact(db, CORE, workspaceId, contactId, 'tags', []);

describe('a retried launch page does what its first try did', () => {
  it('a page whose messages went out but whose send answered an error is replayed, not read again', async () => {
    // Prepare: four vip contacts; the queue takes the first page's messages, then answers an error.
    let sendFails = true;
    const sent: DripStepMessage[] = [];
    const { workspaceId, people, deps } = await vipAudience(db, CORE, 4, {
      sendAll: async (m) => {
        sent.push(...m);
        if (sendFails) throw new Error('the answer of SendMessageBatch was lost');
      },
    });
    const page = firstPage(workspaceId, 'launch-1', 2);
    await expect(enrolAudiencePage(page, deps as never)).rejects.toThrow(/answer/);
    sendFails = false;
    // The first page's first contact leaves the audience before the state machine's retry.
    await untag(workspaceId, (people[0] as Contact).contactId);

    // Act: the retry, then the pages after it, until done.
    await enrolUntilDone(page, deps);

    // Assess: every contact queued is counted once, and the page's retry queued nobody new.
    const queued = new Set(sent.map((m) => (m as { contactId: string }).contactId));
    expect(queued.size).toBe(4);
    expect(await deps.launches.get(workspaceId, 'launch-1')).toMatchObject({ status: 'done', queued: 4 });
  });

  it('a page recorded again as the last one leaves the launch done, counted once', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const launches = dynamoLaunches(db, CORE);
    await launches.begin(workspaceId, 'camp-1', 'launch-2', at);
    await launches.addPage(workspaceId, 'launch-2', 'first', { queued: 2, suppressed: 1 }, false, at);
    await launches.addPage(workspaceId, 'launch-2', 'first', { queued: 2, suppressed: 1 }, true, at);
    expect(await launches.get(workspaceId, 'launch-2')).toMatchObject({ status: 'done', queued: 2, suppressed: 1 });
  });

  it('readLaunch finishes a silent running launch whose execution SUCCEEDED', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const launches = dynamoLaunches(db, CORE);
    await launches.begin(workspaceId, 'camp-1', 'launch-3', at);
    await launches.addPage(workspaceId, 'launch-3', 'first', { queued: 3, suppressed: 0 }, false, at);
    const later = () => new Date(Date.parse(at) + 11 * 60_000);
    const succeeded = { outcome: async () => ({ status: 'succeeded' as const }) };

    const progress = await readLaunch(
      { workspaceId, campaignId: 'camp-1', launchId: 'launch-3' },
      { launches, executions: succeeded, now: later },
    );

    expect(progress).toMatchObject({ status: 'done', queued: 3, finishedAt: later().toISOString() });
    expect(await launches.get(workspaceId, 'launch-3')).toMatchObject({ status: 'done' });
  });

  it("readLaunch asks only the current run's execution (a resumed launch: run 1)", async () => {
    // A record failed then resumed (run 1, still going): only run 1's execution speaks for it.
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const launches = dynamoLaunches(db, CORE);
    await launches.begin(workspaceId, 'camp-1', 'launch-4', at);
    await launches.fail(workspaceId, 'camp-1', 'launch-4', 'boom', at, { enrolled: 0, pageSize: 2 });
    await launches.resume(workspaceId, 'launch-4');
    const asked: number[] = [];
    const running = {
      outcome: async (_l: string, attempt: number) => {
        asked.push(attempt);
        return { status: 'running' as const };
      },
    };
    const progress = await readLaunch(
      { workspaceId, campaignId: 'camp-1', launchId: 'launch-4' },
      { launches, executions: running, now: () => new Date(Date.parse(at) + 11 * 60_000) },
    );
    expect(asked).toEqual([1]);
    expect(progress.status).toBe('running');
  });
});
