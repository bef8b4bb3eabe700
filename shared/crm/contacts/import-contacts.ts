/**
 * CSV import: every row is validated first (errors reported by the line the row starts
 * on), then upserted by email: new emails are created, existing contacts get only the
 * fields that differ, so importing the same file twice changes nothing the second time.
 * A row is decided on a read of whoever has its email; when that changed before the row's
 * write (the email claimed meanwhile, the contact moved to another email, deleted, or its custom
 * fields changed), the write lands nothing and the row is decided again on a fresh read.
 *
 * What goes with a row's write (its consent) is recorded as the writes land, slice by slice
 * (`onWritten`), and completed for the rows found unchanged (`onUnchanged`): an attempt that
 * fails part-way (a throttle, a deadline, a crash, a failed record) leaves contacts written that
 * its retry finds unchanged, and the retry finishes what the failed attempt started.
 */
import { ValidationError } from '../../errors';
import { mapLimit } from '../../resilience/map-limit';
import { type CsvRecord, readCsv } from '../csv/parse';
import type { Contact } from '../model';
import { contactCreateSchema, MAX_CUSTOM_FIELDS } from './contact-fields';
import { mapHeaders, rowToInput } from './csv-columns';
import { ContactChangedError, ContactEmailMovedError, ContactEmailTakenError, ContactNotFoundError } from './errors';
import type { ContactStore, ContactWrite } from './ports';
import { diff, newContact, type OwnerMembers } from './use-cases';

export const IMPORT_MAX_ROWS = 10_000;
/** Errors listed in the report at most; the counts stay exact. */
export const IMPORT_MAX_ERRORS = 1_000;
export const PROGRESS_EVERY = 1_000;
/**
 * Look-up-and-write rounds at most: the rows whose write found their contact changed are decided
 * again on a fresh read; after the last round such a row is reported as a row error.
 */
export const IMPORT_ROUNDS = 3;
/** Writes handed to the store at once; `onWritten` follows each such slice. */
export const IMPORT_WRITE_SLICE = 100;

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
  /**
   * Called after each slice of writes ({@link IMPORT_WRITE_SLICE}) with the ids of the contacts it
   * created or changed (e.g. to record their consent), and those of them it created (which hold
   * nothing else yet), before the next slice is written.
   */
  readonly onWritten?: (contactIds: string[], created: ReadonlySet<string>) => Promise<void>;
  /**
   * Called with the ids of the contacts whose rows change nothing (each round's, before its
   * writes). A failed attempt may have written them without `onWritten` having run (or finished):
   * what `onWritten` records must be completed here, idempotently (the import's consent: recorded
   * for those that have no consent record yet), so that a retry finishes the failed attempt.
   */
  readonly onUnchanged?: (contactIds: string[]) => Promise<void>;
  /** The workspace's members: a row that sets `ownerUserId` must name one (read once per distinct owner). */
  readonly members?: OwnerMembers;
}

/** Membership reads in flight at once while checking the owners a file names. */
const OWNER_CHECK_CONCURRENCY = 8;

interface ValidRow {
  readonly line: number;
  readonly input: ReturnType<typeof contactCreateSchema.parse>;
}

/** A row's write, with the row it is for. */
interface PlannedWrite {
  readonly row: ValidRow;
  readonly write: ContactWrite;
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
  const at = deps.now().toISOString();
  const members = new Map<string, boolean>();
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const progress = writeProgress(deps.onProgress);

  let pending = valid;
  for (let round = 1; pending.length > 0; round += 1) {
    const existing = await deps.contacts.findByEmails(
      workspaceId,
      pending.map((r) => r.input.email),
    );
    const planned: PlannedWrite[] = [];
    const unchanged: string[] = [];
    for (const row of pending) {
      const current = existing.get(row.input.email);
      const decided = decideRow(workspaceId, row, current, at, deps.newId);
      if (decided === 'unchanged') {
        counts.unchanged += 1;
        if (current) unchanged.push(current.contactId);
      } else if ('errors' in decided) errors.push(decided);
      else planned.push({ row, write: decided });
    }
    if (unchanged.length > 0) await deps.onUnchanged?.(unchanged);
    // An owner the rows set must be a member of the workspace, as for a create or a PATCH.
    await checkOwners(
      workspaceId,
      planned.map((p) => ownerSetBy(p.write)),
      deps.members,
      members,
    );
    const toWrite: PlannedWrite[] = [];
    for (const p of planned) {
      const owner = ownerSetBy(p.write);
      if (owner !== undefined && !members.get(owner)) {
        errors.push({
          line: p.row.line,
          errors: [{ field: 'ownerUserId', message: `"${owner}" is not a member of this workspace` }],
        });
      } else toWrite.push(p);
    }

    const roundProgress = progress(toWrite.length);
    const again: ValidRow[] = [];
    for (let from = 0; from < toWrite.length; from += IMPORT_WRITE_SLICE) {
      const slice = toWrite.slice(from, from + IMPORT_WRITE_SLICE);
      const failures = await deps.contacts.writeMany(
        slice.map((p) => p.write),
        (done) => roundProgress(from + done),
      );
      const failed = new Map(failures.map((f) => [f.index, f.error]));
      const written: string[] = [];
      const created = new Set<string>();
      slice.forEach(({ row, write }, i) => {
        const error = failed.get(i);
        if (error === undefined) {
          if (write.kind === 'create') {
            counts.created += 1;
            created.add(write.contact.contactId);
          } else counts.updated += 1;
          written.push(write.kind === 'create' ? write.contact.contactId : write.before.contactId);
        } else if (round < IMPORT_ROUNDS && decideAgain(error)) again.push(row);
        else errors.push({ line: row.line, errors: [writeError(error)] });
      });
      if (written.length > 0) await deps.onWritten?.(written, created);
    }
    pending = again;
  }
  errors.sort((a, b) => a.line - b.line);
  return {
    rows,
    ...counts,
    failed: errors.length,
    errors: errors.slice(0, IMPORT_MAX_ERRORS),
    ...(errors.length > IMPORT_MAX_ERRORS ? { errorsTruncated: true } : {}),
    durationMs: Date.now() - started,
  };
}

