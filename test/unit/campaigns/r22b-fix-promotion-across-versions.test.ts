/**
 * Review round 22 (r22b), the class of `test/unit/r22b-undo-promotion-after-republish.test.ts`: a
 * promotion lives on the campaign record and applies to every published version an enrolment runs
 * on, so it is judged against those versions, not the latest one alone:
 * - a person promotes a split only an older version (still running) has, through that version's
 *   node, even when the latest one reuses the id for a plain email node;
 * - any promotion recorded can be undone, whatever the latest version made of its node;
 * - a node no version has is 404, one no version has as an A/B node 400 `NOT_AN_AB_NODE`, both for
 *   a promotion and for an undo with nothing recorded (which changes nothing);
 * - a name a plain object inherits (`toString`) is never read as a promotion recorded;
 * - the `promote` rule of an older version's node (dropped since) is applied for that version's
 *   steps, judged on that version's stored node.
 */
import { describe, expect, it } from 'vitest';
import { dynamoCampaignVersions } from '../../../shared/adapters/dynamo-campaigns';
import {
  type CampaignDeps,
  createCampaign,
  createCampaignBody,
  getCampaign,
  publishCampaign,
  updateCampaign,
  updateCampaignBody,
} from '../../../shared/campaigns/campaign';
import type { Journey } from '../../../shared/campaigns/journey';
import { autoPromoter, autoPromotingVersions, promoteNode, undoPromotion } from '../../../shared/campaigns/promotion';
import { memoryCampaigns, WS } from './campaign-world';

const SPLIT = {
  id: 'ab',
  kind: 'split',
  holdoutPercent: 0,
  arms: [
    { id: 'a', percent: 50, next: 'mail-a' },
    { id: 'b', percent: 50, next: 'mail-b' },
  ],
};
const V1 = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'ab' },
    SPLIT,
    { id: 'mail-a', kind: 'email', templateId: 't-a', next: 'end' },
    { id: 'mail-b', kind: 'email', templateId: 't-b', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
/** v2 reuses the split's id for a plain email node. */
const V2_REUSED = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'ab' },
    { id: 'ab', kind: 'email', templateId: 't-b', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
/** v2 drops the split. */
const V2_DROPPED = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'mail-b' },
    { id: 'mail-b', kind: 'email', templateId: 't-b', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const same = async (j: Journey) => j;

/** A campaign published as v1 then, when given, as v2. */
async function republished(v1: unknown, v2?: unknown) {
  const campaigns = memoryCampaigns();
  const deps: CampaignDeps = { campaigns, now: () => new Date('2026-12-07T10:00:00Z'), newId: () => 'cmp1' };
  const { campaignId: id } = await createCampaign(
    WS,
    'u1',
    createCampaignBody.parse({ name: 'A/B', journey: v1, rules: { timeZone: 'UTC' } }),
    deps,
  );
  await publishCampaign(WS, id, deps, same);
  if (v2) {
    await updateCampaign(WS, id, updateCampaignBody.parse({ journey: v2 }), deps);
    await publishCampaign(WS, id, deps, same);
  }
  return { campaigns, deps, id };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
  );

describe('r22b: promotions judged against every version they apply to', () => {
  it('promotes a split only an older running version has, through its node, and undoes it', async () => {
    const { campaigns, deps, id } = await republished(V1, V2_REUSED);
    const promoted = await promoteNode(WS, id, 'ab', { arm: 'b' }, 'u1', deps);
    expect(promoted.promotions?.ab).toMatchObject({ arm: 'b', by: 'user:u1' });
    // v1's enrolments take it.
    const v1 = await dynamoCampaignVersions(campaigns).load(WS, id, 1);
    expect(v1?.published?.rules.promotions?.ab).toMatchObject({ arm: 'b' });
    // An arm neither version has, or a variant (v2's node is no A/B node: its reason, the newest).
    expect(await refusal(promoteNode(WS, id, 'ab', { arm: 'z' }, 'u1', deps))).toBe('400 NOT_AN_AB_NODE');
    expect(await refusal(promoteNode(WS, id, 'ab', { variant: 0 }, 'u1', deps))).toBe('400 NOT_AN_AB_NODE');
    // The undo of the promotion recorded: although the latest node of that id is a plain email node.
    const undone = await undoPromotion(WS, id, 'ab', 'u2', deps);
    expect(undone.promotions?.ab).toMatchObject({ arm: 'b', undone: { by: 'user:u2' } });
  });

  it("refuses an arm the older split lacks with that split's reason when the latest has no such node", async () => {
    const { deps, id } = await republished(V1, V2_DROPPED);
    expect(await refusal(promoteNode(WS, id, 'ab', { arm: 'z' }, 'u1', deps))).toBe('400 UNKNOWN_ARM');
    expect(await refusal(promoteNode(WS, id, 'ab', { variant: 1 }, 'u1', deps))).toBe('400 INVALID_PROMOTION');
    expect(await refusal(promoteNode(WS, id, 'ab', { arm: 'a' }, 'u1', deps))).toBe('accepted');
  });

  it('answers 404 / 400 for a node no version has (as an A/B node), promoting or undoing, and changes nothing', async () => {
    const { deps, id } = await republished(V1, V2_DROPPED);
    expect(await refusal(promoteNode(WS, id, 'nope', { arm: 'a' }, 'u1', deps))).toBe('404 NODE_NOT_FOUND');
    expect(await refusal(undoPromotion(WS, id, 'nope', 'u1', deps))).toBe('404 NODE_NOT_FOUND');
    expect(await refusal(undoPromotion(WS, id, 'pause', 'u1', deps))).toBe('400 NOT_AN_AB_NODE');
    // An A/B node of an older version with nothing recorded: unchanged.
    const before = await getCampaign(WS, id, deps);
    expect(await undoPromotion(WS, id, 'ab', 'u1', deps)).toEqual(before);
  });

  it('never reads a name a plain object inherits as a promotion recorded', async () => {
    const { deps, id } = await republished(V1);
    await promoteNode(WS, id, 'ab', { arm: 'b' }, 'u1', deps);
    const before = await getCampaign(WS, id, deps);
    for (const name of ['toString', 'valueOf', 'constructor']) {
      expect(await refusal(undoPromotion(WS, id, name, 'u1', deps))).toBe('404 NODE_NOT_FOUND');
    }
    expect(await getCampaign(WS, id, deps)).toEqual(before);
  });

  it("applies an older version's `promote` rule for that version's steps, on its stored node", async () => {
    const { campaigns, deps, id } = await republished(
      { nodes: V1.nodes.map((n) => (n.id === 'ab' ? { ...SPLIT, promote: { metric: 'converted' } } : n)) },
      V2_DROPPED,
    );
    const counters = { 'arm:ab:a': 200, 'arm:ab:b': 200, 'armconv:ab:a': 20, 'armconv:ab:b': 60 };
    const promoted: string[] = [];
    const versions = autoPromotingVersions(
      dynamoCampaignVersions(campaigns),
      autoPromoter({
        campaigns,
        counters: async () => counters,
        now: deps.now,
        promoted: (e) => void promoted.push(e.node),
        failed: (error) => {
          throw error;
        },
      }),
    );
    // A step on v1 (an enrolment that was waiting before the split when v2 came out) arrives.
    const v1 = await versions.load(WS, id, 1);
    expect(v1?.published?.rules.promotions?.ab).toMatchObject({ arm: 'b', by: 'auto' });
    expect(promoted).toEqual(['ab']);
    expect((await getCampaign(WS, id, deps)).promotions?.ab).toMatchObject({ arm: 'b', by: 'auto' });
  });
});
