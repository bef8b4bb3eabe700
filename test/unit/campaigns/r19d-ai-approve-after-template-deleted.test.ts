/**
 * Review round 19 (r19d): approving AI copy of a campaign email node.
 *
 * Defect (MEDIUM): once the node's own AI-copy template (made by its first approval) is
 * deleted through DELETE /api/email-templates/{id} (it is listed among the workspace's templates
 * like any other), no draft of that node can ever be approved again: every approval answers
 * 404 `TEMPLATE_NOT_FOUND` ("No such email template"), naming no template the person asked about.
 * The approval already tolerates a missing base (`getTemplate(...).catch(NotFoundError)`), but
 * then takes the "versioned" path because `previous.templateId === node.templateId`, and
 * `updateTemplate` refuses a deleted template.
 * Root cause: shared/campaigns/ai-copy.ts `approveAiDraft` (`versioned` ignores whether the
 * node's template is still live).
 * Correct: with the node's own template gone, the approval makes a new AI-copy template (as a
 * first approval does) and the node names it; the approval succeeds.
 */
import { describe, expect, it } from 'vitest';
import { approveAiDraft, generateAiDraft } from '../../../shared/campaigns/ai-copy';
import { deleteTemplate } from '../../../shared/email/stored-templates';
import { personalisedJson, type Step } from '../ai/fakes';
import { aiCopyWorld, caller, WS } from './ai-copy-fixture';

/** The base template has no topic here. */
const world = (steps: Step[]) => aiCopyWorld({ steps, baseTemplate: {} });

describe('approving AI copy (r19d)', () => {
  it('approves a new draft after the node’s own AI-copy template was deleted (not 404 for ever)', async () => {
    const { deps, campaign } = await world([personalisedJson(), personalisedJson()]);
    const first = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    const { approval } = await approveAiDraft(caller, campaign.campaignId, 'mail', first.draftId, {}, deps);
    // Someone tidies the templates list: the AI-copy template is deleted like any other template.
    await deleteTemplate(WS, approval.templateId, deps);

    const second = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    const outcome = await approveAiDraft(caller, campaign.campaignId, 'mail', second.draftId, {}, deps).then(
      (r) => ({ ok: true as const, approval: r.approval }),
      (e: { status?: number; code?: string }) => ({ ok: false as const, status: e.status, code: e.code }),
    );
    // Current code: { ok: false, status: 404, code: 'TEMPLATE_NOT_FOUND' } — the node can never be approved again.
    expect(outcome).toMatchObject({ ok: true });
    if (outcome.ok) expect(outcome.approval.templateId).not.toBe(approval.templateId);
  });
});
