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
import { type Campaign, type CampaignStore, createCampaign } from '../../../shared/campaigns/campaign';
import type { Journey } from '../../../shared/campaigns/journey';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';
import { memorySettings } from './fakes';

const WS = 'ws1';
const USER = 'u1';
const caller = { workspaceId: WS, userId: USER };
const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';

function memoryCampaigns(): CampaignStore & { replaces: number } {
  const byId = new Map<string, Campaign>();
  const key = (ws: string, id: string) => `${ws}/${id}`;
  const store = {
    replaces: 0,
    get: async (ws: string, id: string) => structuredClone(byId.get(key(ws, id))),
    list: async () => ({ campaigns: [...byId.values()] }),
    create: async (c: Campaign) => void byId.set(key(c.workspaceId, c.campaignId), structuredClone(c)),
    async replace(next: Campaign) {
      const k = key(next.workspaceId, next.campaignId);
      if (byId.get(k)?.revision !== next.revision - 1) return false;
      store.replaces += 1;
      byId.set(k, structuredClone(next));
      return true;
    },
    publish: async () => false,
    version: async () => undefined,
  };
  return store;
}

function memoryTemplates(): TemplateStore & { versions: Map<string, TemplateVersion> } {
  const records = new Map<string, TemplateRecord>();
  const versions = new Map<string, TemplateVersion>();
  return {
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

async function world() {
  let ids = 0;
  const campaigns = memoryCampaigns();
  const templates = memoryTemplates();
  const base = { campaigns, now: () => new Date('2026-12-04T10:00:00.000Z'), newId: () => `id${++ids}` };
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
  const draft = (draftId: string): AiCopyDraft => ({
    workspaceId: WS,
    campaignId: campaign.campaignId,
    nodeId: 'mail',
    draftId,
    request: aiCopy,
    subjectLines: ['Spring is here', 'Your spring preview', 'A quick idea'],
    body: 'Hello',
    callToAction: 'Book a call',
    html: `<p>Hello ${draftId}</p>${footer}`,
    provider: 'anthropic',
    model: 'claude-test',
    offline: false,
    tokensIn: 1,
    tokensOut: 1,
    costUsd: 0,
    lint: { ok: true, issues: [] },
    createdAt: '2026-12-04T09:00:00.000Z',
    createdBy: USER,
  });
  const marked = new Map<string, AiCopyApproval>();
  let failNextMark = false;
  const deps = {
    ...base,
    templates,
    settings: memorySettings(),
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
