// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (r22b). Defect: a promotion stays in force on every published version still
 * running (promotions live on the campaign record and `dynamoCampaignVersions.load` adds them to
 * whichever version an enrolment runs on), but `DELETE .../nodes/{nodeId}/promote` (and the
 * promote route) only accepts a node of the LATEST published version (promotion.ts `abNodeOf` over
 * `runningJourney`). Republish a journey that dropped (or renamed) the split, and the promotion
 * made on v1 can no longer be undone: 404 NODE_NOT_FOUND, while every contact still on v1 who
 * reaches the split keeps being sent to the promoted arm, for good.
 *
 * docs/CAMPAIGNS.md: "`DELETE /api/campaigns/{id}/nodes/{nodeId}/promote` Undo the node's
 * promotion: new arrivals are split again (200; nothing in force: unchanged)" and "Promotions are
 * stored on the campaign record ... adds them to the rules of whichever published version an
 * enrolment runs on".
 */
import { describe, expect, it } from 'vitest';
import { dynamoCampaignVersions } from '../../shared/adapters/dynamo-campaigns';
import {
  type CampaignDeps,
  createCampaign,
  createCampaignBody,
  publishCampaign,
  updateCampaign,
  updateCampaignBody,
} from '../../shared/campaigns/campaign';
import type { Journey } from '../../shared/campaigns/journey';
import { promoteNode, undoPromotion } from '../../shared/campaigns/promotion';
import { type armFor, promotedArm } from '../../shared/campaigns/split';
import { memoryCampaigns, WS } from './campaigns/campaign-world';

const V1 = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      holdoutPercent: 0,
      arms: [
        { id: 'a', percent: 50, next: 'mail-a' },
        { id: 'b', percent: 50, next: 'mail-b' },
      ],
    },
    { id: 'mail-a', kind: 'email', templateId: 't-a', next: 'end' },
    { id: 'mail-b', kind: 'email', templateId: 't-b', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

/** v2: the split is gone (the team settled on one mail for new contacts). */
const V2 = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'mail-b' },
    { id: 'mail-b', kind: 'email', templateId: 't-b', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('r22b: undoing a promotion of a node the latest version no longer has', () => {
  it('is possible while enrolments on the older version still arrive at it', async () => {
    const campaigns = memoryCampaigns();
    const deps: CampaignDeps = { campaigns, now: () => new Date('2026-12-07T10:00:00Z'), newId: () => 'cmp1' };
    const same = async (j: Journey) => j;
    const created = await createCampaign(
      WS,
      'u1',
      createCampaignBody.parse({ name: 'A/B', journey: V1, rules: { timeZone: 'UTC' } }),
      deps,
    );
    const id = created.campaignId;
    await publishCampaign(WS, id, deps, same);
    await promoteNode(WS, id, 'ab', { arm: 'b' }, 'u1', deps);
    await updateCampaign(WS, id, updateCampaignBody.parse({ journey: V2 }), deps);
    await publishCampaign(WS, id, deps, same);

    // Contacts enrolled on v1 (waiting 3 days before the split) still take the promoted arm.
    const versions = dynamoCampaignVersions(campaigns);
    const v1 = await versions.load(WS, id, 1);
    const split = v1?.published?.journey.nodes.find((n) => n.id === 'ab') as Parameters<typeof armFor>[0];
    expect(promotedArm(split, v1?.published?.rules.promotions)?.id).toBe('b');

    // A person undoes it: new arrivals at the split are to be split again.
    const undone = await undoPromotion(WS, id, 'ab', 'u1', deps).then(
      (c) => ({ ok: true as const, promotion: c.promotions?.ab }),
      (e: { status?: number; code?: string; message?: string }) => ({
        ok: false as const,
        refused: `${e.status} ${e.code}: ${e.message}`,
      }),
    );
    expect(
      undone.ok ? 'undone' : undone.refused,
      'the undo of a promotion still in force on a running version is refused',
    ).toBe('undone');
    const after = await versions.load(WS, id, 1);
    expect(promotedArm(split, after?.published?.rules.promotions)).toBeUndefined();
  });
});
