// Review round 26 (a), follow-up: the email sender's campaign fence (shared/campaigns/send-fence.ts)
// fails open: a read that finds nothing lets the mail go. So its DynamoDB reads
// (shared/adapters/dynamo-campaign-send-fence.ts) are checked here against the items the campaign
// function and the engine really write: a wrong key or a misread type would let every stopped
// run's mail through unnoticed by the unit tests, which use in-memory reads.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dynamoSendFenceReads } from '../../shared/adapters/dynamo-campaign-send-fence';
import { campaignSendFence } from '../../shared/campaigns/send-fence';
import { campaignsFunctionForFile, WAIT_JOURNEY } from '../support/campaign-wiring';

const wiring = campaignsFunctionForFile('r26a-fence-');
const post = (routeKey: string, id?: string, body?: unknown) => wiring.call('POST', routeKey, id, body);

describe('the campaign send fence reads what the campaign function writes', () => {
  it('lets an active run mail, holds it while the campaign is paused, and closes it once archived', async () => {
    const created = await post('POST /api/campaigns', undefined, { name: 'Fence', journey: WAIT_JOURNEY });
    expect(created.status).toBe(201);
    const id = created.json.campaign.campaignId as string;
    expect((await post('POST /api/campaigns/{id}/publish', id)).status).toBe(200);
    const contactId = `c-${randomUUID().slice(0, 8)}`;
    await wiring.putHeldEnrolment(id, contactId);
    await wiring.drainQueue();

    const ws = wiring.owner.workspaceId;
    const reads = dynamoSendFenceReads(wiring.db, wiring.core);
    expect(await reads.enrolment(ws, id, contactId)).toEqual({ run: 1 });
    expect(await reads.campaignStatus(ws, id)).toBe('active');
    const fence = campaignSendFence(reads);
    const key = `campaign#${id}#${contactId}#1#pause#2`;
    expect(await fence(ws, key), 'an active campaign: the mail goes').toBeUndefined();

    expect((await post('POST /api/campaigns/{id}/pause', id)).status).toBe(200);
    expect(await fence(ws, key), 'paused: the mail waits').toMatchObject({ hold: expect.any(String) });

    expect((await post('POST /api/campaigns/{id}/resume', id)).status).toBe(200);
    await wiring.drainQueue();
    expect(await fence(ws, key), 'resumed: the mail goes again').toBeUndefined();

    expect((await post('POST /api/campaigns/{id}/archive', id)).status).toBe(200);
    await wiring.drainQueue();
    expect(await fence(ws, key), 'archived: closed for good').toMatchObject({ close: expect.any(String) });
    // Another workspace's reads find neither record: nothing of this campaign is judged there.
    expect(await reads.campaignStatus('ws-other', id)).toBeUndefined();
    expect(await reads.enrolment('ws-other', id, contactId)).toBeUndefined();
  });
});
