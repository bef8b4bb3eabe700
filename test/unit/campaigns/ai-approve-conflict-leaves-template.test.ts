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
import { type AiCopyDraft, approveAiDraft } from '../../../shared/campaigns/ai-copy';
import { type Campaign, type CampaignStore, createCampaign } from '../../../shared/campaigns/campaign';
import type { Journey } from '../../../shared/campaigns/journey';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';
import { memorySettings } from '../ai/fakes';

const WS = 'ws1';
const USER = 'u1';
const AT = '2026-12-04T10:00:00.000Z';
const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';

/** A campaign store where another writer changes the campaign right after approve reads it. */
function racedCampaigns() {
  const byId = new Map<string, Campaign>();
  let raceNextRead = false;
  const key = (ws: string, id: string) => `${ws}/${id}`;
  const store: CampaignStore = {
    async get(ws, id) {
      const found = structuredClone(byId.get(key(ws, id)));
      if (raceNextRead && found) {
        raceNextRead = false;
        // A concurrent PATCH (a rename) lands after this read: the revision moves on.
        byId.set(key(ws, id), { ...found, name: 'Renamed meanwhile', revision: found.revision + 1 });
      }
      return found;
    },
    list: async () => ({ campaigns: [...byId.values()] }),
    create: async (c) => void byId.set(key(c.workspaceId, c.campaignId), structuredClone(c)),
    async replace(next) {
      const k = key(next.workspaceId, next.campaignId);
      if (byId.get(k)?.revision !== next.revision - 1) return false;
      byId.set(k, structuredClone(next));
      return true;
    },
    publish: async () => false,
    version: async () => undefined,
  };
  return {
    store,
    raceOnNextRead: () => {
      raceNextRead = true;
    },
  };
}

function memoryTemplates(): TemplateStore & {
  records: Map<string, TemplateRecord>;
  versions: Map<string, TemplateVersion>;
} {
  const records = new Map<string, TemplateRecord>();
  const versions = new Map<string, TemplateVersion>();
  return {
    records,
    versions,
    async create(record, first) {
      records.set(`${record.workspaceId}/${record.templateId}`, record);
      versions.set(`${first.workspaceId}/${first.templateId}/${first.version}`, first);
    },
    async addVersion(next, updatedAt) {
      const k = `${next.workspaceId}/${next.templateId}`;
      const current = records.get(k);
      if (!current || current.latestVersion !== next.version - 1) return false;
      versions.set(`${k}/${next.version}`, next);
      records.set(k, { ...current, latestVersion: next.version, updatedAt });
      return true;
    },
    get: async (ws, id) => records.get(`${ws}/${id}`),
    version: async (ws, id, v) => versions.get(`${ws}/${id}/${v}`),
    list: async () => ({ templates: [...records.values()] }),
    async markDeleted(ws, id, at) {
      const current = records.get(`${ws}/${id}`);
      if (!current || current.deletedAt) return false;
      records.set(`${ws}/${id}`, { ...current, deletedAt: at });
      return true;
    },
  };
}

describe('approving an AI draft that loses to a concurrent change of the campaign', () => {
  it('answers 409 CAMPAIGN_CHANGED and leaves no template behind', async () => {
    let ids = 0;
    const campaigns = racedCampaigns();
    const templates = memoryTemplates();
    const base = { campaigns: campaigns.store, now: () => new Date(AT), newId: () => `id${++ids}` };
    const aiCopy = { goal: 'Book a demo of the spring range' };
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 'base', aiCopy, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    } as Journey;
    const campaign = await createCampaign(
      WS,
      USER,
      { name: 'Spring', journey, rules: { timeZone: 'UTC', reentry: { mode: 'never' } } } as never,
      base,
    );
    const draft: AiCopyDraft = {
      workspaceId: WS,
      campaignId: campaign.campaignId,
      nodeId: 'mail',
      draftId: 'd1',
      request: aiCopy,
      subjectLines: ['Spring is here', 'Your spring preview', 'A quick idea'],
      body: 'Hello',
      callToAction: 'Book a call',
      html: `<p>Hello</p>${footer}`,
      provider: 'anthropic',
      model: 'claude-test',
      offline: false,
      tokensIn: 1,
      tokensOut: 1,
      costUsd: 0,
      lint: { ok: true, issues: [] },
      createdAt: AT,
      createdBy: USER,
    };
    const deps = {
      ...base,
      templates,
      settings: memorySettings(),
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
