/**
 * Review round 19 re-review (r19g).
 * Defect: the new journey rule "a promote rule needs two arms above 0%" (journey-rules.ts, commit
 * 927ec7b) is applied to drafts saved before it, by a request that does not touch the split:
 * approving AI copy for an email node (`approveAiDraft`, ai-copy.ts) re-checks the whole draft with
 * `assertValidJourney` and answers 400 INVALID_JOURNEY naming the split. Worse, that check runs
 * AFTER the approval has written its template (createTemplate / updateTemplate): the 400 leaves a
 * new "AI copy: ..." template behind (or a new version of the node's own template), which no
 * campaign names, while the product rule says bad input "changes nothing".
 * Before 927ec7b every stored draft passed the check (each save checks it), so the late check
 * never fired; now every campaign whose draft has a split with `promote` and an arm at 0% (a
 * draft that was valid, e.g. an arm switched off while its promote rule stayed) hits it.
 * Severity: MEDIUM (an existing draft's AI copy cannot be approved for a reason unrelated to the
 * node; each attempt leaks a template into the workspace's template list).
 * Root cause: shared/campaigns/ai-copy.ts:approveAiDraft (`assertValidJourney(journey, ...)` over
 * the whole draft, after `createTemplate`/`updateTemplate`), with the new rule in
 * shared/campaigns/journey-rules.ts:nodeProblems (split `promote` with < 2 arms above 0%).
 * Correct: an approval judges what it changes (the email node), or checks the journey before any
 * template write; a refused approval writes no template.
 */
import { describe, expect, it } from 'vitest';
import type { AgentRequest } from '../../../shared/ai/agents';
import { previewAgent } from '../../../shared/ai/ai-preview';
import { approveAiDraft, type AiCopyDraft, type AiCopyDraftStore, generateAiDraft } from '../../../shared/campaigns/ai-copy';
import type { Campaign, CampaignStore } from '../../../shared/campaigns/campaign';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';
import { memorySettings, memoryUsage, personalisedJson, scriptedProvider } from '../ai/fakes';

const WS = 'ws1';
const USER = 'u1';
const caller = { workspaceId: WS, userId: USER };
const AT = '2026-12-04T10:00:00.000Z';
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

function memoryTemplates(): TemplateStore & { records: Map<string, TemplateRecord> } {
  const records = new Map<string, TemplateRecord>();
  const versions = new Map<string, TemplateVersion>();
  return {
    records,
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
    markDeleted: async () => false,
  };
}

function memoryDrafts(): AiCopyDraftStore {
  const drafts = new Map<string, AiCopyDraft>();
  const key = (ws: string, c: string, n: string, d: string) => `${ws}/${c}/${n}/${d}`;
  return {
    put: async (d) => void drafts.set(key(d.workspaceId, d.campaignId, d.nodeId, d.draftId), structuredClone(d)),
    get: async (ws, c, n, d) => structuredClone(drafts.get(key(ws, c, n, d))),
    list: async (ws, c, n, limit) =>
      [...drafts.values()].filter((d) => d.workspaceId === ws && d.campaignId === c && d.nodeId === n).slice(0, limit),
    async setApproved(d, approved) {
      drafts.set(key(d.workspaceId, d.campaignId, d.nodeId, d.draftId), { ...d, approved });
    },
  };
}

/** A draft saved before 927ec7b: a split with `promote` whose arm b was switched off (0%). */
const STORED_JOURNEY = journeySchema.parse({
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
    { id: 'mail', kind: 'email', templateId: 'base', aiCopy: { goal: 'Book a demo of the spring range' }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

async function world() {
  let ids = 0;
  const campaigns = memoryCampaigns();
  const templates = memoryTemplates();
  await templates.create(
    { workspaceId: WS, templateId: 'base', name: 'Base', category: 'marketing', topic: 'news', latestVersion: 1, createdAt: AT, updatedAt: AT },
    { workspaceId: WS, templateId: 'base', version: 1, name: 'Base', category: 'marketing', topic: 'news', subject: 'Hi', html: `<p>Hi</p>${footer}`, createdAt: AT, createdBy: USER },
  );
  // Stored as the API saved it before the new rule (every save then passed the journey check).
  await campaigns.create({
    workspaceId: WS,
    campaignId: 'cmp1',
    name: 'Spring',
    status: 'draft',
    journey: STORED_JOURNEY,
    rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
    revision: 1,
    createdAt: AT,
    updatedAt: AT,
    createdBy: USER,
  });
  const previewDeps = {
    usage: memoryUsage(),
    settings: memorySettings({}),
    now: () => new Date(AT),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider: scriptedProvider(personalisedJson()),
    metrics: { recorded: () => undefined },
  };
  const deps = {
    campaigns,
    now: () => new Date(AT),
    newId: () => `id${++ids}`,
    drafts: memoryDrafts(),
    settings: memorySettings({}),
    templates,
    preview: (ws: string, request: AgentRequest) => previewAgent(ws, request, previewDeps),
  };
  return { deps, templates, campaigns };
}

describe('r19g: approving AI copy on a draft saved before the 0%-arm promote rule', () => {
  it('is not refused for a split the approval does not touch', async () => {
    const { deps } = await world();
    const draft = await generateAiDraft(caller, 'cmp1', 'mail', deps);
    const approved = approveAiDraft(caller, 'cmp1', 'mail', draft.draftId, { subject: 'Spring is here' }, deps);
    await expect(approved).resolves.toMatchObject({ approval: { draftId: draft.draftId } });
  });

  it('writes no template when it is refused', async () => {
    const { deps, templates, campaigns } = await world();
    const draft = await generateAiDraft(caller, 'cmp1', 'mail', deps);
    const before = [...templates.records.keys()];
    const outcome = await approveAiDraft(caller, 'cmp1', 'mail', draft.draftId, { subject: 'Spring is here' }, deps).then(
      () => 'approved',
      (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
    );
    if (outcome === 'approved') return; // approved: nothing to check here (the first test's case)
    expect(outcome).toBe('400 INVALID_JOURNEY');
    expect((await campaigns.get(WS, 'cmp1'))?.revision).toBe(1); // the campaign is unchanged...
    expect([...templates.records.keys()]).toEqual(before); // ...and so must the templates be
  });
});
