/**
 * CSV import: every row is validated first (errors reported by the line the row starts
 * on), then upserted by email: new emails are created, existing contacts get only the
 * fields that differ, so importing the same file twice changes nothing the second time.
 */
import { ValidationError } from '../../errors';
import { mapLimit } from '../../resilience/map-limit';
import { type CsvRecord, readCsv } from '../csv/parse';
import type { Contact } from '../model';
import { contactCreateSchema } from './contact-fields';
import { mapHeaders, rowToInput } from './csv-columns';
import type { ContactStore, ContactWrite } from './ports';
import { diff, newContact, type OwnerMembers } from './use-cases';

export const IMPORT_MAX_ROWS = 10_000;
/** Errors listed in the report at most; the counts stay exact. */
export const IMPORT_MAX_ERRORS = 1_000;
export const PROGRESS_EVERY = 1_000;

export interface RowError {
  readonly line: number;
  readonly errors: ReadonlyArray<{ readonly field: string; readonly message: string }>;
}

export interface ImportReport {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly errors: RowError[];
  readonly errorsTruncated?: boolean;
  readonly durationMs: number;
}

export interface ImportDeps {
  readonly contacts: ContactStore;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Called every {@link PROGRESS_EVERY} rows of each stage, and at each stage's end. */
  readonly onProgress?: (p: { stage: 'validate' | 'write'; done: number; total: number }) => void;
  /** Called once with the ids of the contacts created or changed (e.g. to record their consent). */
  readonly onWritten?: (contactIds: string[]) => Promise<void>;
  /** The workspace's members: a row that sets `ownerUserId` must name one (read once per distinct owner). */
  readonly members?: OwnerMembers;
}

/** Membership reads in flight at once while checking the owners a file names. */
const OWNER_CHECK_CONCURRENCY = 8;

interface ValidRow {
  readonly line: number;
  readonly input: ReturnType<typeof contactCreateSchema.parse>;
}

/**
 * Imports a CSV text into a workspace.
 * @throws ValidationError `IMPORT_TOO_LARGE` above {@link IMPORT_MAX_ROWS} data rows (nothing
 * is written), `IMPORT_BAD_HEADER` without an email column, `IMPORT_EMPTY` without rows.
 */
export async function importContacts(workspaceId: string, csv: string, deps: ImportDeps): Promise<ImportReport> {
  const started = Date.now();
  const errors: RowError[] = [];
  const valid = validateRows(csv, errors, deps.onProgress);
  const rows = valid.length + errors.length;

  const existing = await deps.contacts.findByEmails(
    workspaceId,
    valid.map((r) => r.input.email),
  );
  const at = deps.now().toISOString();
  const planned: Array<{ line: number; write: ContactWrite }> = [];
  let unchanged = 0;
  for (const row of valid) {
    const current = existing.get(row.input.email);
    if (!current) {
      planned.push({
        line: row.line,
        write: { kind: 'create', contact: newContact(workspaceId, row.input, deps.newId(), at) },
      });
    } else if (current.deletedAt) {
      errors.push({
        line: row.line,
        errors: [
          { field: 'email', message: `A deleted contact (${current.contactId}) has this email; restore it first` },
        ],
      });
    } else {
      const changes = diff(current, mergeCustom(current, row.input));
      if (Object.keys(changes).length === 0) {
        unchanged += 1;
        continue;
      }
      planned.push({
        line: row.line,
        write: { kind: 'update', before: current, changes: { ...changes, updatedAt: at } },
      });
    }
  }
  // An owner the rows set must be a member of the workspace, as for a create or a PATCH.
  const members = await ownersThatAreMembers(
    workspaceId,
    planned.map((p) => ownerSetBy(p.write)),
    deps.members,
  );
  const writes: ContactWrite[] = [];
  const writeLines: number[] = [];
  for (const { line, write } of planned) {
    const owner = ownerSetBy(write);
    if (owner !== undefined && !members.has(owner)) {
      errors.push({
        line,
        errors: [{ field: 'ownerUserId', message: `"${owner}" is not a member of this workspace` }],
      });
      continue;
    }
    writes.push(write);
    writeLines.push(line);
  }

  let reported = 0;
  const failures = await deps.contacts.writeMany(writes, (done) => {
    // Every PROGRESS_EVERY rows written, and once at the end.
    if (done - reported < PROGRESS_EVERY && done < writes.length) return;
    reported = done;
    deps.onProgress?.({ stage: 'write', done, total: writes.length });
  });
  const failedIndexes = new Set(failures.map((f) => f.index));
  for (const f of failures) {
    errors.push({ line: writeLines[f.index] ?? 0, errors: [{ field: 'row', message: f.error.message }] });
  }
  const written = writes.filter((_w, i) => !failedIndexes.has(i));
  if (written.length > 0) {
    await deps.onWritten?.(written.map((w) => (w.kind === 'create' ? w.contact.contactId : w.before.contactId)));
  }
  const created = writes.filter((w, i) => w.kind === 'create' && !failedIndexes.has(i)).length;
  const updated = writes.filter((w, i) => w.kind === 'update' && !failedIndexes.has(i)).length;
  errors.sort((a, b) => a.line - b.line);
  return {
    rows,
    created,
    updated,
    unchanged,
    failed: errors.length,
    errors: errors.slice(0, IMPORT_MAX_ERRORS),
    ...(errors.length > IMPORT_MAX_ERRORS ? { errorsTruncated: true } : {}),
    durationMs: Date.now() - started,
  };
}

