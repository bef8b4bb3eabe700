// Review round 19: this test failed at d10baec.
/**
 * Approving AI copy (shared/campaigns/ai-copy.ts `approveAiDraft`):
 * - With the node's own AI-copy template deleted (before the approval reads it, or between that read
 *   and the new version), the approval versioned it anyway and answered 404 for ever. It now makes a
 *   new AI-copy template, as a first approval does, keeping the deleted one's topic (a topic opt-out
 *   still stops the mail), and removes that new template again when the campaign write loses.
 * - The approval creates and versions email templates but needed only `campaigns:write`: a caller
 *   without `templates:write` is now refused (403 FORBIDDEN), nothing written.
 */
import { describe, expect, it } from 'vitest';
import { approveAiDraft, generateAiDraft } from '../../../shared/campaigns/ai-copy';
import { deleteTemplate, getTemplate } from '../../../shared/email/stored-templates';
import type { Permission } from '../../../shared/identity/permissions';
import { personalisedJson } from '../ai/fakes';
import { aiCopyWorld, emailJourney, USER, WS } from './ai-copy-fixture';

const writer = (...permissions: Permission[]) => ({
  workspaceId: WS,
  userId: USER,
  permissions: new Set<Permission>(permissions),
});

const world = () =>
  aiCopyWorld({
    steps: [personalisedJson(), personalisedJson(), personalisedJson()],
    journey: emailJourney({ goal: 'Book a demo' }),
  });

const both = writer('campaigns:write', 'templates:write');
const failure = (e: { status?: number; code?: string }) => ({ status: e.status, code: e.code });

describe('approving AI copy once the node’s own template is deleted (r19d-fix)', () => {
  it('makes a new AI-copy template that keeps the deleted one’s topic', async () => {
    const { deps, campaign } = await world();
    const first = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const { approval } = await approveAiDraft(both, campaign.campaignId, 'mail', first.draftId, {}, deps);
    await deleteTemplate(WS, approval.templateId, deps);

    const second = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const next = await approveAiDraft(both, campaign.campaignId, 'mail', second.draftId, {}, deps);
    expect(next.approval.templateId).not.toBe(approval.templateId);
    const made = await getTemplate(WS, next.approval.templateId, undefined, deps);
    expect({ topic: made.topic, version: made.version }).toEqual({ topic: 'news', version: 1 });
    // The node names it: a third approval versions it (no further template).
    const third = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const again = await approveAiDraft(both, campaign.campaignId, 'mail', third.draftId, {}, deps);
    expect(again.approval).toMatchObject({ templateId: next.approval.templateId, version: 2 });
  });

  it('makes a new one when the template is deleted between its read and the new version', async () => {
    const { deps, campaign, templates } = await world();
    const first = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const { approval } = await approveAiDraft(both, campaign.campaignId, 'mail', first.draftId, {}, deps);
    templates.hooks.beforeAddVersion = async () => {
      templates.hooks.beforeAddVersion = undefined;
      await deleteTemplate(WS, approval.templateId, deps);
    };
    const second = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const next = await approveAiDraft(both, campaign.campaignId, 'mail', second.draftId, {}, deps).catch(failure);
    expect(next).toMatchObject({ approval: { version: 1 } });
  });

  it('removes the template it made when the campaign write loses', async () => {
    const { deps, campaign, templates, campaigns } = await world();
    const first = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const { approval } = await approveAiDraft(both, campaign.campaignId, 'mail', first.draftId, {}, deps);
    await deleteTemplate(WS, approval.templateId, deps);
    const second = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    campaigns.refuseNext();
    const outcome = await approveAiDraft(both, campaign.campaignId, 'mail', second.draftId, {}, deps).catch(failure);
    expect(outcome).toEqual({ status: 409, code: 'CAMPAIGN_CHANGED' });
    const live = [...templates.records.values()].filter((r) => !r.deletedAt).map((r) => r.templateId);
    expect(live).toEqual(['base']);
  });
});

describe('who may approve AI copy (r19d-fix)', () => {
  it('needs templates:write as well as campaigns:write (it writes an email template)', async () => {
    const { deps, campaign, templates } = await world();
    const draft = await generateAiDraft(both, campaign.campaignId, 'mail', deps);
    const refused = await approveAiDraft(
      writer('campaigns:write'),
      campaign.campaignId,
      'mail',
      draft.draftId,
      {},
      deps,
    ).catch(failure);
    expect(refused).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect([...templates.records.keys()]).toEqual([`${WS}/base`]);
    expect((await deps.campaigns.get(WS, campaign.campaignId))?.aiCopyApprovals).toBeUndefined();

    const approved = await approveAiDraft(both, campaign.campaignId, 'mail', draft.draftId, {}, deps);
    expect(approved.approval.draftId).toBe(draft.draftId);
  });
});
