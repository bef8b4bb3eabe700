/** Topic preferences: which sends a topic opt-out blocks, the page's choices and form, honouring them. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blockingSuppression, MAX_REASONS_PER_ITEM, topicOptOut } from '../../../shared/email/suppression-rules';
import { topicsFromSetting } from '../../../shared/email/topics';
import {
  honourUnsubscribe,
  OptOutRefusedError,
  topicChoices,
  type UnsubscribeDeps,
  unsubscribeChoice,
  unsubscribeFor,
  unsubscribePage,
} from '../../../shared/email/unsubscribe';
import { memoryOptOuts } from './memory-opt-outs';

const key = randomBytes(32);

describe('topic opt-outs (suppression rules)', () => {
  const news = topicOptOut('news');
  it('block marketing of that topic only', () => {
    expect(blockingSuppression([news], 'marketing', 'news')).toBe(news);
    expect(blockingSuppression([news], 'marketing', 'product')).toBeUndefined();
    expect(blockingSuppression([news], 'marketing')).toBeUndefined();
    expect(blockingSuppression([news], 'transactional', 'news')).toBeUndefined();
  });
  it('leave the full unsubscribe and bounces as they were', () => {
    expect(blockingSuppression(['unsubscribe'], 'marketing', 'product')).toBe('unsubscribe');
    expect(blockingSuppression(['unsubscribe'], 'transactional', 'news')).toBeUndefined();
    expect(blockingSuppression([news, 'hard-bounce'], 'transactional')).toBe('hard-bounce');
  });
});

describe('unsubscribeChoice', () => {
  it('reads RFC 8058 one-click, an empty body and the "all" button as everything', () => {
    expect(unsubscribeChoice('List-Unsubscribe=One-Click')).toEqual({ scope: 'all' });
    expect(unsubscribeChoice('scope=all&topic=news')).toEqual({ scope: 'all' });
    expect(unsubscribeChoice(undefined)).toEqual({ scope: 'all' });
    expect(unsubscribeChoice({})).toEqual({ scope: 'all' });
  });
  it('reads the preferences form and JSON as topics, dropping ids that are not topics', () => {
    expect(unsubscribeChoice('topic=news&topic=product&scope=topics&topic=news&topic=Bad%20Id')).toEqual({
      scope: 'topics',
      topics: ['news', 'product'],
    });
    expect(unsubscribeChoice({ topics: ['news', 3, '<x>'] })).toEqual({ scope: 'topics', topics: ['news'] });
  });
});

describe('topicsFromSetting / topicChoices', () => {
  it('takes ids or {id,label}, skipping anything else, and adds the send topic', () => {
    const listed = topicsFromSetting(['news', { id: 'product', label: 'Product updates' }, { id: 'BAD' }, 7, 'news']);
    expect(listed).toEqual([
      { id: 'news', label: 'news' },
      { id: 'product', label: 'Product updates' },
    ]);
    expect(topicsFromSetting({ not: 'a list' })).toEqual([]);
    expect(topicChoices(listed, 'events', [topicOptOut('news')])).toEqual([
      { id: 'news', label: 'news', optedOut: true },
      { id: 'product', label: 'Product updates', optedOut: false },
      { id: 'events', label: 'events', optedOut: false },
    ]);
  });
});

describe('the preferences page', () => {
  it('shows escaped checkboxes, opted-out topics disabled, and "unsubscribe from all", with no script', () => {
    const page = unsubscribePage('confirm', {
      action: 'https://a.test/u/t',
      email: 'ada@example.com',
      topics: [
        { id: 'news', label: '<b>News</b>', optedOut: false },
        { id: 'product', label: 'Product', optedOut: true },
      ],
    });
    expect(page).toContain('<input type="checkbox" name="topic" value="news"> &lt;b&gt;News&lt;/b&gt;');
    expect(page).toContain('checked disabled> Product (unsubscribed)');
    expect(page).toContain('name="scope" value="topics"');
    expect(page).toContain('name="scope" value="all">Unsubscribe from all');
    expect(page).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
  });
  it('has only the "all" button without topics', () => {
    const page = unsubscribePage('confirm', { action: 'https://a.test/u/t', email: 'a@b.c' });
    expect(page).not.toContain('checkbox');
    expect(page).toContain('value="all"');
  });
});

describe('honourUnsubscribe with topics', () => {
  function fakes() {
    const memory = memoryOptOuts();
    const interactions: Array<Record<string, unknown>> = [];
    const deps: UnsubscribeDeps = {
      key,
      suppressions: memory.store,
      recordUnsubscribed: async (_ws, _id, metadata) => void interactions.push(metadata),
      now: () => new Date('2026-12-04T00:00:00Z'),
      topics: async () => ['news', 'product'],
    };
    const reasons = { values: () => memory.byAddress('ws', 'a@b.c') };
    const withdrawals = memory.consent;
    return { deps, reasons, interactions, withdrawals };
  }
  const token = new URL(
    unsubscribeFor(
      { baseUrl: 'https://a.test', key },
      { workspaceId: 'ws', sendId: 's1', email: 'a@b.c', contactId: 'contact-1', topic: 'news' },
    ).url,
  ).pathname.slice(3);

  it('opts out of the chosen topics only, once, recording the withdrawal of those topics', async () => {
    const { deps, reasons, interactions, withdrawals } = fakes();
    const choice = { scope: 'topics', topics: ['news'] } as const;
    expect(await honourUnsubscribe(deps, token, {}, { ...choice, topics: ['news'] })).toEqual({
      status: 'unsubscribed',
      already: false,
      topics: ['news'],
    });
    expect(reasons.values()).toEqual(['unsubscribe:topic:news']);
    expect(await honourUnsubscribe(deps, token, {}, { ...choice, topics: ['news'] })).toMatchObject({ already: true });
    expect(interactions).toEqual([{ sendId: 's1', via: 'preferences', topics: ['news'] }]);
    expect(withdrawals.map((w) => w.scope)).toEqual([['news']]);
  });

  it('the one-click POST still unsubscribes from all marketing (superseding the topics), after which topics change nothing', async () => {
    const { deps, reasons, withdrawals } = fakes();
    await honourUnsubscribe(deps, token, {}, { scope: 'topics', topics: ['news'] });
    await honourUnsubscribe(deps, token);
    // Review round 13: the full unsubscribe replaces the topic opt-outs it covers (the item never grows with them).
    expect(reasons.values().sort()).toEqual(['unsubscribe']);
    expect(await honourUnsubscribe(deps, token, {}, { scope: 'topics', topics: ['product'] })).toMatchObject({
      already: true,
    });
    expect(withdrawals.map((w) => w.scope)).toEqual([['news'], 'all']);
  });
});

describe('review round 13: topic opt-outs are bounded, and an opt-out is always recorded', () => {
  function fakes(listed: string[] = ['news', 'product']) {
    const memory = memoryOptOuts();
    const deps: UnsubscribeDeps = {
      key,
      suppressions: memory.store,
      recordUnsubscribed: async () => undefined,
      now: () => new Date('2026-12-04T00:00:00Z'),
      topics: async () => listed,
    };
    return { deps, memory };
  }
  const tokenOf = (topic?: string) =>
    new URL(
      unsubscribeFor(
        { baseUrl: 'https://a.test', key },
        { workspaceId: 'ws', sendId: 's1', email: 'a@b.c', contactId: 'contact-1', ...(topic ? { topic } : {}) },
      ).url,
    ).pathname.slice(3);

  it('ignores topics the workspace does not list, unless the link is of that topic', async () => {
    const { deps, memory } = fakes();
    const choice = unsubscribeChoice('scope=topics&topic=news&topic=made-up&topic=promo');
    expect(await honourUnsubscribe(deps, tokenOf(), {}, choice)).toEqual({
      status: 'unsubscribed',
      already: false,
      topics: ['news'],
    });
    expect(await honourUnsubscribe(deps, tokenOf('promo'), {}, choice)).toMatchObject({ topics: ['promo'] });
    expect(memory.byAddress('ws', 'a@b.c').sort()).toEqual([topicOptOut('news'), topicOptOut('promo')]);
    // Without the workspace's list: the link's own topic only.
    const { topics: _none, ...unlisted } = deps;
    expect(await honourUnsubscribe(unlisted, tokenOf(), {}, unsubscribeChoice('scope=topics&topic=product'))).toEqual({
      status: 'unsubscribed',
      already: true,
      topics: [],
    });
  });

  it('a topic opt-out past the per-item cap is honoured as an unsubscribe from all', async () => {
    const { deps, memory } = fakes();
    for (let i = 0; i < MAX_REASONS_PER_ITEM; i++) await memory.store.suppress('ws', 'a@b.c', topicOptOut(`old${i}`));
    expect(await honourUnsubscribe(deps, tokenOf(), {}, unsubscribeChoice('scope=topics&topic=news'))).toEqual({
      status: 'unsubscribed',
      already: false,
    });
    expect(memory.byAddress('ws', 'a@b.c')).toEqual(['unsubscribe']);
    expect(memory.byContact('ws', 'contact-1')).toEqual(['unsubscribe']);
  });

  it('a write the store refuses is honoured more widely: all marketing, then the address alone', async () => {
    const { deps, memory } = fakes();
    const refusing = (refuse: (write: Parameters<typeof memory.store.optOut>[0]) => boolean) => ({
      ...deps,
      suppressions: {
        ...memory.store,
        optOut: async (write: Parameters<typeof memory.store.optOut>[0]) => {
          if (refuse(write)) throw new OptOutRefusedError('item too large');
          return memory.store.optOut(write);
        },
      },
    });
    // The topics write is refused; the full unsubscribe fits.
    const topicsRefused = refusing((w) => !w.address?.reasons.includes('unsubscribe'));
    expect(await honourUnsubscribe(topicsRefused, tokenOf(), {}, unsubscribeChoice('scope=topics&topic=news'))).toEqual(
      { status: 'unsubscribed', already: false },
    );
    expect(memory.byContact('ws', 'contact-1')).toEqual(['unsubscribe']);

    // Any write with the contact's item is refused: the address alone is unsubscribed.
    const other = fakes();
    const personRefused = {
      ...other.deps,
      suppressions: {
        ...other.memory.store,
        optOut: async (write: Parameters<typeof other.memory.store.optOut>[0]) => {
          if (write.person) throw new OptOutRefusedError('item too large');
          return other.memory.store.optOut(write);
        },
      },
    };
    expect(await honourUnsubscribe(personRefused, tokenOf())).toEqual({ status: 'unsubscribed', already: false });
    expect(other.memory.byAddress('ws', 'a@b.c')).toEqual(['unsubscribe']);
    expect(other.memory.byContact('ws', 'contact-1')).toEqual([]);
    expect(other.memory.audits).toHaveLength(1);
  });
});
