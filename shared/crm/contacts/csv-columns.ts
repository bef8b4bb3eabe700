/**
 * How CSV columns map onto contact fields, both ways. Headers are accepted in camelCase,
 * snake_case or with spaces (`firstName`, `first_name`, `First Name`); `custom.<name>` and
 * any unknown header become custom fields; read-only columns of an export (score, tier,
 * dates, id) are ignored on import, so an exported file imports back unchanged.
 *
 * Export → import is lossless for every tag and every text custom value the API accepts, and
 * a hand-written file reads as it did before that rule (but for the escapes and marks below):
 * - Tags: one cell, separated by `;` (or `|`). The export writes a `\`, `;` or `|` inside a tag
 *   as `\\`, `\;`, `\|`; the import reads those three escapes back and keeps any other
 *   backslash as it is (`c:\path` is one tag).
 * - Custom values: a cell is trimmed, and read as a number when canonical (`42`, `-1.5`), as a
 *   boolean when `true`/`false`, as nothing when empty or blank. A leading `'` (a spreadsheet's
 *   "this is text" mark) stops all of that: when what follows it would otherwise be trimmed,
 *   typed, or read as nothing, the `'` is removed and the rest taken exactly as written (`'42`
 *   is the text "42"); anywhere else it is part of the value (`'Brien`). The export marks the
 *   text values that need it. Numbers outside the canonical form (more than 15 integer digits,
 *   more than 6 decimals, exponents) come back as text.
 *
 * Formula injection (OWASP, ASVS 1.2.10): `csvCell` (../csv/write.ts) marks with a leading `'` a
 * cell starting with a control character (NUL, tab, LF, ... DEL: a spreadsheet may drop it and read
 * what follows as a formula) or with `= + - @` behind any blanks and invisible format characters
 * (spaces, NBSP, U+200B...), and the same after each `;` and line break; the import removes
 * exactly those marks. A `__proto__` column (or
 * `custom.__proto__`) is a custom field like any other (an own key of `customFields`, never the
 * prototype), as are `constructor`, `toString`...: the contact schema judges the key.
 */
import { ValidationError } from '../../errors';
import { own } from '../../security/own';
import { csvCell, csvRow, unescapeFormula, unmarkAfterBreaks } from '../csv/write';
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

/**
 * The widest header an import reads: the most columns an export writes (a spreadsheet's width,
 * shared/crm/contacts/export-contacts.ts), so every export imports back. A contact holds at most
 * 9 fields and 50 custom fields; a wider header can only be a mistake or an attack (each of its
 * names is mapped, and kept for every row).
 */
export const CSV_MAX_COLUMNS = 16_384;

/**
 * Maps a header row.
 * @throws ValidationError `IMPORT_TOO_WIDE` past {@link CSV_MAX_COLUMNS} columns (before any is
 * mapped), `IMPORT_BAD_HEADER` when there is no email column or a field is named twice.
 */
