// Review round 17: this test failed at 2d3df06.
// A resume or an archive queued its follow-up (the `resume-page` pass over held enrolments) after
// its status write, with no outbox: a failed send answered 500 for a change that landed, left it
// unaudited, and nothing ever brought the held enrolments back; a repeat queued the pass again.
import { describe, expect, it } from 'vitest';
import { dynamoCampaignFollowUps } from '../../shared/adapters/dynamo-campaign-follow-ups';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { sweepDueSteps } from '../../shared/campaigns/resume-and-sweep';
import { campaignsFunctionForFile, throttleSqsWhile } from '../support/campaign-wiring';

let sqsFails = false;
const wiring = campaignsFunctionForFile('r17a-fpout-', { faults: () => throttleSqsWhile(() => sqsFails) });
const { record, drainQueue, auditCount, pausedCampaignWithHeldContact } = wiring;
/** Every route this file calls is a POST. */
const call = (routeKey: string, id?: string, body?: unknown) => wiring.call('POST', routeKey, id, body);

const passesOf = (messages: readonly DripStepMessage[], id: string) =>
  messages.filter((m) => m.kind === 'resume-page' && m.campaignId === id && !('recheck' in m && m.recheck));

const sweep = async () => {
  const swept: DripStepMessage[] = [];
  const result = await sweepDueSteps({
    shards: 1,
    due: async () => ({ enrolments: [] }),
    queue: { sendAll: async (m) => void swept.push(...m) },
    now: () => new Date('2100-01-01T00:00:00.000Z'),
    followUps: dynamoCampaignFollowUps(wiring.db, wiring.core),
  });
  return { swept, result };
};

describe('the follow-up of a status change is an outbox written with it', () => {
  it('an archive whose send fails answers 200, is audited once, and the sweeper sends its pass once', async () => {
    const id = await pausedCampaignWithHeldContact();
    sqsFails = true;
    const answer = await call('POST /api/campaigns/{id}/archive', id).finally(() => {
      sqsFails = false;
    });
    expect(answer.status, 'the archive landed: its answer is 200').toBe(200);
    expect(answer.json.campaign.status).toBe('archived');
    expect(await auditCount('campaigns.archive', id), 'the archive is audited once, with the change').toBe(1);
    const stored = await record(id);
    expect(stored.status).toBe('archived');
    expect(stored.followUp, 'the pass is pending on the record').toBe('resume-page');
    expect(passesOf(await drainQueue(), id)).toEqual([]);

    const first = await sweep();
    expect(passesOf(first.swept, id), 'the sweeper sends the pending pass').toHaveLength(1);
    expect((await record(id)).followUp, 'the marker goes once the pass is sent').toBeUndefined();
    const second = await sweep();
    expect(passesOf(second.swept, id), 'a pass sent is not sent again').toEqual([]);
  });

  it('a resume sends its pass at once, clears the marker, and a repeat of it sends nothing again', async () => {
    const id = await pausedCampaignWithHeldContact();
    const answer = await call('POST /api/campaigns/{id}/resume', id);
    expect(answer.status).toBe(200);
    expect(await auditCount('campaigns.resume', id)).toBe(1);
    expect(passesOf(await drainQueue(), id), 'the pass is queued at once').toHaveLength(1);
    expect((await record(id)).followUp).toBeUndefined();

    const again = await call('POST /api/campaigns/{id}/resume', id);
    expect(again.status).toBe(200);
    expect(passesOf(await drainQueue(), id), 'a repeated resume queues the pass a second time').toEqual([]);
    expect(passesOf((await sweep()).swept, id)).toEqual([]);
  });

  it('a pause after a resume whose send failed drops the pending pass; the next resume leaves its own', async () => {
    const id = await pausedCampaignWithHeldContact();
    sqsFails = true;
    expect(
      (
        await call('POST /api/campaigns/{id}/resume', id).finally(() => {
          sqsFails = false;
        })
      ).status,
    ).toBe(200);
    expect((await record(id)).followUp).toBe('resume-page');
    expect((await call('POST /api/campaigns/{id}/pause', id)).status).toBe(200);
    expect((await record(id)).followUp, 'a paused campaign has no pass to send').toBeUndefined();
    expect(passesOf((await sweep()).swept, id)).toEqual([]);
    expect((await call('POST /api/campaigns/{id}/resume', id)).status).toBe(200);
    expect(passesOf(await drainQueue(), id)).toHaveLength(1);
  });
});
