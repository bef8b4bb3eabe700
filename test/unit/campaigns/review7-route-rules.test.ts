/**
 * The use-case side of the review-7 campaign route fixes (the routes themselves:
 * test/e2e/campaign-routes-review7.test.ts):
 * - stats (and the engine's auto-promotion) describe the published version contacts run on, never the draft;
 * - the webhook trigger binds an Idempotency-Key to its body through runOnce: same body replayed,
 *   another body 422, a failed first attempt re-run with the key's launch id, keys per campaign;
 * - publish runs its `prepare` (the route's re-check of members, templates) before freezing:
 *   a refusal there freezes nothing;
 * - campaign and email-template names are single lines (singleLineText).
 */
import { describe, expect, it } from 'vitest';
import {
  type Campaign,
  type CampaignDeps,
  createCampaignBody,
  publishCampaign,
  runningJourney,
  updateCampaignBody,
} from '../../../shared/campaigns/campaign';
import { enrolByWebhook, type WebhookEnrolDeps } from '../../../shared/campaigns/campaign-webhook';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { type Journey, journey as journeySchema } from '../../../shared/campaigns/journey';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import { autoPromoter, runningStats } from '../../../shared/campaigns/promotion';
import { templateInputSchema } from '../../../shared/email/stored-templates';
import { ValidationError } from '../../../shared/errors';
import { sha256 } from '../../../shared/identity/tokens';
import { memoryIdempotency } from '../idempotency/memory-idempotency';

const WS = 'ws1';
const CAMPAIGN = 'cmp1';
const RULES = { timeZone: 'UTC', reentry: { mode: 'always' } } as const;

const split = (promote = false) =>
  journeySchema.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on: { type: 'webhook' }, next: 'ab' },
      {
        id: 'ab',
        kind: 'split',
        ...(promote ? { promote: { metric: 'converted' } } : {}),
        arms: [
          { id: 'a', percent: 50, next: 'hold' },
          { id: 'b', percent: 50, next: 'hold' },
        ],
      },
      { id: 'hold', kind: 'wait', for: { type: 'duration', duration: { days: 30 } }, next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  });
const bare = journeySchema.parse({
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'webhook' }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
});

/** A campaign whose draft is `draft` and, when `published` is given, version 1 is `published`. */
function world(draft: Journey, published?: Journey, status: Campaign['status'] = 'active') {
  const versions = new Map<number, PublishedVersion>();
  if (published)
    versions.set(1, { workspaceId: WS, campaignId: CAMPAIGN, version: 1, journey: published, rules: RULES });
  let stored: Campaign = {
    workspaceId: WS,
    campaignId: CAMPAIGN,
    name: 'C',
    status: published ? status : 'draft',
    journey: draft,
    rules: RULES,
    ...(published ? { publishedVersion: 1 } : {}),
    revision: 2,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    createdBy: 'u1',
  };
  let publishes = 0;
  const deps: CampaignDeps = {
    campaigns: {
      get: async (_ws, id) => (id === CAMPAIGN ? stored : undefined),
      list: async () => ({ campaigns: [stored] }),
      create: async () => undefined,
      async replace(next) {
        if (next.revision !== stored.revision + 1) return false;
        stored = next;
        return true;
      },
      async publish(next, version) {
        publishes += 1;
        stored = next;
        versions.set(version.version, version);
        return true;
      },
      version: async (_ws, _c, v) => versions.get(v),
    },
    now: () => new Date('2026-12-07T12:00:00Z'),
    newId: () => 'id',
  };
  return {
    deps,
    current: () => stored,
    publishes: () => publishes,
    set: (next: Partial<Campaign>) => {
      stored = { ...stored, ...next };
    },
  };
}

