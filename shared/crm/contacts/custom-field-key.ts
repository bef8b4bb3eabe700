/**
 * One custom-field key, as the contacts API stores it, and how many fields a contact may hold. A
 * module of its own (as tag-field.ts is for tags): journeys name custom fields too (the `set-field`
 * action) and must not bundle every contact field schema for it.
 */
import * as z from 'zod/mini';

export const MAX_CUSTOM_FIELDS = 50;

/** Keys that would reach an object's prototype machinery: never a field. */
export const RESERVED_FIELD_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * One key: trimmed, 1-64 characters, not reserved. Everything that names a contact's custom field
 * (the contacts API, a journey's set-field action) uses this, so it can only name a field a contact
 * can hold.
 */
export const customFieldKey = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(64),
  z.refine((k) => !RESERVED_FIELD_KEYS.has(k), { message: 'Reserved key' }),
);
