/**
 * A tag travels in `contact.tag_added` events that EventBridge re-serializes for its SQS targets;
 * SQS refuses U+FFFE and U+FFFF in a body, so no tag may hold a noncharacter (review round 21, r21e).
 */
import { describe, expect, it } from 'vitest';
import { tagField } from '../../../../shared/crm/contacts/tag-field';

describe('tagField and Unicode noncharacters', () => {
  it.each(['vip\uFFFF', '\uFFFEvip', 'a\uFDD0b', 'x\u{10FFFF}'])('refuses %j', (tag) => {
    const out = tagField.safeParse(tag);
    expect(out.success).toBe(false);
    expect(out.error?.issues[0]?.message).toMatch(/noncharacter/);
  });
  it.each([
    ['VIP', 'vip'],
    [' émigré ', 'émigré'],
    ['😀 fans', '😀 fans'],
    ['\uFFFD', '\uFFFD'],
  ])('keeps %j as %j', (tag, stored) => {
    expect(tagField.parse(tag)).toBe(stored);
  });
});