/**
 * What a row does to the contact that has its email (`current`, as read): a create, an update
 * (its custom fields merged with the stored ones, at most {@link MAX_CUSTOM_FIELDS} in all),
 * nothing, or a row error.
 */
function decideRow(
  workspaceId: string,
  row: ValidRow,
  current: Contact | undefined,
  at: string,
  newId: () => string,
): ContactWrite | RowError | 'unchanged' {
  if (!current) return { kind: 'create', contact: newContact(workspaceId, row.input, newId(), at) };
  if (current.deletedAt) {
    return {
      line: row.line,
      errors: [
        { field: 'email', message: `A deleted contact (${current.contactId}) has this email; restore it first` },
      ],
    };
  }
  const merged = mergeCustom(current, row.input);
  const count = Object.keys(merged.customFields ?? {}).length;
  if (count > MAX_CUSTOM_FIELDS) {
    return {
      line: row.line,
      errors: [
        {
          field: 'customFields',
          message: `At most ${MAX_CUSTOM_FIELDS} custom fields: merged with the contact's, this row would leave it ${count}`,
        },
      ],
    };
  }
  const changes = diff(current, merged);
  if (Object.keys(changes).length === 0) return 'unchanged';
  return { kind: 'update', before: current, changes: { ...changes, updatedAt: at } };
}

/**
 * Whether a row's failed write is to be decided again on a fresh read: whoever has its email
 * changed under it (claimed meanwhile, moved away, deleted, or the contact kept changing or its
 * merge would now pass a limit).
 */
const decideAgain = (error: Error): boolean =>
  error instanceof ContactEmailTakenError ||
  error instanceof ContactEmailMovedError ||
  error instanceof ContactNotFoundError ||
  error instanceof ContactChangedError;

/** A failed write as a row error. */
function writeError(error: Error): { field: string; message: string } {
  if (error instanceof ContactEmailTakenError) {
    // A claim with no contact behind it: another write is creating that contact right now.
    const message =
      error.details.contactId === undefined
        ? 'Another write is creating a contact with this email; import this row again'
        : error.message;
    return { field: 'email', message };
  }
  if (error instanceof ContactEmailMovedError) return { field: 'email', message: error.message };
  return { field: 'row', message: error.message };
}

/**
 * The write stage's progress over all rounds: every {@link PROGRESS_EVERY} rows written, and at
 * each round's end. Answers, for a round of `n` writes, the store's `onProgress`.
 */
function writeProgress(onProgress: ImportDeps['onProgress']) {
  let total = 0;
  let before = 0;
  let reported = 0;
  return (n: number) => {
    const base = before;
    total += n;
    before += n;
    return (done: number) => {
      const sum = base + done;
      if (sum - reported < PROGRESS_EVERY && done < n) return;
      reported = sum;
      onProgress?.({ stage: 'write', done: sum, total });
    };
  };
}

/** The owner a write sets, if any (an update that leaves the owner as it is sets none). */
const ownerSetBy = (w: ContactWrite): string | undefined =>
  w.kind === 'create' ? w.contact.ownerUserId : w.changes.ownerUserId;

/** Reads, one per distinct owner id not known yet, whether each is a member (into `known`). */
async function checkOwners(
  workspaceId: string,
  owners: ReadonlyArray<string | undefined>,
  lookup: OwnerMembers | undefined,
  known: Map<string, boolean>,
): Promise<void> {
  const distinct = [...new Set(owners.filter((o): o is string => o !== undefined && !known.has(o)))];
  if (distinct.length === 0) return;
  if (!lookup) throw new Error('No membership lookup to check ownerUserId against');
  const found = await mapLimit(distinct, OWNER_CHECK_CONCURRENCY, async (id) =>
    Boolean(await lookup.find(workspaceId, id)),
  );
  distinct.forEach((id, i) => {
    known.set(id, found[i] === true);
  });
}

/** A CSV row names some custom fields; the others the contact has are kept. */
function mergeCustom(current: Contact, input: ValidRow['input']) {
  if (!input.customFields) return input;
  const merged: Record<string, string | number | boolean> = { ...current.customFields };
  for (const [key, value] of Object.entries(input.customFields)) {
    // CSV cells are text: `42` read back equals a stored "42" or 42 alike.
    if (Object.hasOwn(merged, key) && String(merged[key]) === String(value)) continue;
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
