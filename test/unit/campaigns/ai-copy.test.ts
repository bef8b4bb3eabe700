/**
 * AI copy of campaign email nodes over in-memory ports: drafts through the real preview path
 * (budget, usage, offline), approval with the lint and the template write, and the publish rule.
 */
import { describe, expect, it } from 'vitest';
import { approveAiDraft, generateAiDraft, listAiDrafts } from '../../../shared/campaigns/ai-copy';
import { aiCopyState, unapprovedAiCopyNodes } from '../../../shared/campaigns/ai-copy-rules';
import { updateCampaign } from '../../../shared/campaigns/campaign';
import type { Journey } from '../../../shared/campaigns/journey';
import { renderTemplate, templateEngineReady } from '../../../shared/email/templates';
import { offlineAnswer, personalisedJson, type Step } from '../ai/fakes';
import { aiCopyWorld, caller, USER, WS } from './ai-copy-fixture';

const world = (steps: Step[], settings: Record<string, unknown> = {}) => aiCopyWorld({ steps, settings });

describe('AI drafts of an email node', () => {
  it('writes a draft from the node goal, for the audience (no contact data), linted and counted', async () => {
    const { deps, campaign, usage, provider } = await world([personalisedJson()]);
    const draft = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    expect(draft).toMatchObject({
      nodeId: 'mail',
      request: { goal: 'Book a demo of the spring range' },
      subjectLines: ['A quick idea for Acme', 'Ada, about your Q3 plans', 'Less time on reports'],
      callToAction: 'Book a 15-minute call',
      provider: 'anthropic',
      model: 'claude-test',
      offline: false,
      lint: { ok: true, issues: [] },
    });
    expect(draft.html).toContain('{{ unsubscribe_url }}');
    expect(provider.requests[0]?.input).toContain('<contact>\n{}\n</contact>');
    expect((await usage.read(WS, '2026-12')).byAgent['content-personalisation']).toMatchObject({ calls: 1 });
    const listed = await listAiDrafts(WS, campaign.campaignId, 'mail', deps);
    expect(listed).toMatchObject({ state: 'unapproved', approval: null });
    expect(listed.drafts.map((d) => d.draftId)).toEqual([draft.draftId]);
  });

  // Review round 12: this test failed at a6460c9 (a model's subject line went into the template's
  // Liquid subject as written: `{{ contact.email }}` rendered the recipient's address).
  it('keeps a model subject line literal: no Liquid output or tag can come from a model', async () => {
    const answer = JSON.parse(personalisedJson()) as { subjectLines: string[] };
    answer.subjectLines = ['Hi {{ contact.email }}', '{% if true %}Yes{% endif %}', 'Plain'];
    const { deps, campaign } = await world([JSON.stringify(answer)]);
    const draft = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    await templateEngineReady();
    for (const [i, subject] of draft.subjectLines.entries()) {
      const rendered = await renderTemplate(
        { subject, html: '<p>x</p>' },
        { contact: { email: 'ada@example.com' }, workspace: { name: 'Acme' } },
      );
      expect(rendered.subject).not.toContain('ada@example.com');
      expect(rendered.subject.replace(/\s+/g, '')).toBe((answer.subjectLines[i] ?? '').replace(/\s+/g, ''));
    }
  });

  it('flags forbidden claims of the workspace in the draft lint', async () => {
    const { deps, campaign } = await world([personalisedJson()], { 'ws1|campaigns.forbidden_claims': ['Q3 PLANS'] });
    const draft = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    expect(draft.lint.issues).toEqual([
      expect.objectContaining({ field: 'subjectVariants[1]', code: 'forbidden_claim' }),
    ]);
  });

  it('makes no draft from an offline answer: 409 AI_OFFLINE, nothing stored', async () => {
    const { deps, campaign } = await world([offlineAnswer]);
    await expect(generateAiDraft(caller, campaign.campaignId, 'mail', deps)).rejects.toMatchObject({
      status: 409,
      code: 'AI_OFFLINE',
    });
    expect((await listAiDrafts(WS, campaign.campaignId, 'mail', deps)).drafts).toEqual([]);
  });

  it('refuses a node without aiCopy, an unknown node and another workspace', async () => {
    const { deps, campaign } = await world([]);
    await expect(generateAiDraft(caller, campaign.campaignId, 'end', deps)).rejects.toMatchObject({
      code: 'NO_AI_COPY',
    });
    await expect(generateAiDraft(caller, campaign.campaignId, 'nope', deps)).rejects.toMatchObject({ status: 404 });
    await expect(
      generateAiDraft({ workspaceId: 'ws2', userId: USER }, campaign.campaignId, 'mail', deps),
    ).rejects.toMatchObject({ status: 404, code: 'CAMPAIGN_NOT_FOUND' });
  });
});

