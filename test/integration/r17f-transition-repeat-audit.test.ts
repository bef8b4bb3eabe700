// Review round 17 (re-review): this test failed at 20c8653.
// Defect: a repeated status change (a retry of resume/pause/archive whose answer was lost, or a
// double click) writes nothing to the campaign, yet writes a SECOND audit entry: the transition
// returns the campaign as it is (no write, `markWritten` never called), so the route answers
// `inWrite: false` and the edge's audit middleware appends an entry of its own for a change that
// did not happen. The audit log then shows two resumes (two archives) for one.
// Severity: LOW (audit log accuracy; the project's rule since b0a8bf2: "a repeated revocation,
// invite withdrawal or alert acknowledgement writes no second audit entry"; docs/CAMPAIGNS.md:
// "a retry answers 200 and writes nothing").
// Root cause: functions/campaigns.ts `transition` (audit: { ..., inWrite: withChange?.written === true })
// together with shared/campaigns/campaign.ts `transitionCampaign` (already-there early return).
// Correct: a transition to the status the campaign already has writes no audit entry (answer with
// no `audit`, or mark it as handled), so one change = one entry.
import { describe, expect, it } from 'vitest';
import { campaignsFunctionForFile } from '../support/campaign-wiring';

const wiring = campaignsFunctionForFile('r17f-raud-');
const { auditCount, pausedCampaignWithHeldContact } = wiring;
/** Every route this file calls is a POST. */
const call = (routeKey: string, id?: string, body?: unknown) => wiring.call('POST', routeKey, id, body);

describe('a repeated status change is audited once', () => {
  it('a resume sent twice leaves one campaigns.resume entry', async () => {
    const id = await pausedCampaignWithHeldContact();
    expect((await call('POST /api/campaigns/{id}/resume', id)).status).toBe(200);
    expect(await auditCount('campaigns.resume', id)).toBe(1);
    const again = await call('POST /api/campaigns/{id}/resume', id);
    expect(again.status).toBe(200);
    expect(await auditCount('campaigns.resume', id), 'the repeat changed nothing: no second entry').toBe(1);
  });

  it('an archive sent twice leaves one campaigns.archive entry', async () => {
    const id = await pausedCampaignWithHeldContact();
    expect((await call('POST /api/campaigns/{id}/archive', id)).status).toBe(200);
    expect((await call('POST /api/campaigns/{id}/archive', id)).status).toBe(200);
    expect(await auditCount('campaigns.archive', id), 'the repeat changed nothing: no second entry').toBe(1);
  });
});
