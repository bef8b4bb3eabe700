/**
 * One contact tag, as the contacts API stores it, and how many a contact may hold. A module of its
 * own: journeys name tags too (actions, conditions, triggers) and must not bundle every contact
 * field schema for it.
 */
import * as z from 'zod/mini';

export const MAX_TAGS = 50;

/**
 * Unicode noncharacters, meant for no interchange. A tag travels in domain events (`contact.tag_added`)
 * that EventBridge re-serializes for its SQS targets, and SQS refuses U+FFFE and U+FFFF in a body
 * (the functions' clients escape them, shared/aws/sqs-message-text.ts; the bus's own delivery is not
 * ours to escape), so a tag never holds one.
 */
const NONCHARACTER = /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{10FFFE}\u{10FFFF}]/u;

/**
 * One tag: trimmed, lower-cased, 1-50 characters. Everything that names a contact tag (a journey's
 * tag actions and conditions, a tag-added trigger) uses this, so it can only name a tag a contact can hold.
 */
export const tagField = z.string().check(
  z.trim(),
  z.toLowerCase(),
  z.minLength(1),
  z.maxLength(50),
  z.refine(
    (tag) => !NONCHARACTER.test(tag),
    'A tag cannot hold a Unicode noncharacter (U+FDD0-U+FDEF, U+FFFE, U+FFFF)',
  ),
);
