/** Topic preferences: which sends a topic opt-out blocks, the page's choices and form, honouring them. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blockingSuppression, topicOptOut } from '../../../shared/email/suppression-rules';
import { topicsFromSetting } from '../../../shared/email/topics';
import {
  honourUnsubscribe,
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

  it('the one-click POST still unsubscribes from all marketing, after which topics change nothing', async () => {
    const { deps, reasons, withdrawals } = fakes();
    await honourUnsubscribe(deps, token, {}, { scope: 'topics', topics: ['news'] });
    await honourUnsubscribe(deps, token);
    expect(reasons.values().sort()).toEqual(['unsubscribe', 'unsubscribe:topic:news']);
    expect(await honourUnsubscribe(deps, token, {}, { scope: 'topics', topics: ['product'] })).toMatchObject({
      already: true,
    });
    expect(withdrawals.map((w) => w.scope)).toEqual([['news'], 'all']);
  });
});
