/**
 * Review round 19 (r19d): the AI-copy template's name cut inside a surrogate pair (real stores).
 *
 * Defect (LOW): approving AI copy names the node's new template
 * `truncate("AI copy: <campaign> / <node>", 200)`, cut with `String.slice` in UTF-16 code units.
 * A campaign name (singleLineText(200): emoji allowed) with an emoji across code units 189-190
 * leaves a lone high surrogate at the end of the cut. The stored template name is then not
 * well-formed Unicode: the template's own schema (singleLineText, which refuses lone surrogates
 * because "no mail header can encode" one) refuses it, so reading the template and saving it
 * back under its name answers 400.
 * Root cause: shared/campaigns/ai-copy.ts `truncate`.
 * Correct: cut on a code-point boundary; the stored name is well-formed.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignAiDrafts } from '../../shared/adapters/dynamo-campaign-ai-drafts';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import { dynamoEmailTemplates } from '../../shared/adapters/dynamo-email-templates';
import { dynamoSettings } from '../../shared/adapters/dynamo-settings';
import { approveAiDraft } from '../../shared/campaigns/ai-copy';
import { draftHtml } from '../../shared/campaigns/ai-copy-rules';
import { createCampaign } from '../../shared/campaigns/campaign';
import { createTemplate, getTemplate, templateInputSchema } from '../../shared/email/stored-templates';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { AI_COPY, aiCopyDraft, FOOTER } from '../unit/campaigns/ai-copy-fixture';

const PREFIX = 'r19d-aic-';
let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

dynamoForFile(PREFIX, (harness) => {
  dynamo = harness;
  ({ db } = harness);
});

describe('the AI-copy template made by an approval (r19d)', () => {
  it('has a well-formed name its own schema accepts, whatever the campaign name', async () => {
    const core = dynamo.table('core');
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const templates = dynamoEmailTemplates(db, core);
    const base = { campaigns: dynamoCampaignStore(db, core), now: () => new Date(), newId: randomUUID };
    const shared = await createTemplate(
      workspaceId,
      { name: 'Base', category: 'marketing', subject: 'Hi', html: `<p>Hi</p>${FOOTER}` },
      'u1',
      { templates, newId: randomUUID, now: () => new Date() },
    );
    // 200 code units, a valid campaign name; "AI copy: " is 9, the cut keeps 199: units 189-190 are one emoji.
    const name = `${'a'.repeat(189)}😀${'b'.repeat(9)}`;
    const campaign = await createCampaign(
      workspaceId,
      'u1',
      {
        name,
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'mail' },
            { id: 'mail', kind: 'email', templateId: shared.templateId, aiCopy: AI_COPY, next: 'end' },
            { id: 'end', kind: 'exit' },
          ],
        },
        rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
      } as never,
      base,
    );
    const drafts = dynamoCampaignAiDrafts(db, core);
    const copy = { body: 'Spring is here. Come and see.', callToAction: 'Book a call' };
    const draft = aiCopyDraft({
      workspaceId,
      campaignId: campaign.campaignId,
      draftId: `${Date.now().toString(36)}-${randomUUID()}`,
      subjectLines: ['Spring news', 'Your spring preview', 'See the range'],
      body: copy.body,
      callToAction: copy.callToAction,
      html: draftHtml(copy),
      createdAt: new Date().toISOString(),
    });
    await drafts.put(draft);

    const { approval } = await approveAiDraft(
      { workspaceId, userId: 'u1' },
      campaign.campaignId,
      'mail',
      draft.draftId,
      {},
      { ...base, drafts, settings: dynamoSettings(db, core), templates },
    );

    const stored = await getTemplate(workspaceId, approval.templateId, undefined, { templates });
    // With the `u` flag, `[\uD800-\uDFFF]` matches only an unpaired surrogate.
    expect(/[\uD800-\uDFFF]/u.test(stored.name)).toBe(false);
    // Saving the template back under its own name (what an editor does) must be accepted.
    const parsed = templateInputSchema.safeParse({
      name: stored.name,
      category: stored.category,
      subject: stored.subject,
      html: stored.html,
    });
    expect(parsed.success ? 'accepted' : parsed.error.issues[0]?.message).toBe('accepted');
  });
});
