/** CSV export of a filtered list, read page by page and bounded to what one response can carry. */
import { ValidationError } from '../../errors';
import { ContactsCsv, CSV_MAX_COLUMNS, EXPORT_FIXED_COLUMNS } from './csv-columns';
import type { ContactFilter, ContactStore } from './ports';

/** Past this many contacts, filter the export. */
export const EXPORT_MAX_ROWS = 20_000;
/**
 * The widest sheet Excel and LibreOffice Calc open (column XFD): a wider file opens with columns cut
 * off. Each distinct custom-field name across the exported contacts is a column, besides the
 * {@link EXPORT_FIXED_COLUMNS} fixed ones. The import reads headers as wide (CSV_MAX_COLUMNS).
 */
export const EXPORT_MAX_COLUMNS = CSV_MAX_COLUMNS;
/**
 * The most the CSV may weigh as sent ({@link responseTextBytes}): the function returns it as the
 * `body` string of its result, which the Lambda runtime serialises as JSON and may not pass 6 MB
 * (6,291,456 bytes) in all; 64 KB are left for the status and the headers around it.
 */
export const EXPORT_MAX_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/**
 * The bytes `text` takes inside the JSON the Lambda runtime serialises a result to: UTF-8, with a
 * `"`, `\`, CR, LF or tab as two bytes, another control character (or a lone surrogate) as six.
 * Pieces split at a cell boundary add up to the whole.
 */
export const responseTextBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text)) - 2;

/**
 * The contacts matching `filter` as RFC 4180 CSV (formula-safe cells). The size is counted as each
 * contact is read (padding included: rows x columns), so an export that would not fit stops there,
 * with at most one response's worth held, and no text is built until it is known to fit.
 * @throws ValidationError `EXPORT_TOO_LARGE` past {@link EXPORT_MAX_ROWS} contacts,
 * {@link EXPORT_MAX_COLUMNS} columns or {@link EXPORT_MAX_BYTES} bytes as sent.
 */
export async function exportContacts(
  workspaceId: string,
  filter: ContactFilter,
  deps: { readonly contacts: ContactStore },
): Promise<{ csv: string; count: number }> {
  const csv = new ContactsCsv(responseTextBytes);
  let cursor: string | undefined;
  do {
    // Key order: no change to a contact during the export moves it past the cursor (a score change
    // would, in the tier index's score order), so each contact is read once.
    const page = await deps.contacts.list(workspaceId, filter, {
      limit: 100,
      order: 'key',
      ...(cursor ? { cursor } : {}),
    });
    for (const contact of page.contacts) {
      csv.add(contact);
      checkBounds(csv);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { csv: csv.toString(), count: csv.rows };
}

function checkBounds(csv: ContactsCsv): void {
  if (csv.rows > EXPORT_MAX_ROWS) {
    throw tooLarge(`An export holds at most ${EXPORT_MAX_ROWS.toLocaleString('en-US')} contacts`, {
      maxRows: EXPORT_MAX_ROWS,
    });
  }
  if (csv.columns > EXPORT_MAX_COLUMNS) {
    throw tooLarge(
      `An export holds at most ${EXPORT_MAX_COLUMNS.toLocaleString('en-US')} columns (a spreadsheet's width): ` +
        `${EXPORT_FIXED_COLUMNS} fixed and one per distinct custom-field name`,
      { maxColumns: EXPORT_MAX_COLUMNS },
    );
  }
  if (csv.size > EXPORT_MAX_BYTES) {
    throw tooLarge(`An export must fit in one response (${EXPORT_MAX_BYTES.toLocaleString('en-US')} bytes)`, {
      maxBytes: EXPORT_MAX_BYTES,
    });
  }
}

const tooLarge = (limit: string, details: Record<string, number>) =>
  new ValidationError(`${limit}; narrow it with filters`, 'EXPORT_TOO_LARGE', { details });
