/**
 * AI copy of a campaign email node (shared/campaigns/ai-copy.ts) over in-memory ports: the email
 * template store with the adapter's rules (soft delete included), the drafts store, a stored draft,
 * the campaign whose `mail` node asks for AI copy, and `aiCopyWorld`, which wires them with the
 * real preview path (budget, usage, offline) over a scripted model.
 */
import type { AgentRequest } from '../../../shared/ai/agents';
import { previewAgent } from '../../../shared/ai/ai-preview';
import type { AiCopyDraft, AiCopyDraftStore } from '../../../shared/campaigns/ai-copy';
import { type Campaign, createCampaign, publishCampaign } from '../../../shared/campaigns/campaign';
import { type Journey, journey as journeySchema } from '../../../shared/campaigns/journey';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';
import { memorySettings, memoryUsage, type Step, scriptedProvider } from '../ai/fakes';
import { CAMPAIGN, type MemoryCampaigns, memoryCampaigns, WS } from './campaign-world';

export { CAMPAIGN, WS };
export const USER = 'u1';
export const AT = '2026-12-04T10:00:00.000Z';
export const caller = { workspaceId: WS, userId: USER };
/** The unsubscribe link and postal address a marketing template must show. */
export const FOOTER = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';
export const AI_COPY = { goal: 'Book a demo of the spring range' };

/**
 * Templates with the adapter's rules, the soft delete (`deletedAt`) included; `hooks.beforeAddVersion`
 * runs just before a version is added (a racing write).
 */
export function memoryTemplates(): TemplateStore & {
  readonly records: Map<string, TemplateRecord>;
  readonly versions: Map<string, TemplateVersion>;
  readonly hooks: { beforeAddVersion?: () => Promise<void> };
} {
  const records = new Map<string, TemplateRecord>();
  const versions = new Map<string, TemplateVersion>();
  const hooks: { beforeAddVersion?: () => Promise<void> } = {};
  return {
    records,
    versions,
    hooks,
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
      const current = records.get(`${ws}/${id}`);
      if (!current || current.deletedAt) return false;
      records.set(`${ws}/${id}`, { ...current, deletedAt: at });
      return true;
    },
  };
}

/** Drafts by workspace, campaign, node and id; a node's listed newest id first. */
export function memoryDrafts(): AiCopyDraftStore {
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

/** A lint-clean draft `d1` of the `mail` node of campaign `cmp1`, as the model wrote it. */
export const aiCopyDraft = (over: Partial<AiCopyDraft> = {}): AiCopyDraft => ({
  workspaceId: WS,
  campaignId: CAMPAIGN,
  nodeId: 'mail',
  draftId: 'd1',
  request: AI_COPY,
  subjectLines: ['Spring is here', 'Your spring preview', 'A quick idea'],
  body: 'Hello',
  callToAction: 'Book a call',
  html: `<p>Hello</p>${FOOTER}`,
  provider: 'anthropic',
  model: 'claude-test',
  offline: false,
  tokensIn: 1,
  tokensOut: 1,
  costUsd: 0,
  lint: { ok: true, issues: [] },
  createdAt: AT,
  createdBy: USER,
  ...over,
});

/** start -> mail (an email node on template `base` asking for AI copy) -> end. */
export const emailJourney = (aiCopy: unknown = AI_COPY): Journey =>
  ({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 'base', aiCopy, next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  }) as Journey;

/**
 * A draft saved before 927ec7b, when the rule "a promote rule needs two arms above 0%" did not
 * exist: a split with `promote` whose arm b was switched off (0%), in front of the `mail` node.
 */
export const ZERO_PERCENT_PROMOTE_JOURNEY = journeySchema.parse({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      holdoutPercent: 0,
      promote: { metric: 'converted' },
      arms: [
        { id: 'a', percent: 100, next: 'mail' },
        { id: 'b', percent: 0, next: 'mail' },
      ],
    },
    { id: 'mail', kind: 'email', templateId: 'base', aiCopy: AI_COPY, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

/** The marketing template `base` (version 1, the footer shown), with `topic` unless it is undefined. */
export async function addBaseTemplate(templates: TemplateStore, topic: string | undefined): Promise<void> {
  const base = {
    workspaceId: WS,
    templateId: 'base',
    name: 'Base',
    category: 'marketing' as const,
    ...(topic === undefined ? {} : { topic }),
  };
  await templates.create(
    { ...base, latestVersion: 1, createdAt: AT, updatedAt: AT },
    { ...base, version: 1, subject: 'Hi', html: `<p>Hi</p>${FOOTER}`, createdAt: AT, createdBy: USER },
  );
}

export interface AiCopyWorldOptions {
  /** The model's answers, one a generated draft. */
  readonly steps?: Step[];
  /** The workspace settings (`'<ws>|<key>'` -> value), for the preview and the approval lint. */
  readonly settings?: Record<string, unknown>;
  readonly campaigns?: MemoryCampaigns;
  /** The campaign's journey (default {@link emailJourney}). */
  readonly journey?: Journey;
  /**
   * True: the campaign is written to the store as the API saved it earlier (`cmp1`, a draft at
   * revision 1), not through createCampaign and today's rules.
   */
  readonly stored?: boolean;
  /** The template `base` the node names, with this topic ({} none); false: no such template. */
  readonly baseTemplate?: false | { readonly topic?: string };
}

/**
 * A campaign whose `mail` node asks for AI copy, the template `base`, and the approval's and the
 * drafts' deps (`deps`; new ids `id1`, `id2`... at {@link AT}); `publish` publishes the campaign.
 */
export async function aiCopyWorld(options: AiCopyWorldOptions = {}) {
  let ids = 0;
  const campaigns = options.campaigns ?? memoryCampaigns();
  const templates = memoryTemplates();
  const baseTemplate = options.baseTemplate ?? { topic: 'news' };
  if (baseTemplate) await addBaseTemplate(templates, baseTemplate.topic);
  const usage = memoryUsage();
  const provider = scriptedProvider(...(options.steps ?? []));
  const previewDeps = {
    usage,
    settings: memorySettings(options.settings ?? {}),
    now: () => new Date(AT),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider,
    metrics: { recorded: () => undefined },
  };
  const core = { campaigns, now: () => new Date(AT), newId: () => `id${++ids}` };
  const deps = {
    ...core,
    drafts: memoryDrafts(),
    settings: memorySettings(options.settings ?? {}),
    templates,
    preview: (ws: string, request: AgentRequest) => previewAgent(ws, request, previewDeps),
  };
  const journey = options.journey ?? emailJourney();
  const rules = { timeZone: 'UTC', reentry: { mode: 'never' as const } };
  let campaign: Campaign;
  if (options.stored) {
    campaign = {
      workspaceId: WS,
      campaignId: CAMPAIGN,
      name: 'Spring',
      status: 'draft',
      journey,
      rules,
      revision: 1,
      createdAt: AT,
      updatedAt: AT,
      createdBy: USER,
    };
    await campaigns.create(campaign);
  } else {
    campaign = await createCampaign(WS, USER, { name: 'Spring', journey, rules } as never, core);
  }
  const publish = () => publishCampaign(WS, campaign.campaignId, core, async (j) => j);
  return { deps, campaign, campaigns, templates, usage, provider, publish };
}
