/**
 * Journey tags are tags as a contact holds them (moved from review 8,
 * test/unit/review8-engine/add-tag-writes-tags-the-contact-api-refuses.test.ts).
 *
 * Was: an `add-tag` action saved with a blank tag ("   ") or a 51-64 character one was accepted
 * (its schema was only `minLength(1), maxLength(64)`, untrimmed), and at run time trimmed and wrote
 * onto the contact a tag the contacts API refuses (empty, or over 50): the contact could then not
 * be saved back with its own tags (PATCH 400), and no `tag-added` trigger (max 50) could name it.
 * Tag conditions had the same loose schema (a condition that could never hold), and the action
 * wrote past the contact's MAX_TAGS.
 *
 * Fixed: add-tag/remove-tag actions, tag conditions and tag-added triggers all use the contacts'
 * own `tagField` (contact-fields.ts: trimmed, lower-cased, 1-50), so such a journey is refused at
 * save with a 400 at the node's path; at run time `add-tag` onto a contact already at MAX_TAGS, or
 * with a bad tag from a journey published before the rule, fails the enrolment with the reason.
 */
import { describe, expect, it } from 'vitest';
import { condition } from '../../../shared/campaigns/conditions';
import { type JourneyAction, journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import { ActionFailedError, type ActionTarget } from '../../../shared/campaigns/ports';
import { triggerOn } from '../../../shared/campaigns/trigger';
import { MAX_TAGS, tagField, tagsField } from '../../../shared/crm/contacts/contact-fields';
import type { Contact } from '../../../shared/crm/model';

const contactWith = (tags: string[]): Contact => ({
  contactId: 'c-1',
  workspaceId: 'ws',
  email: 'ada@example.com',
  status: 'lead',
  tags,
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const target: ActionTarget = {
  workspaceId: 'ws',
  campaignId: 'camp',
  contactId: 'c-1',
  nodeId: 'tag',
  version: 1,
  run: 1,
  step: 1,
  idempotencyKey: 'campaign#camp#c-1#1#tag#1',
};

/** Performs `action` on a contact holding `tags`; answers the contact as written. */
async function perform(action: JourneyAction, tags: string[]) {
  let written = contactWith(tags);
  const actions = journeyActions({
    contacts: {
      get: async () => written,
      update: async (c, patch) => {
        written = { ...c, ...patch } as Contact;
        return written;
      },
    },
    now: () => new Date('2026-03-02T10:00:00Z'),
    scoring: {} as never,
    webhooks: {} as never,
    notify: {} as never,
  });
  await actions.perform(action, target);
  return written;
}

const journeyWithAction = (action: unknown) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'tag' },
    { id: 'tag', kind: 'action', action, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

const BAD_TAGS: Array<[string, string]> = [
  ['a blank tag', '   '],
  ['an empty tag', ''],
  ['a 51-character tag', 'x'.repeat(51)],
  ['a 60-character tag', 'x'.repeat(60)],
];

describe.each(BAD_TAGS)('%s', (_name, tag) => {
  it.each(['add-tag', 'remove-tag'])('in a %s action is refused at save, at the node’s path', (type) => {
    const parsed = journeySchema.safeParse(journeyWithAction({ type, tag }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('nodes.1.action.tag');
  });

  it('in a tag condition is refused', () => {
    expect(condition.safeParse({ type: 'tag', tag }).success).toBe(false);
  });

  it('in a tag-added trigger is refused', () => {
    expect(triggerOn.safeParse({ type: 'tag-added', tag }).success).toBe(false);
  });

  it('from a journey published before the rule: add-tag fails the enrolment and writes nothing', async () => {
    await expect(perform({ type: 'add-tag', tag }, ['vip'])).rejects.toBeInstanceOf(ActionFailedError);
  });

  it('from a journey published before the rule: remove-tag removes nothing and does not fail', async () => {
    expect((await perform({ type: 'remove-tag', tag }, ['vip'])).tags).toEqual(['vip']);
  });
});

describe('journey tags and contact tags are one schema', () => {
  it('a tag is normalised as contacts normalise it, in actions, conditions and triggers', () => {
    const parsed = journeySchema.parse(journeyWithAction({ type: 'add-tag', tag: '  VIP Lead ' }));
    expect(parsed.nodes[1]).toMatchObject({ action: { tag: 'vip lead' } });
    expect(condition.parse({ type: 'tag', tag: ' VIP ' })).toMatchObject({ tag: 'vip' });
    expect(triggerOn.parse({ type: 'tag-added', tag: ' VIP ' })).toMatchObject({ tag: 'vip' });
    expect(tagsField.parse(['  VIP Lead '])).toEqual(['vip lead']);
  });

  it('a 50-character tag (the contacts’ longest) saves and is written as a tag the contact API accepts', async () => {
    const tag = 'y'.repeat(50);
    const parsed = journeySchema.parse(journeyWithAction({ type: 'add-tag', tag }));
    expect(journeyProblems(parsed)).toEqual([]);
    const written = await perform({ type: 'add-tag', tag }, ['vip']);
    expect(written.tags).toEqual(['vip', tag]);
    expect(tagsField.safeParse(written.tags).success).toBe(true);
    expect(tagField.safeParse(tag).success).toBe(true);
  });
});

describe('add-tag and the contact’s MAX_TAGS', () => {
  const full = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);

  it('fails the enrolment, naming the limit, rather than write a tag past it', async () => {
    await expect(perform({ type: 'add-tag', tag: 'one-more' }, full)).rejects.toThrow(
      new RegExp(`most a contact may have \\(${MAX_TAGS}\\)`),
    );
    await expect(perform({ type: 'add-tag', tag: 'one-more' }, full)).rejects.toBeInstanceOf(ActionFailedError);
  });

  it('a tag the full contact already holds is a no-op, not a failure', async () => {
    expect((await perform({ type: 'add-tag', tag: 'T1' }, full)).tags).toEqual(full);
  });

  it('the last free place is filled, and the result is still tags the contact API accepts', async () => {
    const written = await perform({ type: 'add-tag', tag: 'last' }, full.slice(1));
    expect(written.tags).toHaveLength(MAX_TAGS);
    expect(tagsField.safeParse(written.tags).success).toBe(true);
  });
});
