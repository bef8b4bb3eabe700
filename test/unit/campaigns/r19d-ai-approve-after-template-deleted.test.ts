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
  type TemplateRecord,
  type TemplateStore,
  type TemplateVersion,
} from '../../../shared/email/stored-templates';
import { memorySettings, memoryUsage, personalisedJson, type Step, scriptedProvider } from '../ai/fakes';

const WS = 'ws1';
const USER = 'u1';
const caller = { workspaceId: WS, userId: USER };
const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';

function memoryCampaigns(): CampaignStore {
  const byId = new Map<string, Campaign>();
  const replace = async (next: Campaign) => {
    const k = `${next.workspaceId}/${next.campaignId}`;
    if (byId.get(k)?.revision !== next.revision - 1) return false;
    byId.set(k, structuredClone(next));
    return true;
  };
  return {
    get: async (ws, id) => structuredClone(byId.get(`${ws}/${id}`)),
    list: async () => ({ campaigns: [...byId.values()] }),
    create: async (c) => void byId.set(`${c.workspaceId}/${c.campaignId}`, structuredClone(c)),
    replace,
    publish: (next) => replace(next),
    version: async () => undefined,
  };
}

/** Templates with the adapter's semantics, including the soft delete (`deletedAt`). */
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
}

function memoryDrafts(): AiCopyDraftStore {
  const drafts = new Map<string, AiCopyDraft>();
  const key = (ws: string, c: string, n: string, d: string) => `${ws}/${c}/${n}/${d}`;
  return {
    put: async (d) => void drafts.set(key(d.workspaceId, d.campaignId, d.nodeId, d.draftId), structuredClone(d)),
    get: async (ws, c, n, d) => structuredClone(drafts.get(key(ws, c, n, d))),
    list: async (ws, c, n, limit) =>
      [...drafts.values()]
        .filter((d) => d.workspaceId === ws && d.campaignId === c && d.nodeId === n)
        .sort((a, b) => (a.draftId < b.draftId ? 1 : -1))
        .slice(0, limit),
    async setApproved(d, approved) {
      drafts.set(key(d.workspaceId, d.campaignId, d.nodeId, d.draftId), { ...d, approved });
    },
  };
}

const journey = (): Journey =>
  ({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'mail' },
      {
        id: 'mail',
        kind: 'email',
        templateId: 'base',
        aiCopy: { goal: 'Book a demo of the spring range' },
        next: 'end',
      },
      { id: 'end', kind: 'exit' },
    ],
  }) as Journey;

async function world(steps: Step[]) {
  let ids = 0;
  const campaigns = memoryCampaigns();
  const templates = memoryTemplates();
  const at = '2026-12-04T10:00:00.000Z';
  await templates.create(
    {
      workspaceId: WS,
      templateId: 'base',
      name: 'Base',
      category: 'marketing',
      latestVersion: 1,
      createdAt: at,
      updatedAt: at,
    },
    {
      workspaceId: WS,
      templateId: 'base',
      version: 1,
      name: 'Base',
      category: 'marketing',
      subject: 'Hi',
      html: `<p>Hi</p>${footer}`,
      createdAt: at,
      createdBy: USER,
    },
  );
  const previewDeps = {
    usage: memoryUsage(),
    settings: memorySettings({}),
    now: () => new Date(at),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider: scriptedProvider(...steps),
    metrics: { recorded: () => undefined },
  };
  const base = { campaigns, now: () => new Date(at), newId: () => `id${++ids}` };
  const deps = {
    ...base,
    drafts: memoryDrafts(),
    settings: memorySettings({}),
    templates,
    preview: (ws: string, request: AgentRequest) => previewAgent(ws, request, previewDeps as never),
  };
  const campaign = await createCampaign(
    WS,
    USER,
    { name: 'Spring', journey: journey(), rules: { timeZone: 'UTC', reentry: { mode: 'never' } } } as never,
    base,
  );
  return { deps, campaign };
}

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
