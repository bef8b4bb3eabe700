// Review round 16: this test failed at e19efd2.
/**
 * Approving an AI draft writes the campaign (the node names the new template version, the
 * approval recorded) and then marks the draft approved. When that second write fails (a throttle),
 * the client gets a 5xx while the campaign already carries the approved copy; its retry (the
 * obvious answer to a 5xx) wrote another template version and another campaign revision for the
 * same approval. Correct: the retry finds the draft's approval applied, marks the draft, and
 * answers as the first would have: same template version, no second write of the campaign.
 */
import { describe, expect, it } from 'vitest';
import { type AiCopyDraft, type ApproveBody, approveAiDraft } from '../../../shared/campaigns/ai-copy';
import type { AiCopyApproval } from '../../../shared/campaigns/ai-copy-rules';
import { aiCopyDraft, aiCopyWorld, caller, FOOTER, WS } from '../campaigns/ai-copy-fixture';

async function world() {
  // No template `base`: the template store holds only what the approvals write.
  const w = await aiCopyWorld({ baseTemplate: false });
  const { campaign, campaigns, templates } = w;
  const draft = (draftId: string): AiCopyDraft =>
    aiCopyDraft({
      campaignId: campaign.campaignId,
      draftId,
      html: `<p>Hello ${draftId}</p>${FOOTER}`,
      createdAt: '2026-12-04T09:00:00.000Z',
    });
  const marked = new Map<string, AiCopyApproval>();
  let failNextMark = false;
  const deps = {
    ...w.deps,
    drafts: {
      get: async (_ws: string, _c: string, _n: string, id: string) => draft(id),
      async setApproved(d: AiCopyDraft, approval: AiCopyApproval) {
        if (failNextMark) {
          failNextMark = false;
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
            name: 'ThrottlingException',
          });
        }
        marked.set(d.draftId, approval);
      },
    },
  };
  const approve = (draftId: string, body: ApproveBody = {}) =>
    approveAiDraft(caller, campaign.campaignId, 'mail', draftId, body, deps);
  return {
    campaigns,
    templates,
    marked,
    approve,
    campaignId: campaign.campaignId,
    failNextMark: () => {
      failNextMark = true;
    },
  };
}

describe('an AI draft approval whose draft mark fails after the campaign was written', () => {
  it('answers a retry as the first approval would have, without a second template version', async () => {
    const w = await world();
    w.failNextMark();
    await expect(w.approve('d1')).rejects.toMatchObject({ name: 'ThrottlingException' });
    const afterFirst = await w.campaigns.get(WS, w.campaignId);
    expect(afterFirst?.aiCopyApprovals?.mail?.draftId).toBe('d1');
    const versionsBefore = w.templates.versions.size;
    const replacesBefore = w.campaigns.replaces;

    const retried = await w.approve('d1');

    expect(retried.approval).toEqual(afterFirst?.aiCopyApprovals?.mail);
    expect(retried.campaign.revision).toBe(afterFirst?.revision);
    expect(w.templates.versions.size, 'a second template version for the same approval').toBe(versionsBefore);
    expect(w.campaigns.replaces).toBe(replacesBefore);
    expect(w.marked.get('d1')).toEqual(retried.approval);
  });

  it('a double click (the same approval twice) writes one template version', async () => {
    const w = await world();
    const first = await w.approve('d1', { subject: 'Spring is here' });
    const second = await w.approve('d1', { subject: 'Spring is here' });
    expect(second.approval).toEqual(first.approval);
    expect(w.templates.versions.size).toBe(1);
  });

  it('an edited re-approval of the same draft, or another draft, still writes a new version', async () => {
    const w = await world();
    const first = await w.approve('d1');
    const edited = await w.approve('d1', { subject: 'A new subject' });
    expect(edited.approval.version).toBe(first.approval.version + 1);
    expect(edited.approval.edited).toBe(true);
    const other = await w.approve('d2');
    expect(other.approval).toMatchObject({ draftId: 'd2', version: first.approval.version + 2 });
    expect(w.templates.versions.size).toBe(3);
  });
});