/** The owner a write sets, if any (an update that leaves the owner as it is sets none). */
const ownerSetBy = (w: ContactWrite): string | undefined =>
  w.kind === 'create' ? w.contact.ownerUserId : w.changes.ownerUserId;

/** Of these owner ids, those that are members of the workspace: one read per distinct id. */
async function ownersThatAreMembers(
  workspaceId: string,
  owners: ReadonlyArray<string | undefined>,
  lookup: OwnerMembers | undefined,
): Promise<Set<string>> {
  const distinct = [...new Set(owners.filter((o): o is string => o !== undefined))];
  if (distinct.length === 0) return new Set();
  if (!lookup) throw new Error('No membership lookup to check ownerUserId against');
  const found = await mapLimit(distinct, OWNER_CHECK_CONCURRENCY, async (id) =>
    Boolean(await lookup.find(workspaceId, id)),
  );
  return new Set(distinct.filter((_, i) => found[i]));
}

/** A CSV row names some custom fields; the others the contact has are kept. */
function mergeCustom(current: Contact, input: ValidRow['input']) {
  if (!input.customFields) return input;
  const merged: Record<string, string | number | boolean> = { ...current.customFields };
  for (const [key, value] of Object.entries(input.customFields)) {
    // CSV cells are text: `42` read back equals a stored "42" or 42 alike.
    if (key in merged && String(merged[key]) === String(value)) continue;
    merged[key] = value;
  }
  return { ...input, customFields: merged };
}

function validateRows(csv: string, errors: RowError[], onProgress: ImportDeps['onProgress']): ValidRow[] {
  const valid: ValidRow[] = [];
  const firstLineOf = new Map<string, number>();
  let targets: ReturnType<typeof mapHeaders> | undefined;
  let count = 0;
  for (const record of readCsv(csv)) {
    if (!targets) {
      if (record.error) throw new ValidationError(`The header row is malformed: ${record.error}`, 'IMPORT_BAD_HEADER');
      targets = mapHeaders(record.fields);
      continue;
    }
    count += 1;
    if (count > IMPORT_MAX_ROWS) {
      throw new ValidationError(
        `A file may hold at most ${IMPORT_MAX_ROWS} rows; split it and import the parts`,
        'IMPORT_TOO_LARGE',
      );
    }
    if (count % PROGRESS_EVERY === 0) onProgress?.({ stage: 'validate', done: count, total: count });
    const problem = checkRecord(record, targets.length);
    if (problem) {
      errors.push({ line: record.line, errors: [problem] });
      continue;
    }
    const input = rowToInput(targets, record.fields);
    const parsed = contactCreateSchema.safeParse(input);
    // zod's record skips an own `__proto__` key, so the schema never sees it: refused here by name,
    // as the other reserved keys are (the API's JSON parser refuses it before the schema).
    const protoKey = hasOwnProtoKey(input.customFields) ? [{ field: 'custom.__proto__', message: 'Reserved key' }] : [];
    if (!parsed.success || protoKey.length > 0) {
      errors.push({ line: record.line, errors: [...protoKey, ...(parsed.error?.issues.map(issueToError) ?? [])] });
      continue;
    }
    const first = firstLineOf.get(parsed.data.email);
    if (first !== undefined) {
      errors.push({ line: record.line, errors: [{ field: 'email', message: `Same email as line ${first}` }] });
      continue;
    }
    firstLineOf.set(parsed.data.email, record.line);
    valid.push({ line: record.line, input: parsed.data });
  }
  if (!targets || count === 0) throw new ValidationError('The file has no data rows', 'IMPORT_EMPTY');
  if (count % PROGRESS_EVERY !== 0) onProgress?.({ stage: 'validate', done: count, total: count });
  return valid;
}

const hasOwnProtoKey = (fields: unknown): boolean =>
  typeof fields === 'object' && fields !== null && Object.hasOwn(fields, '__proto__');

function checkRecord(record: CsvRecord, columns: number) {
  if (record.error) return { field: 'row', message: record.error };
  if (record.fields.length > columns) {
    return { field: 'row', message: `${record.fields.length} cells for ${columns} columns` };
  }
  return undefined;
}

function issueToError(issue: { path: PropertyKey[]; message: string }) {
  const [head, key] = issue.path;
  const field = head === 'customFields' && key !== undefined ? `custom.${String(key)}` : String(head ?? 'row');
  return { field, message: issue.message };
}
