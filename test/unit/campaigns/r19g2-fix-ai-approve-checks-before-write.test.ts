// Review round 19: this test failed at 4ce0ffd.
// approveAiDraft checked the whole draft journey after writing the template, and undid that write
// only on a lost race: a stored draft breaking a newer rule elsewhere refused the approval (400) and a
// failing campaign write (a storage error) left the "AI copy" template behind.
import { describe, expect, it } from 'vitest';
import { type AiCopyDraftStore, approveAiDraft } from '../../../shared/campaigns/ai-copy';
import { problemsBroughtIn } from '../../../shared/campaigns/ai-copy-rules';
import { publishCampaign } from '../../../shared/campaigns/campaign';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { aiCopyDraft, aiCopyWorld, caller, WS, ZERO_PERCENT_PROMOTE_JOURNEY } from './ai-copy-fixture';
import { type CampaignWriteFault, memoryCampaigns } from './campaign-world';

type Failure = CampaignWriteFault;

/** Draft `d1` alone; its approval mark only noted. */
function memoryDrafts(): Pick<AiCopyDraftStore, 'get' | 'setApproved'> & { approved: () => boolean } {
  const draft = aiCopyDraft();
  let approved = false;
  return {
    get: async (_ws, _c, _n, id) => (id === draft.draftId ? structuredClone(draft) : undefined),
    setApproved: async () => {
      approved = true;
    },
    approved: () => approved,
  };
}

/** Saved before the rule "a promote rule needs two arms above 0%": its split breaks it now. */
const STORED_JOURNEY = ZERO_PERCENT_PROMOTE_JOURNEY;

/** The same journey as every rule of today has it (both arms take contacts). */
const VALID_JOURNEY = journeySchema.parse({
  nodes: STORED_JOURNEY.nodes.map((n) =>
    n.kind === 'split' ? { ...n, arms: n.arms.map((a) => ({ ...a, percent: 50 })) } : n,
  ),
});

/** The campaign store's writes fail as `failReplace` says (a storage error before or after the write lands). */
async function world(opts: { failReplace?: () => Failure; journey?: typeof STORED_JOURNEY } = {}) {
  const w = await aiCopyWorld({
    campaigns: memoryCampaigns(opts.failReplace),
    journey: opts.journey ?? STORED_JOURNEY,
    stored: true,
  });
  const drafts = memoryDrafts();
  const deps = { ...w.deps, drafts };
  const live = async () => (await w.templates.list(WS, { limit: 100 })).templates.map((t) => t.templateId);
  return { deps, templates: w.templates, campaigns: w.campaigns, drafts, live };
}

describe('r19g2: approving AI copy judges what the approval changes, before any write', () => {
  it('approves the node of a stored draft whose split breaks a newer rule, first and again', async () => {
    const { deps, campaigns, templates } = await world();

    const first = await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);
    const again = await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring, again' }, deps);

    expect(first.approval.templateId).toBe('id1');
    // The second approval versions the node's own template (no second template).
    expect(again.approval).toMatchObject({ templateId: 'id1', version: 2 });
    expect([...templates.records.keys()].sort()).toEqual(['ws1/base', 'ws1/id1']);
    const saved = await campaigns.get(WS, 'cmp1');
    expect(saved?.revision).toBe(3);
    expect(saved?.journey.nodes.find((n) => n.id === 'mail')).toMatchObject({ templateId: 'id1', version: 2 });
    // The split is left as stored: the approval does not touch it...
    expect(saved?.journey.nodes.find((n) => n.id === 'ab')).toEqual(STORED_JOURNEY.nodes[1]);
  });

  it('leaves the unrelated problem to publish, which still refuses it naming the node', async () => {
    const { deps } = await world();
    await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);

    const published = publishCampaign(WS, 'cmp1', deps, async (j) => j);

    await expect(published).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_JOURNEY',
      details: { problems: [{ node: 'ab' }] },
    });
  });

  it('removes the template it made when the campaign write fails (a storage error)', async () => {
    const { deps, live, drafts } = await world({ failReplace: () => 'before-write', journey: VALID_JOURNEY });
    const before = await live();

    const approved = approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);

    await expect(approved).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(await live()).toEqual(before);
    expect(drafts.approved()).toBe(false);
  });

  it('keeps the template when the failed write landed all the same, and a retry answers the approval', async () => {
    let failure: Failure = 'after-write';
    const { deps, live, campaigns } = await world({ failReplace: () => failure, journey: VALID_JOURNEY });

    const first = approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);
    await expect(first).rejects.toThrow('TimeoutError');
    failure = undefined;
    const retried = await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);

    // The campaign names the template the first attempt made: it stays live, and the retry adds none.
    expect(await live()).toEqual(['base', 'id1']);
    expect(retried.approval).toMatchObject({ templateId: 'id1', version: 1 });
    expect((await campaigns.get(WS, 'cmp1'))?.revision).toBe(2);
  });
});

describe('r19g2: problemsBroughtIn', () => {
  const withSplit = (percents: [number, number], promote: boolean) =>
    journeySchema.parse({
      nodes: STORED_JOURNEY.nodes.map((n) =>
        n.kind === 'split'
          ? {
              ...n,
              arms: n.arms.map((a, i) => ({ ...a, percent: percents[i] })),
              ...(promote ? {} : { promote: undefined }),
            }
          : n,
      ),
    });

  it('names a problem the change brings in, not one the journey already had', () => {
    const fine = withSplit([100, 0], false);
    const broken = withSplit([100, 0], true);

    expect(problemsBroughtIn(fine, broken)).toEqual([expect.objectContaining({ node: 'ab' })]);
    expect(problemsBroughtIn(broken, broken)).toEqual([]);
    expect(problemsBroughtIn(broken, fine)).toEqual([]);
  });
});