export function mapHeaders(headers: readonly string[]): ColumnTarget[] {
  if (headers.length > CSV_MAX_COLUMNS) {
    throw new ValidationError(
      `A file may have at most ${CSV_MAX_COLUMNS.toLocaleString('en-US')} columns (the widest export); ` +
        `this header has ${headers.length.toLocaleString('en-US')}: remove the columns that are not contact fields`,
      'IMPORT_TOO_WIDE',
      { details: { maxColumns: CSV_MAX_COLUMNS, columns: headers.length } },
    );
  }
  const seen = new Set<string>();
  const targets = headers.map((raw): ColumnTarget => {
    // A custom field's name may hold a `;`: the export marks the header after it as any cell.
    const header = unmarkAfterBreaks(raw.trim());
    if (header.toLowerCase().startsWith(CUSTOM_PREFIX)) {
      return { kind: 'custom', name: header.slice(CUSTOM_PREFIX.length).trim() };
    }
    const key = header.toLowerCase().replace(/[\s_-]/g, '');
    // Own keys only: `constructor`, `toString`... are custom columns, not the object's prototype members.
    const field = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
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
 * (on an existing contact they change nothing), and so are the columns a row stops short of: the
 * work follows the cells the row has, never the header's width (a short row under a wide header
 * reads its few cells). Cells past the header's columns are not read (the import refuses such a row).
 */
export function rowToInput(targets: readonly ColumnTarget[], cells: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  const width = Math.min(cells.length, targets.length);
  for (let i = 0; i < width; i++) {
    const target = targets[i] as ColumnTarget;
    if (target.kind === 'ignored') continue;
    const cell = cells[i] as string;
    if (target.kind === 'custom') {
      const value = readCustomCell(cell);
      // An own property even for `__proto__` (an assignment would set the prototype and the value
      // would vanish): the contact schema judges the key as it does `constructor`.
      if (value !== undefined)
        Object.defineProperty(custom, target.name, { value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const text = unescapeFormula(cell.trim());
    if (text === '') continue;
    if (target.field === 'tags') input.tags = readTags(text).filter((t) => t.trim() !== '');
    else if (target.field === 'status') input.status = text.toLowerCase();
    else input[target.field] = text;
  }
  if (Object.keys(custom).length > 0) input.customFields = custom;
  return input;
}

/** Separates the tags of a cell; `\` before one of these is that character within a tag. */
const TAG_SEPARATORS = new Set([';', '|']);
const TAG_ESCAPED = new Set(['\\', ';', '|']);

/** The export's tag cell: each tag with `\`, `;` and `|` escaped by a `\`, joined by `;`. */
export const writeTags = (tags: readonly string[]): string =>
  tags.map((tag) => tag.replace(/[\\;|]/g, (c) => `\\${c}`)).join(';');

/** The tags of a cell: split on `;` and `|`, the escapes of {@link writeTags} read back. */
export function readTags(text: string): string[] {
  const tags: string[] = [];
  let tag = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\\' && next !== undefined && TAG_ESCAPED.has(next)) {
      tag += next;
      i += 1;
    } else if (TAG_SEPARATORS.has(c)) {
      tags.push(tag);
      tag = '';
    } else tag += c;
  }
  tags.push(tag);
  return tags;
}

/**
 * True when reading `value` from a plain cell would change it: blank, spaces at either end,
 * or a number or true/false (leading `'`s set aside, so a value that starts with them is
 * marked too and a mark is never ambiguous).
 */
const needsTextMark = (value: string): boolean => {
  const rest = value.replace(/^'+/, '');
  return rest.trim() === '' || rest.trim() !== rest || typeof customValue(rest) !== 'string';
};

/** A custom value as the export writes it: text that needs it gets the leading `'` mark. */
const writeCustomValue = (value: string | number | boolean | undefined) =>
  typeof value === 'string' && needsTextMark(value) ? `'${value}` : value;

/** A custom cell's value, or undefined for an empty or blank cell (see the file's header). */
function readCustomCell(cell: string): string | number | boolean | undefined {
  // Only the start is trimmed first: a marked value keeps the spaces it ends with.
  const text = unescapeFormula(cell.trimStart());
  if (text.startsWith("'") && needsTextMark(text.slice(1))) return text.slice(1);
  const plain = text.trimEnd();
  return plain === '' ? undefined : customValue(plain);
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
/** The columns every export has; each distinct custom-field name adds one. */
export const EXPORT_FIXED_COLUMNS = EXPORT_FIELDS.length + EXPORT_READ_ONLY.length;
const FIXED_HEADER = [...EXPORT_FIELDS, ...EXPORT_READ_ONLY].map(csvCell).join(',');

/** One contact, written: its fixed cells joined, and its custom cells as `[name, cell, name, cell...]`. */
interface WrittenRow {
  readonly fixed: string;
  readonly custom: readonly string[];
}

/**
 * The export built a contact at a time: one `custom.<name>` column per distinct custom-field name
 * (sorted), every row padded to all of them. Each contact's cells are written once, as they come;
 * {@link size} is what the whole text will weigh, known before it is built (the padding is
 * rows x columns of commas), so a caller can stop as soon as an export would not fit.
 */
export class ContactsCsv {
  readonly #rows: WrittenRow[] = [];
  readonly #names = new Set<string>();
  readonly #comma: number;
  readonly #lineEnd: number;
  #cells: number;

  /**
   * @param measure the weight of a text: UTF-8 bytes by default, or what it takes once encoded (a JSON
   * string's escapes). It must add up over pieces split between cells (both do).
   */
  constructor(private readonly measure: (text: string) => number = (text) => Buffer.byteLength(text)) {
    this.#comma = measure(',');
    this.#lineEnd = measure('\r\n');
    this.#cells = measure(FIXED_HEADER) + this.#lineEnd;
  }

  /** Contacts added. */
  get rows(): number {
    return this.#rows.length;
  }

  /** Columns of the text so far: the fixed ones and one per distinct custom-field name. */
  get columns(): number {
    return EXPORT_FIXED_COLUMNS + this.#names.size;
  }

  /** What {@link toString} would weigh now, by the measure given: the header and every padded row. */
  get size(): number {
    return this.#cells + this.#rows.length * (this.#names.size * this.#comma + this.#lineEnd);
  }

  add(c: Contact): void {
    const fixed = [
      ...EXPORT_FIELDS.map((f) => (f === 'tags' ? writeTags(c.tags) : c[f])),
      ...EXPORT_READ_ONLY.map((f) => c[f]),
    ]
      .map(csvCell)
      .join(',');
    this.#cells += this.measure(fixed);
    const custom: string[] = [];
    for (const name of Object.keys(c.customFields)) {
      // Own fields only: a contact without `toString` has an empty cell, not Object's method.
      const cell = csvCell(writeCustomValue(own(c.customFields, name)));
      if (!this.#names.has(name)) {
        this.#names.add(name);
        this.#cells += this.#comma + this.measure(csvCell(`${CUSTOM_PREFIX}${name}`));
      }
      if (cell === '') continue;
      this.#cells += this.measure(cell);
      custom.push(name, cell);
    }
    this.#rows.push({ fixed, custom });
  }

  /** The text: a header row, then one row per contact, CRLF-terminated. */
  toString(): string {
    const names = [...this.#names].sort();
    const at = new Map(names.map((n, i) => [n, i]));
    const lines = [csvRow([...EXPORT_FIELDS, ...EXPORT_READ_ONLY, ...names.map((n) => `${CUSTOM_PREFIX}${n}`)])];
    for (const { fixed, custom } of this.#rows) {
      const cells = new Array<string>(names.length).fill('');
      for (let i = 0; i < custom.length; i += 2) cells[at.get(custom[i] as string) as number] = custom[i + 1] as string;
      lines.push(names.length === 0 ? `${fixed}\r\n` : `${fixed},${cells.join(',')}\r\n`);
    }
    return lines.join('');
  }
}

/** The export: a header row, then one row per contact; custom fields as `custom.<name>` columns. */
export function contactsToCsv(contacts: readonly Contact[]): string {
  const csv = new ContactsCsv();
  for (const c of contacts) csv.add(c);
  return csv.toString();
}
