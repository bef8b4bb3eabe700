/**
 * One contact tag, as the contacts API stores it, and how many a contact may hold. A module of its
 * own: journeys name tags too (actions, conditions, triggers) and must not bundle every contact
 * field schema for it.
 */
import * as z from 'zod/mini';
import { caseless } from '../fold-text';

export const MAX_TAGS = 50;

/**
 * Unicode noncharacters, meant for no interchange. A tag travels in domain events (`contact.tag_added`)
 * that EventBridge re-serializes for its SQS targets, and SQS refuses U+FFFE and U+FFFF in a body
 * (the functions' clients escape them, shared/aws/sqs-message-text.ts; the bus's own delivery is not
 * ours to escape), so a tag never holds one.
 */
const NONCHARACTER = /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{10FFFE}\u{10FFFF}]/u;

/**
 * One tag: trimmed, NFC-normalised and lower-cased (fold-text.ts `caseless`: "café" typed composed
 * or not is one tag), 1-50 characters. Everything that names a contact tag (a journey's tag actions
 * and conditions, a tag-added trigger) uses this, so it can only name a tag a contact can hold.
 */
export const tagField = z.string().check(
  z.trim(),
  z.overwrite(caseless),
  z.minLength(1),
  z.maxLength(50),
  z.refine(
    (tag) => !NONCHARACTER.test(tag),
    'A tag cannot hold a Unicode noncharacter (U+FDD0-U+FDEF, U+FFFE, U+FFFF)',
  ),
);

/**
 * `tag` as a contact holds it now (trimmed, {@link caseless}), whatever form and case it came in:
 * what every comparison of tags compares (a journey's tag, an event's, a stored one).
 */
export const tagAsHeld = (tag: string): string => caseless(tag.trim());

/** Whether `a` and `b` name one tag ({@link tagAsHeld}). */
export const sameTag = (a: string, b: string): boolean => tagAsHeld(a) === tagAsHeld(b);

/**
 * Whether `tags` (a contact's, as stored) hold `tag`, compared {@link caseless}: a tag stored before
 * tags were NFC-normalised (typed decomposed) is the tag its composed spelling names.
 */
export const holdsTag = (tags: readonly string[], tag: string): boolean => heldTag(tags, tag) !== undefined;

/** The spelling `tags` hold `tag` in ({@link holdsTag}), if they hold it. */
export const heldTag = (tags: readonly string[], tag: string): string | undefined => {
  const wanted = tagAsHeld(tag);
  return tags.find((t) => tagAsHeld(t) === wanted);
};

/**
 * The forms a stored tag may hold `tag` in, for a store's exact match: as tags are written now
 * (NFC), and decomposed (NFD), as a tag typed so was stored before tags were NFC-normalised.
 */
export const storedTagForms = (tag: string): readonly string[] => {
  const now = tagAsHeld(tag);
  return [...new Set([now, now.normalize('NFD')])];
};
