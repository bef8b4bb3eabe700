/**
 * How CSV columns map onto contact fields, both ways. Headers are accepted in camelCase,
 * snake_case or with spaces (`firstName`, `first_name`, `First Name`); `custom.<name>` and
 * any unknown header become custom fields; read-only columns of an export (score, tier,
 * dates, id) are ignored on import, so an exported file imports back unchanged.
 */
import { ValidationError } from '../../errors';
import { csvRow, unescapeFormula } from '../csv/write';
import type { Contact } from '../model';

export type ContactColumn =
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phone'
  | 'company'
  | 'jobTitle'
  | 'status'
  | 'tags'
  | 'ownerUserId';

export type ColumnTarget =
  | { readonly kind: 'field'; readonly field: ContactColumn }
  | { readonly kind: 'custom'; readonly name: string }
  | { readonly kind: 'ignored' };

const ALIASES: Record<string, ContactColumn> = {
  firstname: 'firstName',
  lastname: 'lastName',
  email: 'email',
  emailaddress: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  company: 'company',
  jobtitle: 'jobTitle',
  title: 'jobTitle',
  status: 'status',
  tags: 'tags',
  owneruserid: 'ownerUserId',
  owner: 'ownerUserId',
};
const READ_ONLY = new Set([
  'contactid',
  'workspaceid',
  'score',
  'tier',
  'lastinteractionat',
  'createdat',
  'updatedat',
  'deletedat',
]);
const CUSTOM_PREFIX = 'custom.';

/** Maps a header row. @throws ValidationError when there is no email column or a field is named twice. */
export function mapHeaders(headers: readonly string[]): ColumnTarget[] {
  const seen = new Set<string>();
  const targets = headers.map((raw): ColumnTarget => {
    const header = raw.trim();
    if (header.toLowerCase().startsWith(CUSTOM_PREFIX)) {
      return { kind: 'custom', name: header.slice(CUSTOM_PREFIX.length).trim() };
    }
    const key = header.toLowerCase().replace(/[\s_-]/g, '');
    const field = ALIASES[key];
    if (field) return { kind: 'field', field };
    if (READ_ONLY.has(key) || key === '') return { kind: 'ignored' };
    return { kind: 'custom', name: header };
  });
  for (const t of targets) {
    const name = t.kind === 'field' ? t.field : t.kind === 'custom' ? `custom.${t.name}` : undefined;
    if (!name) continue;
    if (seen.has(name)) throw new ValidationError(`The column ${name} appears twice`, 'IMPORT_BAD_HEADER');
    seen.add(name);
  }
  if (!seen.has('email')) throw new ValidationError('The file has no email column', 'IMPORT_BAD_HEADER');
  return targets;
}

/** A custom value from text: canonical numbers and true/false keep their type. */
export function customValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d{1,6})?$/.test(text) && String(Number(text)) === text) return Number(text);
  return text;
}

/**
 * One data row as the input object the contact schema validates. Empty cells are left out
 * (on an existing contact they change nothing).
 */
export function rowToInput(targets: readonly ColumnTarget[], cells: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  targets.forEach((target, i) => {
    const text = unescapeFormula((cells[i] ?? '').trim());
    if (text === '' || target.kind === 'ignored') return;
    if (target.kind === 'custom') custom[target.name] = customValue(text);
    else if (target.field === 'tags') input.tags = text.split(/[;|]/).filter((t) => t.trim() !== '');
    else if (target.field === 'status') input.status = text.toLowerCase();
    else input[target.field] = text;
  });
  if (Object.keys(custom).length > 0) input.customFields = custom;
  return input;
}

const EXPORT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'company',
  'jobTitle',
  'status',
  'tags',
  'ownerUserId',
] as const;
const EXPORT_READ_ONLY = ['score', 'tier', 'lastInteractionAt', 'createdAt', 'updatedAt', 'contactId'] as const;

/** The export: a header row, then one row per contact; custom fields as `custom.<name>` columns. */
export function contactsToCsv(contacts: readonly Contact[]): string {
  const customNames = [...new Set(contacts.flatMap((c) => Object.keys(c.customFields)))].sort();
  const lines = [csvRow([...EXPORT_FIELDS, ...EXPORT_READ_ONLY, ...customNames.map((n) => `${CUSTOM_PREFIX}${n}`)])];
  for (const c of contacts) {
    lines.push(
      csvRow([
        ...EXPORT_FIELDS.map((f) => (f === 'tags' ? c.tags.join(';') : c[f])),
        ...EXPORT_READ_ONLY.map((f) => c[f]),
        ...customNames.map((n) => c.customFields[n]),
      ]),
    );
  }
  return lines.join('');
}
