/**
 * The rules every way into a contact shares (JSON API, CSV import): one zod schema per
 * field, so a CSV row and a request body are validated and normalised alike.
 */
import * as z from 'zod';
import { normalisePhone, sanitizeEmail } from '../../security/sanitize';
import { singleLineText } from '../../security/single-line-text';
import { isStorableNumber, STORABLE_NUMBER_MESSAGE } from '../../security/storable-number';
import { CONTACT_STATUSES } from '../model';

export const MAX_TAGS = 50;
export const MAX_CUSTOM_FIELDS = 50;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Runs a sanitizer that throws, as a zod transform with its message. */
const via = <T>(fn: (value: string) => T, message: string) =>
  z.string().transform((value, ctx) => {
    try {
      return fn(value);
    } catch {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  });

export const emailField = z.string().max(254).pipe(via(sanitizeEmail, 'Not a valid email address'));
export const phoneField = z
  .string()
  .max(40)
  .pipe(via((v) => normalisePhone(v), 'Not a valid phone number (E.164, or national AU form)'));
// Names, company and title may reach campaign subjects and greetings: single lines only.
export const nameField = singleLineText(100);
export const companyField = singleLineText(200);
export const jobTitleField = singleLineText(200);
export const statusField = z.enum(CONTACT_STATUSES);
export const ownerField = z.string().trim().min(1).max(64);

/** Trimmed, lower-cased, de-duplicated; at most {@link MAX_TAGS}. */
export const tagsField = z
  .array(z.string().trim().toLowerCase().min(1).max(50))
  .max(MAX_TAGS * 4)
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS, { message: `At most ${MAX_TAGS} distinct tags` });

/** Flat values only: nested objects would not survive a CSV round trip nor a filter. */
export const customFieldsField = z
  .record(
    z
      .string()
      .trim()
      .min(1)
      .max(64)
      .refine((k) => !FORBIDDEN_KEYS.has(k), { message: 'Reserved key' }),
    z.union([
      z.string().max(1000),
      z.number().refine(isStorableNumber, { message: STORABLE_NUMBER_MESSAGE }),
      z.boolean(),
    ]),
  )
  .refine((fields) => Object.keys(fields).length <= MAX_CUSTOM_FIELDS, {
    message: `At most ${MAX_CUSTOM_FIELDS} custom fields`,
  });

/** The body of a create: email required. */
export const contactCreateSchema = z
  .object({
    firstName: nameField.optional(),
    lastName: nameField.optional(),
    email: emailField,
    phone: phoneField.optional(),
    company: companyField.optional(),
    jobTitle: jobTitleField.optional(),
    status: statusField.optional(),
    tags: tagsField.optional(),
    customFields: customFieldsField.optional(),
    ownerUserId: ownerField.optional(),
  })
  .strict();
export type ContactCreateInput = z.infer<typeof contactCreateSchema>;

/** The body of a PATCH: any field; `null` clears an optional one. */
export const contactPatchSchema = z
  .object({
    firstName: nameField.nullable().optional(),
    lastName: nameField.nullable().optional(),
    email: emailField.optional(),
    phone: phoneField.nullable().optional(),
    company: companyField.nullable().optional(),
    jobTitle: jobTitleField.nullable().optional(),
    status: statusField.optional(),
    tags: tagsField.optional(),
    customFields: customFieldsField.optional(),
    ownerUserId: ownerField.nullable().optional(),
  })
  .strict();
export type ContactPatchInput = z.infer<typeof contactPatchSchema>;

/** Fields a caller may clear with `null`. */
export const CLEARABLE_FIELDS = ['firstName', 'lastName', 'phone', 'company', 'jobTitle', 'ownerUserId'] as const;