describe('stats and promotion read the version contacts run on', () => {
  const counters = { waiting: 4, 'arm:ab:a': 1000, 'arm:ab:b': 1000, 'armconv:ab:a': 90, 'armconv:ab:b': 120 };

  it('describe the published split and nodes after the draft dropped them', async () => {
    const w = world(bare, split());
    expect((await runningJourney(w.current(), w.deps)).nodes.map((n) => n.id)).toEqual(['start', 'ab', 'hold', 'done']);
    const { stats } = await runningStats(w.current(), counters, w.deps);
    expect(Object.keys(stats.splits)).toEqual(['ab']);
    expect(stats.splits.ab?.arms.b).toMatchObject({ entered: 1000, converted: 120 });
    expect(Object.keys(stats.nodes)).toEqual(['start', 'ab', 'hold', 'done']);
  });

  it('promote automatically by the published node, not by the draft (which has none)', async () => {
    const w = world(bare, split(true));
    // The stats read writes nothing; they say the rule's winner is due.
    const { stats } = await runningStats(w.current(), counters, w.deps);
    expect(w.current().promotions).toBeUndefined();
    expect(stats.splits.ab?.autoPromotion).toMatchObject({ status: 'due', winner: 'b' });
    // The engine (a step at the node) writes it, judged on the published node.
    const running = await runningJourney(w.current(), w.deps);
    expect(await promoterOf(w).promotionsFor(WS, CAMPAIGN, running, undefined)).toMatchObject({
      ab: { arm: 'b', by: 'auto' },
    });
    expect(w.current().promotions?.ab).toMatchObject({ arm: 'b', by: 'auto' });
    expect((await runningStats(w.current(), counters, w.deps)).stats.splits.ab).toMatchObject({
      promotion: { arm: 'b' },
      autoPromotion: { status: 'promoted' },
    });
    // The reverse: a draft that adds a `promote` rule promotes nothing until it is published, even
    // for an enrolment on a journey with the rule (judged again on the published node).
    const ahead = world(split(true), split());
    expect(await promoterOf(ahead).promotionsFor(WS, CAMPAIGN, split(true), undefined)).toEqual({});
    expect(ahead.current().promotions).toBeUndefined();
    expect((await runningStats(ahead.current(), counters, ahead.deps)).stats.splits.ab?.autoPromotion).toBeUndefined();
  });

  it('describe the draft before a first publish (nothing runs yet), and never promote then', async () => {
    const w = world(split(true));
    const { stats } = await runningStats(w.current(), counters, w.deps);
    expect(Object.keys(stats.splits)).toEqual(['ab']);
    expect(await promoterOf(w).promotionsFor(WS, CAMPAIGN, split(true), undefined)).toEqual({});
    expect(w.current().promotions).toBeUndefined();
  });
});

/** The engine's promoter over a world's campaign, its counters those of the tests above. */
const promoterOf = (w: ReturnType<typeof world>) =>
  autoPromoter({
    campaigns: w.deps.campaigns,
    counters: async () => ({ waiting: 4, 'arm:ab:a': 1000, 'arm:ab:b': 1000, 'armconv:ab:a': 90, 'armconv:ab:b': 120 }),
    now: w.deps.now,
    promoted: () => undefined,
    failed: (error) => {
      throw error;
    },
  });

