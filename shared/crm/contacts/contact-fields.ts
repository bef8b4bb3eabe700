/**
 * The rules every way into a contact shares (JSON API, CSV import): one zod schema per
 * field, so a CSV row and a request body are validated and normalised alike.
 */
import * as z from 'zod/mini';
import { emailAddress } from '../../security/email-address';
import { normalisePhone } from '../../security/sanitize';
import { singleLineText } from '../../security/single-line-text';
import { isStorableNumber, STORABLE_NUMBER_MESSAGE } from '../../security/storable-number';
import { CONTACT_STATUSES } from '../model';
import { customFieldKey, MAX_CUSTOM_FIELDS, RESERVED_FIELD_KEYS } from './custom-field-key';
import { MAX_TAGS, tagField } from './tag-field';

export { customFieldKey, MAX_CUSTOM_FIELDS, MAX_TAGS, tagField };

/** Runs a sanitizer that throws, as a zod transform with its message. */
const via = <T>(fn: (value: string) => T, message: string) =>
  z.pipe(
    z.string(),
    z.transform((value, ctx) => {
      try {
        return fn(value);
      } catch {
        ctx.issues.push({ code: 'custom', message, input: ctx.value });
        return z.NEVER;
      }
    }),
  );

/** The CRM's one address rule (shared/security/email-address.ts): what a contact may hold, a send may go to. */
export const emailField = emailAddress;
export const phoneField = z.pipe(
  z.string().check(z.maxLength(40)),
  via((v) => normalisePhone(v), 'Not a valid phone number (E.164, or national AU form)'),
);
// Names, company and title may reach campaign subjects and greetings: single lines only.
export const nameField = singleLineText(100);
export const companyField = singleLineText(200);
export const jobTitleField = singleLineText(200);
export const statusField = z.enum(CONTACT_STATUSES);
export const ownerField = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));

/** Each as {@link tagField} reads it (trimmed, NFC, lower-cased), de-duplicated; at most {@link MAX_TAGS}. */
export const tagsField = z
  .pipe(
    z.array(tagField).check(z.maxLength(MAX_TAGS * 4)),
    z.transform((tags) => [...new Set(tags)]),
  )
  .check(z.refine((tags) => tags.length <= MAX_TAGS, { message: `At most ${MAX_TAGS} distinct tags` }));

/** Flat values only: nested objects would not survive a CSV round trip nor a filter. */
const customValueField = z.union([
  z.string().check(z.maxLength(1000)),
  z.number().check(z.refine(isStorableNumber, { message: STORABLE_NUMBER_MESSAGE })),
  z.boolean(),
]);

/**
 * Keys are trimmed; two keys that trim to the same name (`" plan"`, `"plan "`) are refused,
 * naming both, rather than one value silently replacing the other.
 */
const distinctTrimmedKeys = z
  .record(
    // Reserved keys are refused here already: this stage must not assign `__proto__` on its output.
    z.string().check(z.refine((k) => !RESERVED_FIELD_KEYS.has(k.trim()), { message: 'Reserved key' })),
    customValueField,
  )
  .check((ctx) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(ctx.value)) {
      const name = key.trim();
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, key);
        continue;
      }
      ctx.issues.push({
        code: 'custom',
        message: `Keys ${JSON.stringify(first)} and ${JSON.stringify(key)} are the same field once trimmed`,
        input: ctx.value,
        path: [key],
      });
    }
  });

export const customFieldsField = z.pipe(distinctTrimmedKeys, z.record(customFieldKey, customValueField)).check(
  z.refine((fields) => Object.keys(fields).length <= MAX_CUSTOM_FIELDS, {
    message: `At most ${MAX_CUSTOM_FIELDS} custom fields`,
  }),
);

/** The body of a create: email required. */
export const contactCreateSchema = z.strictObject({
  firstName: z.optional(nameField),
  lastName: z.optional(nameField),
  email: emailField,
  phone: z.optional(phoneField),
  company: z.optional(companyField),
  jobTitle: z.optional(jobTitleField),
  status: z.optional(statusField),
  tags: z.optional(tagsField),
  customFields: z.optional(customFieldsField),
  ownerUserId: z.optional(ownerField),
});
export type ContactCreateInput = z.infer<typeof contactCreateSchema>;

/** The body of a PATCH: any field; `null` clears an optional one. */
export const contactPatchSchema = z.strictObject({
  firstName: z.optional(z.nullable(nameField)),
  lastName: z.optional(z.nullable(nameField)),
  email: z.optional(emailField),
  phone: z.optional(z.nullable(phoneField)),
  company: z.optional(z.nullable(companyField)),
  jobTitle: z.optional(z.nullable(jobTitleField)),
  status: z.optional(statusField),
  tags: z.optional(tagsField),
  customFields: z.optional(customFieldsField),
  ownerUserId: z.optional(z.nullable(ownerField)),
});
export type ContactPatchInput = z.infer<typeof contactPatchSchema>;

/** Fields a caller may clear with `null`. */
export const CLEARABLE_FIELDS = ['firstName', 'lastName', 'phone', 'company', 'jobTitle', 'ownerUserId'] as const;