describe('approving a draft and publishing', () => {
  it('refuses publish until approved, lints what is approved, writes the copy into a template the node pins', async () => {
    const { deps, campaign, templates, publish } = await world([personalisedJson(), personalisedJson()], {
      'ws1|campaigns.forbidden_claims': ['guaranteed'],
    });
    const draft = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    await expect(publish()).rejects.toMatchObject({
      status: 409,
      code: 'AI_COPY_NOT_APPROVED',
      details: { nodes: ['mail'] },
    });

    const bad = approveAiDraft(
      caller,
      campaign.campaignId,
      'mail',
      draft.draftId,
      { subject: 'RE: Guaranteed wins', html: '<p>x</p>' },
      deps,
    );
    await expect(bad).rejects.toMatchObject({ status: 422, code: 'COPY_LINT_FAILED' });
    const issues = await bad.catch((e) =>
      e.details.issues.map((i: { field: string; code: string }) => `${i.field}:${i.code}`),
    );
    expect(issues).toEqual([
      'html:unsubscribe_link',
      'html:postal_address',
      'subject:deceptive_subject_prefix',
      'subject:forbidden_claim',
    ]);

    const { campaign: approved, approval } = await approveAiDraft(
      caller,
      campaign.campaignId,
      'mail',
      draft.draftId,
      { subjectVariants: ['Spring is here', 'Your spring preview'] },
      deps,
    );
    const node = approved.journey.nodes.find((n) => n.id === 'mail');
    expect(node).toMatchObject({
      templateId: approval.templateId,
      version: 1,
      subjectVariants: ['Spring is here', 'Your spring preview'],
    });
    expect(approval).toMatchObject({
      draftId: draft.draftId,
      by: `user:${USER}`,
      at: '2026-12-04T10:00:00.000Z',
      edited: true,
    });
    const written = templates.versions.get(`${WS}/${approval.templateId}/1`);
    expect(written).toMatchObject({
      category: 'marketing',
      topic: 'news',
      subject: 'Spring is here',
      html: draft.html,
    });
    expect((await listAiDrafts(WS, campaign.campaignId, 'mail', deps)).drafts[0]?.approved).toMatchObject({
      by: `user:${USER}`,
    });

    expect((await publish()).status).toBe('active');

    // A second approval adds a version to the node's own AI-copy template (the base one is never touched).
    const second = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    const again = await approveAiDraft(caller, campaign.campaignId, 'mail', second.draftId, {}, deps);
    expect(again.approval).toMatchObject({ templateId: approval.templateId, version: 2, edited: false });
    expect(again.approval.subjectVariants).toEqual(second.subjectLines);
    expect(templates.versions.get(`${WS}/base/2`)).toBeUndefined();
  });

  it('keeps a hand edit publishable, and asks again when the request changes', async () => {
    const { deps, campaign, publish } = await world([personalisedJson()]);
    const draft = await generateAiDraft(caller, campaign.campaignId, 'mail', deps);
    const { campaign: approved } = await approveAiDraft(
      caller,
      campaign.campaignId,
      'mail',
      draft.draftId,
      { subject: 'Spring' },
      deps,
    );
    const node = approved.journey.nodes.find((n) => n.id === 'mail');
    if (node?.kind !== 'email' || !node.aiCopy) throw new Error('expected the email node');
    expect(node.subjectVariants).toBeUndefined();
    const approval = approved.aiCopyApprovals?.mail;
    expect(aiCopyState({ ...node, aiCopy: node.aiCopy }, approval)).toBe('approved');

    // A person changes the subject lines by hand: still publishable.
    const edited = {
      nodes: approved.journey.nodes.map((n) => (n.id === 'mail' ? { ...node, subjectVariants: ['A', 'B'] } : n)),
    };
    await updateCampaign(WS, campaign.campaignId, { journey: edited }, deps);
    const listed = await listAiDrafts(WS, campaign.campaignId, 'mail', deps);
    expect(listed.state).toBe('edited-by-hand');
    await expect(publish()).resolves.toMatchObject({ publishedVersion: 1 });

    // The goal changes: the approval answered another request.
    const regoaled = {
      nodes: edited.nodes.map((n) => (n.id === 'mail' ? { ...n, aiCopy: { goal: 'Another goal' } } : n)),
    } as Journey;
    await updateCampaign(WS, campaign.campaignId, { journey: regoaled }, deps);
    await expect(publish()).rejects.toMatchObject({ code: 'AI_COPY_NOT_APPROVED' });
    // ...and the old draft cannot be approved for it.
    await expect(approveAiDraft(caller, campaign.campaignId, 'mail', draft.draftId, {}, deps)).rejects.toMatchObject({
      status: 409,
      code: 'AI_DRAFT_OUTDATED',
    });
    expect(unapprovedAiCopyNodes(regoaled, approved.aiCopyApprovals)).toEqual(['mail']);
  });
});