describe('the webhook trigger with an Idempotency-Key', () => {
  const TOKEN = 't'.repeat(32);
  const now = () => new Date('2026-12-07T12:00:00Z');

  function hook(status: Campaign['status'] = 'active') {
    const w = world(bare, bare, status);
    const queued: DripStepMessage[] = [];
    let failNext = false;
    let ids = 0;
    const contacts = new Map([
      ['c1', { contactId: 'c1', email: 'one@example.com' }],
      ['c2', { contactId: 'c2', email: 'two@example.com' }],
    ]);
    const deps: WebhookEnrolDeps = {
      tokens: {
        rotate: async () => undefined,
        find: async (hash) => (hash === sha256(TOKEN) ? { workspaceId: WS, campaignId: CAMPAIGN } : undefined),
      },
      campaigns: w.deps.campaigns,
      contacts: {
        get: async (_ws, id) => contacts.get(id) as never,
        findByEmails: async (_ws, emails) =>
          new Map([...contacts.values()].filter((c) => emails.includes(c.email)).map((c) => [c.email, c])) as never,
      },
      queue: {
        async sendAll(messages) {
          if (failNext) {
            failNext = false;
            throw new Error('queue down');
          }
          queued.push(...messages);
        },
      },
      newId: () => `n${++ids}`,
    };
    const idempotency = memoryIdempotency(now);
    const sendWith = (token: string, body: unknown, key?: string) =>
      enrolByWebhook(CAMPAIGN, token, body, deps, key === undefined ? undefined : { key, idempotency, now });
    const send = (body: unknown, key?: string) => sendWith(TOKEN, body, key);
    return { w, queued, send, sendWith, idempotency, failOnce: () => (failNext = true) };
  }

  it('answers a retry of the same body the first answer again and queues nothing more', async () => {
    const h = hook();
    expect(await h.send({ contactId: 'c1' }, 'order-42')).toEqual({ contactId: 'c1', replayed: false });
    expect(await h.send({ contactId: 'c1' }, 'order-42')).toEqual({ contactId: 'c1', replayed: true });
    expect(h.queued).toHaveLength(1);
    expect(h.queued[0]?.kind === 'enrol' && h.queued[0].launchId).toMatch(/^hook-[0-9a-f]{32}$/);
  });

  it('refuses the key with another body (422) and queues nothing for it', async () => {
    const h = hook();
    await h.send({ contactId: 'c1' }, 'order-42');
    await expect(h.send({ contactId: 'c2' }, 'order-42')).rejects.toMatchObject({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await expect(h.send({ email: 'one@example.com' }, 'order-42')).rejects.toMatchObject({ status: 422 });
    expect(h.queued.map((m) => m.kind === 'enrol' && m.contactId)).toEqual(['c1']);
  });

  it('takes an email in any case as the same body', async () => {
    const h = hook();
    await h.send({ email: 'One@Example.com' }, 'k');
    expect((await h.send({ email: 'one@example.com' }, 'k')).replayed).toBe(true);
  });

  it('re-runs a failed first attempt with the launch id the key derives, and keeps the body bound', async () => {
    const h = hook();
    h.failOnce();
    await expect(h.send({ contactId: 'c1' }, 'k')).rejects.toThrow('queue down');
    expect(await h.send({ contactId: 'c1' }, 'k')).toEqual({ contactId: 'c1', replayed: false });
    const launchId = `hook-${sha256(`${WS}\u0000${CAMPAIGN}\u0000k`).slice(0, 32)}`;
    expect(h.queued).toEqual([{ kind: 'enrol', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId }]);
    await expect(h.send({ contactId: 'c2' }, 'k')).rejects.toMatchObject({ status: 422 });
  });

  it('refuses a paused campaign (409) without storing an answer: the same body goes through once resumed', async () => {
    const h = hook('paused');
    await expect(h.send({ contactId: 'c1' }, 'k')).rejects.toMatchObject({ status: 409, code: 'CAMPAIGN_NOT_ACTIVE' });
    h.w.set({ status: 'active' });
    expect(await h.send({ contactId: 'c1' }, 'k')).toEqual({ contactId: 'c1', replayed: false });
    expect(h.queued).toHaveLength(1);
  });

  it('claims nothing for a wrong token (404 first) and queues a new launch per call without a key', async () => {
    const h = hook();
    await expect(h.sendWith('x'.repeat(32), { contactId: 'c1' }, 'k')).rejects.toMatchObject({ status: 404 });
    await expect(h.sendWith(TOKEN, { nope: 1 }, 'k')).rejects.toMatchObject({ status: 400 });
    expect(h.idempotency.records.size).toBe(0);
    await h.send({ contactId: 'c1' });
    await h.send({ contactId: 'c1' });
    expect(h.queued.map((m) => m.kind === 'enrol' && m.launchId)).toEqual(['hook-n1', 'hook-n2']);
  });
});

describe('publish runs its prepare (the re-check of what a save checks) before freezing', () => {
  it('freezes nothing when prepare refuses, and freezes what prepare returns', async () => {
    const w = world(bare);
    const refuse = async (): Promise<Journey> => {
      throw new ValidationError('Node "tell": gone', 'INVALID_JOURNEY', {
        details: { problems: [{ node: 'tell', message: 'gone' }] },
      });
    };
    await expect(publishCampaign(WS, CAMPAIGN, w.deps, refuse)).rejects.toMatchObject({ code: 'INVALID_JOURNEY' });
    expect(w.publishes()).toBe(0);
    expect(w.current().status).toBe('draft');
    let seen: Journey | undefined;
    const published = await publishCampaign(WS, CAMPAIGN, w.deps, async (j) => {
      seen = j;
      return split();
    });
    expect(seen).toEqual(bare);
    expect(published).toMatchObject({ status: 'active', publishedVersion: 1 });
    expect((await runningJourney(published, w.deps)).nodes.map((n) => n.id)).toContain('ab');
  });
});

describe('campaign and email-template names are single lines', () => {
  const BAD = [
    'a\r\nBcc: x@example.com',
    'a\nb',
    'nul\u0000',
    'tab\tname',
    'abc\u202Egpj.exe',
    'lone \uD800',
    '\u2028',
  ];
  const template = (name: string) => ({ name, category: 'transactional', subject: 'Hi', html: '<p>Hi</p>' });

  it('refuses control, line-break, bidi and lone-surrogate characters', () => {
    for (const name of BAD) {
      expect(createCampaignBody.safeParse({ name, journey: bare }).success, JSON.stringify(name)).toBe(false);
      expect(updateCampaignBody.safeParse({ name }).success, JSON.stringify(name)).toBe(false);
      expect(templateInputSchema.safeParse(template(name)).success, JSON.stringify(name)).toBe(false);
    }
  });

  it('keeps ordinary names, trimmed and NFC-normalised, emoji and joiners included', () => {
    const name = '  Cafe\u0301 👩\u200D💻 ';
    expect(createCampaignBody.parse({ name, journey: bare }).name).toBe('Café 👩\u200D💻');
    expect(templateInputSchema.parse(template(name)).name).toBe('Café 👩\u200D💻');
    expect(createCampaignBody.safeParse({ name: '   ', journey: bare }).success).toBe(false);
    expect(createCampaignBody.safeParse({ name: 'x'.repeat(201), journey: bare }).success).toBe(false);
  });
});

describe('journey node labels', () => {
  it('are one line of text, as campaign names are', () => {
    const withLabel = (label: string) => ({
      nodes: [
        { id: 'start', kind: 'trigger', on: { type: 'manual' }, next: 'end', label },
        { id: 'end', kind: 'exit' },
      ],
    });
    expect(journeySchema.safeParse(withLabel('Welcome mail')).success).toBe(true);
    for (const bad of ['Welcome\r\nBcc: x@example.com', 'a\u0000b', 'evil\u202Etxt', 'x\ud800']) {
      expect(journeySchema.safeParse(withLabel(bad)).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
