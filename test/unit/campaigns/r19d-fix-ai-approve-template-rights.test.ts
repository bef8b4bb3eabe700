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
import type { AgentRequest } from '../../../shared/ai/agents';
import { previewAgent } from '../../../shared/ai/ai-preview';
import {
  type AiCopyDraft,
  type AiCopyDraftStore,
  approveAiDraft,
  generateAiDraft,
} from '../../../shared/campaigns/ai-copy';
import { type Campaign, type CampaignStore, createCampaign } from '../../../shared/campaigns/campaign';
import type { Journey } from '../../../shared/campaigns/journey';
import {
  deleteTemplate,
  getTemplate,
  type TemplateRecord,
  type TemplateStore,
  type TemplateVersion,
} from '../../../shared/email/stored-templates';
import type { Permission } from '../../../shared/identity/permissions';
import { memorySettings, memoryUsage, personalisedJson, scriptedProvider } from '../ai/fakes';

const WS = 'ws1';
const USER = 'u1';
const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';
const writer = (...permissions: Permission[]) => ({
  workspaceId: WS,
  userId: USER,
  permissions: new Set<Permission>(permissions),
});

function memoryCampaigns(): CampaignStore & { refuseNext: () => void } {
  const byId = new Map<string, Campaign>();
  let refuse = false;
  const replace = async (next: Campaign) => {
    const k = `${next.workspaceId}/${next.campaignId}`;
    if (refuse) {
      refuse = false;
      return false;
    }
    if (byId.get(k)?.revision !== next.revision - 1) return false;
    byId.set(k, structuredClone(next));
    return true;
  };
  return {
    refuseNext: () => {
      refuse = true;
    },
    get: async (ws, id) => structuredClone(byId.get(`${ws}/${id}`)),
    list: async () => ({ campaigns: [...byId.values()] }),
    create: async (c) => void byId.set(`${c.workspaceId}/${c.campaignId}`, structuredClone(c)),
    replace,
    publish: (next) => replace(next),
    version: async () => undefined,
  };
}

/** Templates with the adapter's soft delete; `beforeAddVersion` runs just before a version is added. */
function memoryTemplates() {
  const records = new Map<string, TemplateRecord>();
  const versions = new Map<string, TemplateVersion>();
  const hooks: { beforeAddVersion?: () => Promise<void> } = {};
  const store: TemplateStore = {
    async create(record, first) {
      records.set(`${record.workspaceId}/${record.templateId}`, record);
      versions.set(`${first.workspaceId}/${first.templateId}/${first.version}`, first);
    },
    async addVersion(next, updatedAt) {
      await hooks.beforeAddVersion?.();
      const k = `${next.workspaceId}/${next.templateId}`;
      const current = records.get(k);
      if (!current || current.deletedAt || current.latestVersion !== next.version - 1) return false;
      versions.set(`${k}/${next.version}`, next);
      records.set(k, { ...current, latestVersion: next.version, updatedAt });
      return true;
    },
    get: async (ws, id) => records.get(`${ws}/${id}`),
    version: async (ws, id, v) => versions.get(`${ws}/${id}/${v}`),
    list: async () => ({ templates: [...records.values()].filter((r) => !r.deletedAt) }),
    async markDeleted(ws, id, at) {
      const r = records.get(`${ws}/${id}`);
      if (!r || r.deletedAt) return false;
      records.set(`${ws}/${id}`, { ...r, deletedAt: at });
      return true;
    },
  };
  return { store, records, hooks };
}

function memoryDrafts(): AiCopyDraftStore {
  const drafts = new Map<string, AiCopyDraft>();
  const key = (ws: string, c: string, n: string, d: string) => `${ws}/${c}/${n}/${d}`;
  return {
    put: async (d) => void drafts.set(key(d.workspaceId, d.campaignId, d.nodeId, d.draftId), structuredClone(d)),
    get: async (ws, c, n, d) => structuredClone(drafts.get(key(ws, c, n, d))),
    list: async () => [...drafts.values()],
    async setApproved(d, approved) {
      drafts.set(key(d.workspaceId, d.campaignId, d.nodeId, d.draftId), { ...d, approved });
    },
  };
}

async function world() {
  let ids = 0;
  const campaigns = memoryCampaigns();
  const templates = memoryTemplates();
  const at = '2026-12-04T10:00:00.000Z';
  const base = { workspaceId: WS, templateId: 'base', name: 'Base', category: 'marketing' as const, topic: 'news' };
  await templates.store.create(
    { ...base, latestVersion: 1, createdAt: at, updatedAt: at },
    { ...base, version: 1, subject: 'Hi', html: `<p>Hi</p>${footer}`, createdAt: at, createdBy: USER },
  );
  const previewDeps = {
    usage: memoryUsage(),
    settings: memorySettings({}),
    now: () => new Date(at),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider: scriptedProvider(personalisedJson(), personalisedJson(), personalisedJson()),
    metrics: { recorded: () => undefined },
  };
  const core = { campaigns, now: () => new Date(at), newId: () => `id${++ids}` };
  const deps = {
    ...core,
    drafts: memoryDrafts(),
    settings: memorySettings({}),
    templates: templates.store,
    preview: (ws: string, request: AgentRequest) => previewAgent(ws, request, previewDeps as never),
  };
  const journey = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 'base', aiCopy: { goal: 'Book a demo' }, next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  } as Journey;
  const campaign = await createCampaign(
    WS,
    USER,
    { name: 'Spring', journey, rules: { timeZone: 'UTC', reentry: { mode: 'never' } } } as never,
    core,
  );
  return { deps, campaign, templates, campaigns };
}

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
