/**
 * One contact tag, as the contacts API stores it, and how many a contact may hold. A module of its
 * own: journeys name tags too (actions, conditions, triggers) and must not bundle every contact
 * field schema for it.
 */
import * as z from 'zod/mini';

export const MAX_TAGS = 50;

/**
 * One tag: trimmed, lower-cased, 1-50 characters. Everything that names a contact tag (a journey's
 * tag actions and conditions, a tag-added trigger) uses this, so it can only name a tag a contact can hold.
 */
export const tagField = z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(50));
