// Review round 19: this test failed at 4ce0ffd.
// approveAiDraft checked the whole draft journey after writing the template, and undid that write
// only on a lost race: a stored draft breaking a newer rule elsewhere refused the approval (400) and a
// failing campaign write (a storage error) left the "AI copy" template behind.
import { describe, expect, it } from 'vitest';
import { type AiCopyDraft, type AiCopyDraftStore, approveAiDraft } from '../../../shared/campaigns/ai-copy';
import { problemsBroughtIn } from '../../../shared/campaigns/ai-copy-rules';
import { type Campaign, type CampaignStore, publishCampaign } from '../../../shared/campaigns/campaign';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';
import { memorySettings } from '../ai/fakes';

const WS = 'ws1';
const USER = 'u1';
const caller = { workspaceId: WS, userId: USER };
const AT = '2026-12-04T10:00:00.000Z';
const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';
const aiCopy = { goal: 'Book a demo of the spring range' };

type Failure = 'before-write' | 'after-write' | undefined;

/** A campaign store whose next write may throw, before it lands or after (its answer lost). */
function memoryCampaigns(failure: () => Failure): CampaignStore {
  const byId = new Map<string, Campaign>();
  const replace = async (next: Campaign) => {
    const fails = failure();
    if (fails === 'before-write') throw new Error('ProvisionedThroughputExceededException');
    const k = `${next.workspaceId}/${next.campaignId}`;
    if (byId.get(k)?.revision !== next.revision - 1) return false;
    byId.set(k, structuredClone(next));
    if (fails === 'after-write') throw new Error('TimeoutError');
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

function memoryDrafts(): Pick<AiCopyDraftStore, 'get' | 'setApproved'> & { approved: () => boolean } {
  const draft: AiCopyDraft = {
    workspaceId: WS,
    campaignId: 'cmp1',
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
  let approved = false;
  return {
    get: async (_ws, _c, _n, id) => (id === draft.draftId ? structuredClone(draft) : undefined),
    setApproved: async () => {
      approved = true;
    },
    approved: () => approved,
  };
}

/** Saved before the rule "a promote rule needs two arms above 0%": its split breaks it now. */
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
    { id: 'mail', kind: 'email', templateId: 'base', aiCopy, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

/** The same journey as every rule of today has it (both arms take contacts). */
const VALID_JOURNEY = journeySchema.parse({
  nodes: STORED_JOURNEY.nodes.map((n) =>
    n.kind === 'split' ? { ...n, arms: n.arms.map((a) => ({ ...a, percent: 50 })) } : n,
  ),
});

async function world(opts: { failReplace?: () => Failure; journey?: typeof STORED_JOURNEY } = {}) {
  let ids = 0;
  const campaigns = memoryCampaigns(opts.failReplace ?? (() => undefined));
  const templates = memoryTemplates();
  await templates.create(
    {
      workspaceId: WS,
      templateId: 'base',
      name: 'Base',
      category: 'marketing',
      topic: 'news',
      latestVersion: 1,
      createdAt: AT,
      updatedAt: AT,
    },
    {
      workspaceId: WS,
      templateId: 'base',
      version: 1,
      name: 'Base',
      category: 'marketing',
      topic: 'news',
      subject: 'Hi',
      html: `<p>Hi</p>${footer}`,
      createdAt: AT,
      createdBy: USER,
    },
  );
  await campaigns.create({
    workspaceId: WS,
    campaignId: 'cmp1',
    name: 'Spring',
    status: 'draft',
    journey: opts.journey ?? STORED_JOURNEY,
    rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
    revision: 1,
    createdAt: AT,
    updatedAt: AT,
    createdBy: USER,
  });
  const drafts = memoryDrafts();
  const deps = {
    campaigns,
    now: () => new Date(AT),
    newId: () => `id${++ids}`,
    drafts,
    settings: memorySettings({}),
    templates,
  };
  const live = async () => (await templates.list(WS, { limit: 100 })).templates.map((t) => t.templateId);
  return { deps, templates, campaigns, drafts, live };
}

describe('r19g2: approving AI copy judges what the approval changes, before any write', () => {
  it('approves the node of a stored draft whose split breaks a newer rule, first and again', async () => {
    const { deps, campaigns, templates } = await world();

    const first = await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);
    const again = await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring, again' }, deps);

    expect(first.approval.templateId).toBe('id1');
    // The second approval versions the node's own template (no second template).
    expect(again.approval).toMatchObject({ templateId: 'id1', version: 2 });
    expect([...templates.records.keys()].sort()).toEqual(['ws1/base', 'ws1/id1']);
    const saved = await campaigns.get(WS, 'cmp1');
    expect(saved?.revision).toBe(3);
    expect(saved?.journey.nodes.find((n) => n.id === 'mail')).toMatchObject({ templateId: 'id1', version: 2 });
    // The split is left as stored: the approval does not touch it...
    expect(saved?.journey.nodes.find((n) => n.id === 'ab')).toEqual(STORED_JOURNEY.nodes[1]);
  });

  it('leaves the unrelated problem to publish, which still refuses it naming the node', async () => {
    const { deps } = await world();
    await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);

    const published = publishCampaign(WS, 'cmp1', deps, async (j) => j);

    await expect(published).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_JOURNEY',
      details: { problems: [{ node: 'ab' }] },
    });
  });

  it('removes the template it made when the campaign write fails (a storage error)', async () => {
    const { deps, live, drafts } = await world({ failReplace: () => 'before-write', journey: VALID_JOURNEY });
    const before = await live();

    const approved = approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);

    await expect(approved).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(await live()).toEqual(before);
    expect(drafts.approved()).toBe(false);
  });

  it('keeps the template when the failed write landed all the same, and a retry answers the approval', async () => {
    let failure: Failure = 'after-write';
    const { deps, live, campaigns } = await world({ failReplace: () => failure, journey: VALID_JOURNEY });

    const first = approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);
    await expect(first).rejects.toThrow('TimeoutError');
    failure = undefined;
    const retried = await approveAiDraft(caller, 'cmp1', 'mail', 'd1', { subject: 'Spring is here' }, deps);

    // The campaign names the template the first attempt made: it stays live, and the retry adds none.
    expect(await live()).toEqual(['base', 'id1']);
    expect(retried.approval).toMatchObject({ templateId: 'id1', version: 1 });
    expect((await campaigns.get(WS, 'cmp1'))?.revision).toBe(2);
  });
});

describe('r19g2: problemsBroughtIn', () => {
  const withSplit = (percents: [number, number], promote: boolean) =>
    journeySchema.parse({
      nodes: STORED_JOURNEY.nodes.map((n) =>
        n.kind === 'split'
          ? {
              ...n,
              arms: n.arms.map((a, i) => ({ ...a, percent: percents[i] })),
              ...(promote ? {} : { promote: undefined }),
            }
          : n,
      ),
    });

  it('names a problem the change brings in, not one the journey already had', () => {
    const fine = withSplit([100, 0], false);
    const broken = withSplit([100, 0], true);

    expect(problemsBroughtIn(fine, broken)).toEqual([expect.objectContaining({ node: 'ab' })]);
    expect(problemsBroughtIn(broken, broken)).toEqual([]);
    expect(problemsBroughtIn(broken, fine)).toEqual([]);
  });
});
