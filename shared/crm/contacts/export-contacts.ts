/** CSV export of a filtered list, read page by page and bounded to what one response can carry. */
import { ValidationError } from '../../errors';
import type { Contact } from '../model';
import { contactsToCsv } from './csv-columns';
import type { ContactFilter, ContactStore } from './ports';

/** A Lambda response carries 6 MB; past this many contacts, filter the export. */
export const EXPORT_MAX_ROWS = 20_000;
const EXPORT_MAX_BYTES = 5.5 * 1024 * 1024;

/**
 * The contacts matching `filter` as RFC 4180 CSV (formula-safe cells).
 * @throws ValidationError `EXPORT_TOO_LARGE` when the selection exceeds what one response holds.
 */
export async function exportContacts(
  workspaceId: string,
  filter: ContactFilter,
  deps: { readonly contacts: ContactStore },
): Promise<{ csv: string; count: number }> {
  const contacts: Contact[] = [];
  let cursor: string | undefined;
  do {
    // Key order: no change to a contact during the export moves it past the cursor (a score change
    // would, in the tier index's score order), so each contact is read once.
    const page = await deps.contacts.list(workspaceId, filter, {
      limit: 100,
      order: 'key',
      ...(cursor ? { cursor } : {}),
    });
    contacts.push(...page.contacts);
    if (contacts.length > EXPORT_MAX_ROWS) throw tooLarge();
    cursor = page.nextCursor;
  } while (cursor);
  const csv = contactsToCsv(contacts);
  if (Buffer.byteLength(csv) > EXPORT_MAX_BYTES) throw tooLarge();
  return { csv, count: contacts.length };
}

const tooLarge = () =>
  new ValidationError(
    `An export holds at most ${EXPORT_MAX_ROWS} contacts (and 5.5 MB); narrow it with filters`,
    'EXPORT_TOO_LARGE',
  );
