/**
 * Review round 14: this test failed at cb20668 (a refused, 409, approval of an AI draft left the
 * template it had written: a live orphan "AI copy" template per attempt).
 *
 * Defect: POST /api/campaigns/{id}/nodes/{nodeId}/ai-drafts/{draftId}/approve writes the email
 * template (a new "AI copy: <campaign> / <node>" template, or a new version of the node's own
 * AI-copy template) BEFORE the conditional write of the campaign. When that write loses to a
 * concurrent change (another approval - a double click -, a PATCH of the draft, a promotion, a
 * stats read that auto-promotes) the route answers 409 CAMPAIGN_CHANGED ("read it again and
 * retry"), yet the template it wrote stays: every conflicting attempt leaves an orphan marketing
 * template in GET /api/email-templates (or an orphan latest version of the node's template), and
 * following the error's advice (retry) makes one more. A rejected request changed something.
 * Seen through the whole local runtime too: three concurrent approvals of one draft answered
 * 200, 409, 409 and left three "AI copy: Race / mail" templates.
 *
 * Severity: LOW (no mail goes out from an orphan; it clutters the template list, can be picked by
 * mistake, and is "latestVersion" of the node's template on the version path).
 *
 * Root cause: shared/campaigns/ai-copy.ts approveAiDraft: createTemplate/updateTemplate run
 * before `deps.campaigns.replace(next)`; a false replace throws 409 with nothing undone.
 *
 * Correct: a 409 leaves no trace. E.g. re-read and check the campaign revision before writing
 * the template and mark/delete the template written when the replace loses, or make the
 * template write and the campaign write one transaction; or write the template under an id
 * derived from (campaign, node, draft) so a retry reuses it instead of adding another.
 */
import { describe, expect, it } from 'vitest';
import { approveAiDraft } from '../../../shared/campaigns/ai-copy';
import { aiCopyDraft, aiCopyWorld, USER, WS } from './ai-copy-fixture';

describe('approving an AI draft that loses to a concurrent change of the campaign', () => {
  it('answers 409 CAMPAIGN_CHANGED and leaves no template behind', async () => {
    // No template `base`: the template list holds only what the approval writes.
    const w = await aiCopyWorld({ baseTemplate: false });
    const { campaign, campaigns, templates } = w;
    const draft = aiCopyDraft({ campaignId: campaign.campaignId });
    const deps = {
      ...w.deps,
      drafts: { get: async () => structuredClone(draft), setApproved: async () => undefined },
    };

    campaigns.raceOnNextRead();
    await expect(
      approveAiDraft({ workspaceId: WS, userId: USER }, campaign.campaignId, 'mail', 'd1', {}, deps),
    ).rejects.toMatchObject({ status: 409, code: 'CAMPAIGN_CHANGED' });

    // The request was refused: it must not have left a live template (the template list shows live ones).
    expect(
      [...templates.records.values()].filter((t) => !t.deletedAt).map((t) => t.name),
      'a template written by the refused (409) approval',
    ).toEqual([]);
  });
});
